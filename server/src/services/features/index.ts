/**
 * Language features besides diagnostics: completion, hover, document symbols, code lenses, and
 * the custom render request. Each lives in its own module; this file is their one entry point.
 */
import type { CodeLens, CompletionItem, DocumentSymbol, Hover, Position } from 'vscode-languageserver';
import type { RenderJobParams, RenderJobResult } from '../../protocol';
import type { RuleContext } from '../../rules/ruleTypes';
import type { NormalizedSettings } from '../serverSettings';
import { codeLenses } from './codeLens';
import { completionItems } from './completion';
import { hoverAt } from './hover';
import { renderTaskJob } from './renderJob';
import { documentSymbols } from './symbols';

export type { FeatureDocument } from './types';
import type { FeatureDocument } from './types';

/** A feature must never take the request down: on an unexpected error it answers with nothing. */
function guarded<T>(fallback: T, run: () => T): T {
  try {
    return run();
  } catch {
    return fallback;
  }
}

export function provideCompletion(document: FeatureDocument, position: Position, settings: NormalizedSettings): CompletionItem[] {
  return guarded([], () => completionItems(document, position, settings));
}

export function provideHover(document: FeatureDocument, position: Position, settings: NormalizedSettings): Hover | null {
  return guarded(null, () => hoverAt(document, position, settings));
}

export function provideDocumentSymbols(document: FeatureDocument): DocumentSymbol[] {
  return guarded([], () => documentSymbols(document));
}

export function provideCodeLenses(document: FeatureDocument): CodeLens[] {
  return guarded([], () => codeLenses(document));
}

export function renderJobForTask(params: RenderJobParams, document: FeatureDocument, context: RuleContext, settings: NormalizedSettings): RenderJobResult {
  return renderTaskJob(params, document, context, settings);
}
