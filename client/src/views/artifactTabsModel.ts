/**
 * Which collected files open in tabs first: README and index files (shallowest first), then
 * Markdown, then the rest, each alphabetically. Pure: artifactTabs.ts opens them.
 */

const MARKDOWN = /\.(md|markdown)$/i;
const ENTRY_POINT = /^(readme|index)(\.|$)/i;

export function isMarkdown(file: string): boolean {
  return MARKDOWN.test(file);
}

function rank(file: string): number {
  if (ENTRY_POINT.test(file.slice(file.lastIndexOf('/') + 1))) return 0;
  return isMarkdown(file) ? 1 : 2;
}

const depth = (file: string): number => file.split('/').length;

/** The files (relative, `/`-separated) in the order they open in tabs. */
export function tabOrder(files: readonly string[]): string[] {
  return [...files].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    // The top README says what the rest is; a README deep down describes only its folder.
    if (rank(a) === 0 && depth(a) !== depth(b)) return depth(a) - depth(b);
    return a.localeCompare(b, 'en', { numeric: true });
  });
}
