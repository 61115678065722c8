/**
 * The language server's services on one connection: settings pulled per document, diagnostics,
 * quick fixes, and the features in ./features. Created by server.ts (the composition root).
 */
import * as l10n from '@vscode/l10n';
import {
  type CodeAction,
  CodeActionKind,
  type Connection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  type InitializeParams,
  type InitializeResult,
  type TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { LineIndex } from '../core/positions';
import { isTaskFileName, type Span } from '../core/taskModel';
import { lineIndentAt, lineStartAt } from '../core/yamlDocuments';
import {
  ClusterVersionNotification,
  type ClusterVersionParams,
  type InitializationOptions,
  RenderJobRequest,
  type RenderJobParams,
  type RenderJobResult,
} from '../protocol';
import { ruleFor } from '../rules';
import type { FindingData, JobSchemaValidator, RuleContext } from '../rules/ruleTypes';
import { analyze, DocumentCache, documentKind, type DocumentKind } from './analysis';
import { provideCodeLenses, provideCompletion, provideDocumentSymbols, provideHover, renderJobForTask } from './features';
import { offsetAt, toDiagnostic } from './lspConvert';
import { loadJobSchemaValidator } from './jobSchema';
import { type NormalizedSettings, normalizeSettings } from './serverSettings';
import { WorkspaceIndex } from './workspaceIndex';

export class KerutaLanguageServer {
  private readonly settings = new Map<string, Promise<NormalizedSettings>>();
  private readonly workspace = new WorkspaceIndex();
  private cluster: ClusterVersionParams | undefined;
  private pullConfiguration = false;
  private docsBase: string | undefined;
  private validateJobSchema: JobSchemaValidator | undefined;
  /** Findings per YAML document text, per open document and its settings; dropped when what rules read changes. */
  private readonly documentCaches = new Map<string, { settings: NormalizedSettings; cache: DocumentCache }>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
  ) {
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => void this.initialized());
    connection.onDidChangeConfiguration(() => {
      this.settings.clear();
      this.revalidateAll();
    });
    connection.onNotification(ClusterVersionNotification, (params: ClusterVersionParams) => {
      this.cluster = params;
      this.settings.clear();
      this.revalidateAll();
    });
    connection.onDidChangeWatchedFiles((change) => {
      for (const event of change.changes) {
        if (!isTaskFileName(event.uri) || this.documents.get(event.uri)) continue;
        if (event.type === 3) this.workspace.delete(event.uri);
        else void this.reindexFromDisk(event.uri);
      }
      this.revalidateAll();
    });
    documents.onDidChangeContent((event) => void this.validate(event.document));
    documents.onDidClose((event) => {
      this.settings.delete(event.document.uri);
      this.documentCaches.delete(event.document.uri);
      if (isTaskFileName(event.document.uri)) void this.reindexFromDisk(event.document.uri);
      void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    });
    connection.onCodeAction((params) => this.codeActions(params.textDocument.uri, params.context.diagnostics));
    connection.onCompletion(async (params) => {
      const document = this.featureDocument(params.textDocument.uri);
      return document ? provideCompletion(document, params.position, await this.settingsFor(document.uri)) : [];
    });
    connection.onHover(async (params) => {
      const document = this.featureDocument(params.textDocument.uri);
      return document ? provideHover(document, params.position, await this.settingsFor(document.uri)) : null;
    });
    connection.onDocumentSymbol((params) => {
      const document = this.featureDocument(params.textDocument.uri);
      return document ? provideDocumentSymbols(document) : [];
    });
    connection.onCodeLens((params) => {
      const document = this.featureDocument(params.textDocument.uri);
      return document ? provideCodeLenses(document) : [];
    });
    connection.onRequest(RenderJobRequest, async (params: RenderJobParams): Promise<RenderJobResult> => {
      const document = this.featureDocument(params.uri) ?? (params.text !== undefined ? { uri: params.uri, text: params.text, kind: this.kindOf(params.uri) } : undefined);
      if (!document) return { found: false, yaml: '', namespace: '', diagnostics: [], errors: 0 };
      const settings = await this.settingsFor(params.uri);
      return renderJobForTask(params, document, this.ruleContext(document.uri, document.text, settings), settings);
    });
  }

  private initialize(params: InitializeParams): InitializeResult {
    const options = (params.initializationOptions ?? {}) as InitializationOptions;
    if (options.l10nBundlePath) {
      try {
        l10n.config({ fsPath: options.l10nBundlePath });
      } catch (error) {
        this.connection.console.warn(`Could not load the l10n bundle ${options.l10nBundlePath}: ${String(error)}`);
      }
    }
    this.docsBase = options.docsBaseUrl;
    this.pullConfiguration = params.capabilities.workspace?.configuration === true;
    const folders = (params.workspaceFolders ?? []).map((folder) => folder.uri).filter((uri) => uri.startsWith('file:'));
    void this.scanWorkspace(folders);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        completionProvider: { triggerCharacters: [':', ' ', '_'] },
        hoverProvider: true,
        documentSymbolProvider: true,
        codeLensProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'keruta-language-server' },
    };
  }

  private async initialized(): Promise<void> {
    if (this.pullConfiguration) {
      try {
        await this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'keruta' });
      } catch {
        // clients without dynamic registration still send didChangeConfiguration
      }
    }
    try {
      this.validateJobSchema = await loadJobSchemaValidator();
      this.revalidateAll();
    } catch (error) {
      this.connection.console.warn(`The batch/v1 Job schema could not be loaded; structural checks are off: ${String(error)}`);
    }
  }

  private async scanWorkspace(folderUris: readonly string[]): Promise<void> {
    try {
      const count = await this.workspace.scan(folderUris.map((uri) => fileURLToPath(uri)));
      this.connection.console.info(`Indexed ${count} task files.`);
      this.revalidateAll();
    } catch (error) {
      this.connection.console.warn(`Indexing task files failed: ${String(error)}`);
    }
  }

  private async reindexFromDisk(uri: string): Promise<void> {
    try {
      const { readFile } = await import('node:fs/promises');
      this.workspace.set(uri, await readFile(fileURLToPath(uri), 'utf8'));
    } catch {
      this.workspace.delete(uri);
    }
  }

  private settingsFor(uri: string): Promise<NormalizedSettings> {
    let cached = this.settings.get(uri);
    if (!cached) {
      cached = (this.pullConfiguration
        ? this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'keruta' }).then(
            (raw: unknown) => raw,
            () => undefined,
          )
        : Promise.resolve(undefined)
      ).then((raw) => normalizeSettings(raw, this.cluster));
      this.settings.set(uri, cached);
    }
    return cached;
  }

  private ruleContext(uri: string, text: string, settings: NormalizedSettings): RuleContext {
    return {
      uri,
      text,
      settings: settings.rules,
      workspace: this.workspace,
      ...(this.validateJobSchema ? { validateJobSchema: this.validateJobSchema } : {}),
    };
  }

  private kindOf(uri: string): DocumentKind {
    return documentKind(uri, this.documents.get(uri)?.languageId);
  }

  private featureDocument(uri: string): { uri: string; text: string; kind: DocumentKind } | undefined {
    const document = this.documents.get(uri);
    return document ? { uri, text: document.getText(), kind: this.kindOf(uri) } : undefined;
  }

  /**
   * The document cache, valid for one settings object: findings depend on the settings, so a
   * settings change (or the schema arriving) empties it.
   */
  private cacheFor(uri: string, settings: NormalizedSettings): DocumentCache {
    let entry = this.documentCaches.get(uri);
    if (entry?.settings !== settings) {
      entry = { settings, cache: new DocumentCache() };
      this.documentCaches.set(uri, entry);
    }
    return entry.cache;
  }

  private revalidateAll(): void {
    this.documentCaches.clear();
    for (const document of this.documents.all()) void this.validate(document);
  }

  private async validate(document: TextDocument): Promise<void> {
    const kind = this.kindOf(document.uri);
    if (kind === 'other') return;
    const text = document.getText();
    if (kind === 'task') this.workspace.set(document.uri, text);
    const version = document.version;
    const settings = await this.settingsFor(document.uri);
    const { findings } = analyze(kind, this.ruleContext(document.uri, text, settings), { severities: settings.severities, documentCache: this.cacheFor(document.uri, settings) });
    // A newer version may have arrived while settings were pulled; its own run publishes.
    if (this.documents.get(document.uri)?.version !== version) return;
    const lines = new LineIndex(text);
    const diagnostics = findings.map((finding) => toDiagnostic(finding, text, lines, this.docsBase));
    await this.connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
  }

  private async codeActions(uri: string, diagnostics: readonly Diagnostic[]): Promise<CodeAction[]> {
    const document = this.documents.get(uri);
    if (!document) return [];
    const settings = await this.settingsFor(uri);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const text = document.getText();
    const lines = new LineIndex(text);
    const actions: CodeAction[] = [];
    for (const diagnostic of diagnostics) {
      if (diagnostic.source !== 'keruta' || typeof diagnostic.code !== 'string') continue;
      const span: Span = [offsetAt(text, diagnostic.range.start), offsetAt(text, diagnostic.range.end)];
      const rule = ruleFor(diagnostic.code);
      const fixes = rule?.fixes?.({ span, data: diagnostic.data as FindingData | undefined }, { uri, text, settings: settings.rules, now }) ?? [];
      for (const fix of fixes) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: fix.preferred === true,
          edit: { changes: { [uri]: fix.edits.map((edit) => ({ range: lines.rangeOf(edit.span), newText: edit.newText })) } },
        });
      }
      actions.push(this.suppression(uri, text, lines, diagnostic, span));
    }
    return actions;
  }

  /** `# keruta-ignore: CODE` on the line above the diagnostic, indented like it. */
  private suppression(uri: string, text: string, lines: LineIndex, diagnostic: Diagnostic, span: Span): CodeAction {
    const code = String(diagnostic.code);
    const lineStart = lineStartAt(text, span[0]);
    const indent = lineIndentAt(text, span[0]);
    const position = lines.positionAt(lineStart);
    return {
      title: l10n.t('Suppress {0} on this line', code),
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      edit: { changes: { [uri]: [{ range: { start: position, end: position }, newText: `${indent}# keruta-ignore: ${code}\n` }] } },
    };
  }
}
