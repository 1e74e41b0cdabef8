// Line normalisation and hashing shared by the contamination filter and the de-duplication: two texts
// that differ only in whitespace are the same text.

/** A line with its whitespace collapsed and trimmed. */
export function normalizeLine(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

/** The non-blank lines of a text, normalised. */
export function normalizedLines(text: string): string[] {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const normalized = normalizeLine(line);
    if (normalized !== '') lines.push(normalized);
  }
  return lines;
}

/**
 * A 52-bit hash of a string (two FNV-1a passes with different offsets): a JavaScript number, exact as a
 * Set or Map key. Collisions among a few million keys are negligible.
 */
export function hashString(text: string, seed = 0): number {
  let high = (0x811c9dc5 ^ seed) >>> 0;
  let low = (0x01000193 ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    high = Math.imul(high ^ code, 0x01000193) >>> 0;
    low = Math.imul(low ^ code, 0x5bd1e995) >>> 0;
    low ^= low >>> 15;
  }
  return (high & 0xfffff) * 0x100000000 + low;
}

/** Hashes of every run of `size` consecutive lines (one hash of the whole when there are fewer lines). */
export function windowHashes(lines: readonly string[], size: number): number[] {
  const hashes: number[] = [];
  if (lines.length === 0) return hashes;
  if (lines.length <= size) return [hashString(lines.join('\n'))];
  for (let start = 0; start + size <= lines.length; start++) hashes.push(hashString(lines.slice(start, start + size).join('\n')));
  return hashes;
}
