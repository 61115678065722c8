/// <reference types="mocha" />
/**
 * The thin layer inside a real VS Code: the extension activates, its commands exist, task files
 * get Keruta's diagnostics and quick fixes, and Show Job YAML opens the Job. Runs in any workspace
 * that is a copy of examples/ (the e2e driver and runElectron.ts both make one).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID, LANGUAGE_ID } from '../../../client/src/identifiers';
import { waitFor } from './waitFor';

const SAMPLE_TASK_FILE = 'sample.keruta.yaml';

function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite needs a workspace folder (a copy of examples/)');
  return folder;
}

/** Closes every editor; unsaved ones (Show Job YAML's untitled document) are reverted first, so no "Save?" dialog blocks the window. */
async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments.filter((candidate) => candidate.isDirty)) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

function kerutaDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'keruta');
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (typeof code === 'string') return code;
  if (typeof code === 'object' && typeof code.value === 'string') return code.value;
  return undefined;
}

suite('Keruta in VS Code', () => {
  let extension: vscode.Extension<unknown>;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is installed`);
    extension = found;
    await extension.activate();
  });

  teardown(closeAllEditors);

  test('the extension is active', () => {
    assert.equal(extension.isActive, true);
  });

  test('every command in package.json is registered', async () => {
    const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((entry) => entry.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((command) => !registered.has(command)), [], 'contributed commands without a handler');
  });

  test('the sample task file opens as a Keruta Task', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceFolder().uri, SAMPLE_TASK_FILE));
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, LANGUAGE_ID);
  });

  suite('a broken task file', () => {
    let uri: vscode.Uri;

    suiteSetup(async () => {
      uri = vscode.Uri.joinPath(workspaceFolder().uri, `broken-${process.pid}.keruta.yaml`);
      const text = ['# written by the extension-host suite; deleted afterwards', 'id: "vscode-suite-broken"', 'priority: 1', 'job:', '  image: busybox:1.36.1', ''].join('\n');
      await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    });

    suiteTeardown(async () => {
      await closeAllEditors();
      await vscode.workspace.fs.delete(uri, { useTrash: false });
    });

    test('gets a keruta diagnostic with a stable code, and its quick fix clears it', async () => {
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document);
      const missingTitle = await waitFor(
        'a task-missing-title diagnostic from keruta',
        () => kerutaDiagnostics(uri).find((diagnostic) => codeOf(diagnostic) === 'task-missing-title'),
        { events: [vscode.languages.onDidChangeDiagnostics] },
      );
      assert.equal(missingTitle.severity, vscode.DiagnosticSeverity.Error);

      // As the light bulb does: quick fixes for the diagnostic's range, resolved (the server may fill in
      // edits lazily). This API command does not pass on CodeAction.diagnostics, so the fix is known
      // by being the preferred one there.
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, missingTitle.range, vscode.CodeActionKind.QuickFix.value, 10);
      const describeAll = (): string => JSON.stringify(actions.map((action) => ({ title: action.title, kind: action.kind?.value, preferred: action.isPreferred, edit: action.edit !== undefined })));
      const fix = actions.find((action) => action.isPreferred === true && action.kind?.value === vscode.CodeActionKind.QuickFix.value);
      assert.ok(fix?.edit, `a preferred quick fix with an edit for task-missing-title; got ${describeAll()}`);
      assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
      assert.match(document.getText(), /^title: /m);
      await waitFor('the task-missing-title diagnostic to go away', () => (kerutaDiagnostics(uri).some((diagnostic) => codeOf(diagnostic) === 'task-missing-title') ? undefined : true), {
        events: [vscode.languages.onDidChangeDiagnostics],
      });
      await document.save();
    });
  });

  test('Show Job YAML renders a task whose file is not open in an editor', async () => {
    // The tree's ▶ and the palette's pick offer every task of the workspace, open or not.
    const reports = vscode.Uri.joinPath(workspaceFolder().uri, 'tasks', 'reports.keruta.yaml');
    assert.equal(vscode.workspace.textDocuments.some((document) => document.uri.toString() === reports.toString()), false, 'precondition: tasks/reports.keruta.yaml is not open');
    await vscode.commands.executeCommand(Commands.showJobYaml, reports.toString(), 'nightly-report');
    const editor = await waitFor('a YAML editor with the Job of nightly-report', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.languageId === 'yaml' && active.document.getText().includes('generateName: keruta-nightly-report-') ? active : undefined;
    }, { events: [vscode.window.onDidChangeActiveTextEditor], timeoutMs: 10_000 });
    assert.match(editor.document.getText(), /^kind: Job$/m);
  });

  test('Show Job YAML opens the Job of the sample task as YAML', async () => {
    const sample = vscode.Uri.joinPath(workspaceFolder().uri, SAMPLE_TASK_FILE);
    await vscode.commands.executeCommand(Commands.showJobYaml, sample.toString(), '123');
    const editor = await waitFor('a YAML editor with the Job', () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.languageId === 'yaml' && active.document.getText().includes('kind: Job') ? active : undefined;
    }, { events: [vscode.window.onDidChangeActiveTextEditor] });
    const text = editor.document.getText();
    assert.match(text, /^apiVersion: batch\/v1$/m);
    assert.match(text, /generateName: keruta-123-/);
    assert.match(text, /KERUTA_TASK_TITLE/);
    // Named after the task, beside its file; shown again, the same document (its text unchanged).
    assert.equal(editor.document.uri.scheme, 'untitled');
    assert.equal(editor.document.uri.path, vscode.Uri.joinPath(sample, '..', '123.job.yaml').path);
    await vscode.commands.executeCommand(Commands.showJobYaml, sample.toString(), '123');
    const named = (): vscode.TextDocument[] => vscode.workspace.textDocuments.filter((document) => document.uri.scheme === 'untitled' && /\/123(-\d+)?\.job\.yaml$/.test(document.uri.path));
    assert.deepEqual(named().map((document) => document.uri.path), [editor.document.uri.path]);
    // Edited, then shown again: the edits stay, the Job opens as 123-2.job.yaml.
    await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), '# my edit\n'));
    await vscode.commands.executeCommand(Commands.showJobYaml, sample.toString(), '123');
    const second = await waitFor('a second Job document', () => named().find((document) => document.uri.path.endsWith('/123-2.job.yaml')), { events: [vscode.workspace.onDidOpenTextDocument] });
    assert.equal(second.getText(), text);
    assert.ok(editor.document.getText().startsWith('# my edit\n'));
  });
});
