/** Cutting text to a UTF-8 byte budget without splitting a character. */

export const TRUNCATION_MARKER = '\n…[truncated by keruta; the full text is in /.keruta/task/task.json]';

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Returns `text` unchanged when it fits in `budgetBytes`; otherwise the longest prefix that,
 * followed by `marker`, fits, never splitting a code point (surrogate pairs included).
 */
export function truncateUtf8(
  text: string,
  budgetBytes: number,
  marker: string = TRUNCATION_MARKER,
): { text: string; truncated: boolean } {
  if (utf8Length(text) <= budgetBytes) return { text, truncated: false };
  const room = budgetBytes - utf8Length(marker);
  if (room <= 0) return { text: cutToBytes(marker, budgetBytes), truncated: true };
  return { text: cutToBytes(text, room) + marker, truncated: true };
}

function cutToBytes(text: string, budget: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (bytes + size > budget) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
