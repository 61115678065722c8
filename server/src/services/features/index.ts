/**
 * Language features besides diagnostics: completion, hover, document symbols, code lenses, and
 * the custom render request. Each lives in its own module; this file is their one entry point.
 */
import type { CodeLens, CompletionItem, DocumentSymbol, Hover, Position } from 'vscode-languageserver';
import type { RenderJobParams, RenderJobResult } from '../../protocol';
import type { RuleContext } from '../../rules/ruleTypes';
import type { DocumentKind } from '../analysis';
import type { NormalizedSettings } from '../serverSettings';

export interface FeatureDocument {
  readonly uri: string;
  readonly text: string;
  readonly kind: DocumentKind;
}

export function provideCompletion(_document: FeatureDocument, _position: Position, _settings: NormalizedSettings): CompletionItem[] {
  return [];
}

export function provideHover(_document: FeatureDocument, _position: Position, _settings: NormalizedSettings): Hover | null {
  return null;
}

export function provideDocumentSymbols(_document: FeatureDocument): DocumentSymbol[] {
  return [];
}

export function provideCodeLenses(_document: FeatureDocument): CodeLens[] {
  return [];
}

export function renderJobForTask(_params: RenderJobParams, _document: FeatureDocument, _context: RuleContext, _settings: NormalizedSettings): RenderJobResult {
  return { found: false, yaml: '', namespace: '', diagnostics: [], errors: 0 };
}
