/**
 * Deterministic generated file content (for `keruta-sim/large-doc`): any byte range can be
 * produced on demand from one 64 KiB pseudo-random block, rotated differently for every block of
 * the file, so a 100 MiB file costs no memory until it is read, and is read in 64 KiB chunks.
 */
import { Readable } from 'node:stream';
import type { GeneratedContent } from './podFileSystem';

const BLOCK = 64 * 1024;
let baseBlock: Buffer | undefined;

/** The seeded block (xorshift32, seed "KERU"). */
function block(): Buffer {
  if (baseBlock) return baseBlock;
  const out = Buffer.alloc(BLOCK);
  let state = 0x4b455255;
  for (let i = 0; i < BLOCK; i += 4) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out.writeUInt32LE(state >>> 0, i);
  }
  return (baseBlock = out);
}

/** Bytes `[offset, offset + length)` of the generated content (the same for every file). */
export function largeDocBytes(offset: number, length: number): Buffer {
  const base = block();
  const out = Buffer.allocUnsafe(length);
  let written = 0;
  while (written < length) {
    const at = offset + written;
    const index = Math.floor(at / BLOCK);
    const within = at % BLOCK;
    const source = (within + ((index * 40503) % BLOCK)) % BLOCK;
    const count = Math.min(length - written, BLOCK - within, BLOCK - source);
    base.copy(out, written, source, source + count);
    written += count;
  }
  return out;
}

/** A generated file of `size` bytes, streamed in chunks of at most 64 KiB. */
export function largeDocContent(size: number): GeneratedContent {
  return {
    size,
    read: (offset, length) => largeDocBytes(offset, Math.max(0, Math.min(length, size - offset))),
    open: () => {
      let position = 0;
      return new Readable({
        highWaterMark: BLOCK,
        read() {
          if (position >= size) {
            this.push(null);
            return;
          }
          const count = Math.min(BLOCK - (position % BLOCK), size - position);
          const chunk = largeDocBytes(position, count);
          position += count;
          this.push(chunk);
        },
      });
    },
  };
}
