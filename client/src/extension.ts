/**
 * Composition root: builds one context that owns every lifetime. Nothing here talks to a cluster;
 * cluster code is loaded when a command first needs it.
 */
import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, type LanguageClient } from 'vscode-languageclient/node';
import { openKubernetesSettings } from './commands/openKubernetesSettings';
import { showJobYaml } from './commands/showJobYaml';
import { SettingsService } from './config/settings';
import { Commands, ContextKeys } from './identifiers';
import { createLanguageClient } from './language/languageClient';
import { createLogger, type Logger } from './log';

export class KerutaContext implements vscode.Disposable {
  readonly log: Logger;
  readonly settings: SettingsService;
  private readonly disposables: vscode.Disposable[] = [];
  private languageClient: LanguageClient | undefined;

  constructor(extensionContext: vscode.ExtensionContext) {
    const channel = vscode.window.createOutputChannel('Keruta', { log: true });
    this.disposables.push(channel);
    this.log = createLogger(channel);
    this.settings = this.own(new SettingsService(this.log.child('settings')));
    this.own(vscode.commands.registerCommand(Commands.openKubernetesSettings, openKubernetesSettings));
    this.own(vscode.commands.registerCommand(Commands.showOutput, () => channel.show()));
    this.own(
      vscode.commands.registerCommand(Commands.showJobYaml, (uri?: string, taskId?: string) =>
        showJobYaml({ client: () => this.languageClient, settings: this.settings, log: this.log.child('job-yaml') }, uri, taskId),
      ),
    );
    this.own(this.settings.onDidChange(() => void this.refreshSettings()));
    this.languageClient = createLanguageClient(extensionContext, channel, this.settings);
  }

  async start(): Promise<void> {
    await this.refreshSettings();
    try {
      await this.languageClient?.start();
    } catch (error) {
      this.log.error(`The Keruta language server did not start: ${String(error)}`);
      const show = vscode.l10n.t('Show Output');
      void vscode.window
        .showWarningMessage(vscode.l10n.t('The Keruta language server did not start; task files are not checked.'), show)
        .then((choice) => (choice === show ? vscode.commands.executeCommand(Commands.showOutput) : undefined));
    }
  }

  private async refreshSettings(): Promise<void> {
    // application.properties and trust changes are not configuration events: tell the server.
    if (this.languageClient?.isRunning()) {
      await this.languageClient.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    }
    const settings = await this.settings.get();
    await vscode.commands.executeCommand('setContext', ContextKeys.kubernetesEnabled, settings.kubernetes.enabled);
    for (const line of await this.settings.describe()) this.log.debug(line);
  }

  private own<T extends vscode.Disposable>(disposable: T): T {
    this.disposables.push(disposable);
    return disposable;
  }

  async dispose(): Promise<void> {
    const client = this.languageClient;
    this.languageClient = undefined;
    if (client) {
      try {
        await client.stop(2000);
      } catch (error) {
        this.log.warn(`Stopping the language server: ${String(error)}`);
      }
    }
    for (const disposable of this.disposables.reverse()) disposable.dispose();
  }
}

let current: KerutaContext | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  current = new KerutaContext(context);
  await current.start();
}

export async function deactivate(): Promise<void> {
  await current?.dispose();
  current = undefined;
}
