import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseProperties } from '../../client/src/config/applicationProperties';
import { type InspectedSetting, resolveSetting, resolveSettings, SETTING_SPECS } from '../../client/src/config/settingsResolver';
import { DEFAULT_RENDER_OPTIONS } from '../../server/src/core/jobRenderer';
import { DEFAULT_RULE_SETTINGS } from '../../server/src/rules/ruleTypes';
import { normalizeSettings } from '../../server/src/services/serverSettings';
import { collectorModeFor, renderOptionsFromSettings } from '../../server/src/core/renderOptions';
import { SettingKeys, type SettingKey } from '../../server/src/protocol';

interface ManifestProperty { default: unknown; scope: string; markdownDescription: string; type: unknown }
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, ManifestProperty> }[] };
};
const declared: Record<string, ManifestProperty> = Object.fromEntries(manifest.contributes.configuration.flatMap((c) => Object.entries(c.properties)));

const none = new Map<string, string>();
const source = (values: Partial<Record<SettingKey, InspectedSetting>>) => ({ inspect: (key: SettingKey) => ({ defaultValue: declared[key]?.default, ...values[key] }) });

describe('settings precedence', () => {
  test('built-in default when nothing is set', () => {
    const settings = resolveSettings(source({}), { properties: none, trusted: true });
    assert.equal(settings.kubernetes.enabled, true);
    assert.equal(settings.kubernetes.defaultNamespace, 'default');
    assert.equal(settings.job.ttlSecondsAfterFinished, 3600);
    assert.equal(settings.job.activeDeadlineSeconds, null);
    assert.equal(settings.collector.mode, 'auto');
  });

  test('application.properties beats the default', () => {
    const properties = parseProperties('keruta.kubernetes.enabled=false\nkeruta.kubernetes.default-namespace=team-a\nkeruta.kubernetes.config-path=/etc/kube\nkeruta.kubernetes.in-cluster=TRUE\n');
    const settings = resolveSettings(source({}), { properties, trusted: true });
    assert.equal(settings.kubernetes.enabled, false);
    assert.equal(settings.kubernetes.defaultNamespace, 'team-a');
    assert.equal(settings.kubernetes.configPath, '/etc/kube');
    assert.equal(settings.kubernetes.inCluster, true);
    assert.equal(resolveSetting(SettingKeys.kubernetesDefaultNamespace, source({}).inspect(SettingKeys.kubernetesDefaultNamespace), { properties, trusted: true }).origin, 'application.properties');
  });

  test('an explicit setting beats application.properties, at every level; folder > workspace > user', () => {
    const properties = parseProperties('keruta.kubernetes.default-namespace=from-properties\n');
    const key = SettingKeys.kubernetesDefaultNamespace;
    const context = { properties, trusted: true };
    assert.deepEqual(resolveSetting(key, { defaultValue: 'default', globalValue: 'user-ns' }, context), { value: 'user-ns', origin: 'user' });
    assert.deepEqual(resolveSetting(key, { defaultValue: 'default', globalValue: 'user-ns', workspaceValue: 'ws-ns' }, context), { value: 'ws-ns', origin: 'workspace' });
    assert.deepEqual(
      resolveSetting(key, { defaultValue: 'default', globalValue: 'user-ns', workspaceValue: 'ws-ns', workspaceFolderValue: 'folder-ns' }, context),
      { value: 'folder-ns', origin: 'workspaceFolder' },
    );
    // An explicit value equal to the default still counts as explicit.
    assert.deepEqual(resolveSetting(key, { defaultValue: 'default', globalValue: 'default' }, context), { value: 'default', origin: 'user' });
  });

  test('values of the wrong type are skipped, at any level', () => {
    const properties = parseProperties('keruta.kubernetes.enabled=maybe\nkeruta.kubernetes.default-namespace=   \n');
    const settings = resolveSettings(
      source({ [SettingKeys.jobBackoffLimit]: { globalValue: -3 }, [SettingKeys.collectorMode]: { workspaceValue: 'sideways' } }),
      { properties, trusted: true },
    );
    assert.equal(settings.kubernetes.enabled, true);
    assert.equal(settings.kubernetes.defaultNamespace, 'default');
    assert.equal(settings.job.backoffLimit, 0);
    assert.equal(settings.collector.mode, 'auto');
  });

  test('untrusted workspace: the workspace cannot choose the kubeconfig, by settings or properties', () => {
    const properties = parseProperties('keruta.kubernetes.config-path=/evil/kubeconfig\nkeruta.kubernetes.default-namespace=ns-from-file\n');
    const values = { [SettingKeys.kubernetesConfigPath]: { workspaceValue: '/evil/too' } };
    const untrusted = resolveSettings(source(values), { properties, trusted: false });
    assert.equal(untrusted.kubernetes.configPath, '');
    assert.equal(untrusted.kubernetes.defaultNamespace, 'ns-from-file');
    const userChosen = resolveSettings(source({ [SettingKeys.kubernetesConfigPath]: { globalValue: '/home/me/.kube/other', workspaceValue: '/evil/too' } }), { properties, trusted: false });
    assert.equal(userChosen.kubernetes.configPath, '/home/me/.kube/other');
    const trusted = resolveSettings(source(values), { properties, trusted: true });
    assert.equal(trusted.kubernetes.configPath, '/evil/too');
  });

  test('package.json declares every setting with the same default, a scope and a description', () => {
    for (const [key, spec] of Object.entries(SETTING_SPECS)) {
      const property = declared[key];
      assert.ok(property, `${key} is not in package.json`);
      assert.deepEqual(property.default, spec.fallback, `${key}: package.json default differs`);
      assert.ok(property.scope, `${key} has no scope`);
      assert.match(property.markdownDescription, /^%config\..+%$/);
    }
    const all = Object.values(SettingKeys) as string[];
    assert.deepEqual(Object.keys(declared).sort(), [...all].sort());
  });

  test('renderer options follow the settings; collector mode auto follows the server version', () => {
    const settings = resolveSettings(source({ [SettingKeys.jobTtlSecondsAfterFinished]: { globalValue: null } }), { properties: none, trusted: true });
    const options = renderOptionsFromSettings(settings, { collectorMode: collectorModeFor('auto', { major: '1', minor: '28+' }) });
    assert.equal(options.collector.mode, 'regular');
    assert.equal(options.ttlSecondsAfterFinished, undefined);
    assert.equal(collectorModeFor('auto', { major: '1', minor: '29' }), 'native');
    assert.equal(collectorModeFor('auto'), 'native');
    assert.equal(collectorModeFor('regular', { major: '1', minor: '33' }), 'regular');
  });

  test("the renderer's built-in defaults are the settings' defaults", () => {
    const defaults = resolveSettings(source({}), { properties: none, trusted: true });
    assert.deepEqual(renderOptionsFromSettings(defaults, { collectorMode: 'native' }), DEFAULT_RENDER_OPTIONS);
  });

  test("the language server's defaults (for clients that send no settings) are the settings' defaults", () => {
    const defaults = resolveSettings(source({}), { properties: none, trusted: true });
    assert.deepEqual(normalizeSettings(undefined, undefined).rules, DEFAULT_RULE_SETTINGS);
    assert.deepEqual(normalizeSettings({ ...defaults, diagnostics: { envNameRule: 'auto' } }, undefined).rules, DEFAULT_RULE_SETTINGS);
  });
});
