/**
 * Task file access in VS Code, files named by URI string: an open document is edited through a
 * workspace edit (so undo works and nothing the user typed is lost; a document that was saved
 * before is saved again), a closed file is rewritten on disk.
 */
import * as vscode from 'vscode';
import { applyEdits, type TaskTextEdit } from '../../../server/src/core/taskEdits';
import type { TaskFileAccess } from '../runs/statusWriter';

function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
}

export class WorkspaceTaskFiles implements TaskFileAccess {
  async read(file: string): Promise<string | undefined> {
    const uri = vscode.Uri.parse(file);
    const document = openDocument(uri);
    if (document) return document.getText();
    try {
      return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
    } catch (error) {
      if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
      throw error;
    }
  }

  async applyEdits(file: string, basedOn: string, edits: readonly TaskTextEdit[]): Promise<boolean> {
    const uri = vscode.Uri.parse(file);
    const document = openDocument(uri);
    if (document) {
      if (document.getText() !== basedOn) return false;
      if (edits.length === 0) return true;
      const wasDirty = document.isDirty;
      const edit = new vscode.WorkspaceEdit();
      for (const { span, newText } of edits) edit.replace(uri, new vscode.Range(document.positionAt(span[0]), document.positionAt(span[1])), newText);
      if (!(await vscode.workspace.applyEdit(edit))) return false;
      // The user's unsaved work stays unsaved; a clean file stays clean.
      if (!wasDirty) await document.save();
      return true;
    }
    const current = await this.read(file);
    if (current !== basedOn) return false;
    if (edits.length === 0) return true;
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(applyEdits(basedOn, edits)));
    return true;
  }
}
