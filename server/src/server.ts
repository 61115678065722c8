/**
 * Composition root of the language server: creates the connection and hands it to the services.
 * Runs as `node dist/server.js --stdio` for any LSP client.
 */
import { createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { KerutaLanguageServer } from './services/languageServer';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
new KerutaLanguageServer(connection, documents);
documents.listen(connection);
connection.listen();
