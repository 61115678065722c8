/**
 * Code lenses above each complete task (one with an `id` and a `title`): run it, or show the Job
 * it becomes. The client implements both commands.
 */
import * as l10n from '@vscode/l10n';
import type { CodeLens } from 'vscode-languageserver';
import { LineIndex } from '../../core/positions';
import { parseTaskFile } from '../../core/taskParser';
import { LensCommands } from '../../protocol';
import type { FeatureDocument } from './types';

export function codeLenses(document: FeatureDocument): CodeLens[] {
  if (document.kind !== 'task') return [];
  const file = parseTaskFile(document.text);
  const lines = new LineIndex(document.text);
  const out: CodeLens[] = [];
  for (const parsed of file.tasks) {
    if (!parsed.complete) continue;
    const { line } = lines.positionAt(parsed.locations.mappingSpan?.[0] ?? parsed.locations.documentSpan[0]);
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const args = [document.uri, parsed.task.id];
    out.push(
      { range, command: { title: l10n.t('$(play) Run Task'), command: LensCommands.runTask, arguments: args } },
      { range, command: { title: l10n.t('Show Job YAML'), command: LensCommands.showJobYaml, arguments: args } },
    );
  }
  return out;
}
