/** Starts the bundled language server and connects it to task files. */
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import type { InitializationOptions } from '../../../server/src/protocol';
import { LANGUAGE_ID } from '../identifiers';

export function createLanguageClient(context: vscode.ExtensionContext, outputChannel: vscode.LogOutputChannel): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const initializationOptions: InitializationOptions = {
    ...(vscode.l10n.uri ? { l10nBundlePath: vscode.l10n.uri.fsPath } : {}),
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    outputChannel,
    initializationOptions,
  };
  return new LanguageClient('keruta', vscode.l10n.t('Keruta Language Server'), serverOptions, clientOptions);
}
