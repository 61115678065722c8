/**
 * Composition root of the language server: creates the connection and hands it to the services.
 * Runs as `node dist/server.js --stdio` for any LSP client.
 */
import * as l10n from '@vscode/l10n';
import {
  createConnection,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isTaskFileName } from './core/taskModel';
import type { InitializationOptions } from './protocol';
import { taskFileDiagnostics } from './services/diagnostics';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const options = (params.initializationOptions ?? {}) as InitializationOptions;
  if (options.l10nBundlePath) {
    try {
      l10n.config({ fsPath: options.l10nBundlePath });
    } catch (error) {
      connection.console.warn(`Could not load the l10n bundle ${options.l10nBundlePath}: ${String(error)}`);
    }
  }
  return {
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
    serverInfo: { name: 'keruta-language-server' },
  };
});

function validate(document: TextDocument): void {
  if (!isTaskFileName(document.uri)) return;
  void connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics: taskFileDiagnostics(document) });
}

// onDidChangeContent also fires when a document opens.
documents.onDidChangeContent((event) => validate(event.document));
documents.onDidClose((event) => {
  void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
