/** Starts the bundled language server and connects it to task files and YAML (Job) documents. */
import * as vscode from 'vscode';
import {
  type ConfigurationParams,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { type InitializationOptions } from '../../../server/src/protocol';
import type { SettingsService } from '../config/settings';
import { LANGUAGE_ID } from '../identifiers';

export function createLanguageClient(
  context: vscode.ExtensionContext,
  outputChannel: vscode.LogOutputChannel,
  settings: SettingsService,
): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const initializationOptions: InitializationOptions = {
    ...(vscode.l10n.uri ? { l10nBundlePath: vscode.l10n.uri.fsPath } : {}),
    docsBaseUrl: vscode.Uri.joinPath(context.extensionUri, 'README.md').toString(),
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
      // Job YAML: the server reports only on `batch/v1` Job documents.
      { language: 'yaml', scheme: 'file' },
      { language: 'yaml', scheme: 'untitled' },
    ],
    outputChannel,
    initializationOptions,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.keruta.{yaml,yml}') },
    middleware: {
      workspace: {
        // The server pulls `keruta` settings per document; answer with the resolved settings
        // (explicit settings > application.properties > defaults), not the raw configuration.
        configuration: async (params: ConfigurationParams, token, next) => {
          const raw = await next(params, token);
          if (!Array.isArray(raw)) return raw;
          return Promise.all(
            params.items.map((item, index): Promise<unknown> =>
              item.section === 'keruta'
                ? settings.serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : Promise.resolve(raw[index] as unknown),
            ),
          );
        },
      },
    },
  };
  return new LanguageClient('keruta', vscode.l10n.t('Keruta Language Server'), serverOptions, clientOptions);
}
