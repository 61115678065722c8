/**
 * VS Code side of settings: reads configuration and each folder's `application.properties`,
 * resolves them with the pure resolver, and tells listeners when the result may have changed.
 */
import * as vscode from 'vscode';
import {
  APPLICATION_PROPERTIES_FILE,
  type KerutaSettings,
  type ServerSettings,
  SettingKeys,
  type SeveritySetting,
} from '../../../server/src/protocol';
import type { Logger } from '../log';
import { parseProperties } from './applicationProperties';
import { type ResolveContext, resolveSetting, resolveSettings, SETTING_SPECS } from './settingsResolver';

const SECTION = 'keruta';
/** A properties file larger than this is not a configuration file; it is ignored. */
const MAX_PROPERTIES_BYTES = 1024 * 1024;

export class SettingsService implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when settings, a properties file or workspace trust change. */
  readonly onDidChange = this.changed.event;
  private readonly properties = new Map<string, Promise<ReadonlyMap<string, string>>>();
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly log: Logger) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${APPLICATION_PROPERTIES_FILE}`);
    const invalidate = (uri: vscode.Uri): void => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (folder && vscode.Uri.joinPath(folder.uri, APPLICATION_PROPERTIES_FILE).toString() === uri.toString()) {
        this.properties.delete(folder.uri.toString());
        this.changed.fire();
      }
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(invalidate),
      watcher.onDidChange(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SECTION)) this.changed.fire();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.properties.clear();
        this.changed.fire();
      }),
    );
  }

  /** Settings for a resource (a task file) or, without one, for the first workspace folder. */
  async get(resource?: vscode.Uri): Promise<KerutaSettings> {
    const { configuration, context } = await this.sources(resource);
    return resolveSettings({ inspect: (key) => configuration.inspect(key) }, context);
  }

  /** The configuration and the resolve context (properties, trust) for a resource. */
  private async sources(resource?: vscode.Uri): Promise<{ configuration: vscode.WorkspaceConfiguration; context: ResolveContext }> {
    const folder = (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
    const configuration = vscode.workspace.getConfiguration(undefined, resource ?? folder?.uri);
    const properties = folder ? await this.propertiesOf(folder.uri) : new Map<string, string>();
    return { configuration, context: { properties, trusted: vscode.workspace.isTrusted } };
  }

  /** What the language server pulls for a document: the resolved settings plus diagnostics settings. */
  async serverSettings(resource?: vscode.Uri): Promise<ServerSettings> {
    const settings = await this.get(resource);
    const configuration = vscode.workspace.getConfiguration(undefined, resource);
    const severity = configuration.get<Record<string, SeveritySetting>>(SettingKeys.diagnosticsSeverity) ?? {};
    const envNameRule = configuration.get<string>(SettingKeys.diagnosticsEnvNameRule);
    return {
      ...settings,
      diagnostics: {
        severity: typeof severity === 'object' && severity !== null ? severity : {},
        envNameRule: envNameRule === 'relaxed' || envNameRule === 'classic' ? envNameRule : 'auto',
      },
    };
  }

  /** Where each setting's value came from, for the log. */
  async describe(resource?: vscode.Uri): Promise<string[]> {
    const { configuration, context } = await this.sources(resource);
    return (Object.keys(SETTING_SPECS) as (keyof typeof SETTING_SPECS)[]).map((key) => {
      const { value, origin } = resolveSetting(key, configuration.inspect(key), context);
      return `${key} = ${JSON.stringify(value)} (${origin})`;
    });
  }

  private propertiesOf(folder: vscode.Uri): Promise<ReadonlyMap<string, string>> {
    const key = folder.toString();
    let cached = this.properties.get(key);
    if (!cached) {
      cached = this.readProperties(vscode.Uri.joinPath(folder, APPLICATION_PROPERTIES_FILE));
      this.properties.set(key, cached);
    }
    return cached;
  }

  private async readProperties(uri: vscode.Uri): Promise<ReadonlyMap<string, string>> {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_PROPERTIES_BYTES) {
        this.log.warn(`${uri.fsPath} is larger than ${MAX_PROPERTIES_BYTES} bytes; its keruta defaults are ignored.`);
        return new Map();
      }
      const bytes = await vscode.workspace.fs.readFile(uri);
      const properties = parseProperties(new TextDecoder('utf-8').decode(bytes));
      this.log.debug(`Read ${properties.size} properties from ${uri.fsPath}`);
      return properties;
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return new Map();
      this.log.warn(`Could not read ${uri.fsPath}: ${String(error)}`);
      return new Map();
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

export { SettingKeys };
