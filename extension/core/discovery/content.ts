// Content checks on the first bytes of a file: binary, minified, generated. Only a sample is ever read,
// so a large file costs one small read. Pure functions; the reading is in file-access.ts.

/** How much of a file the content checks read. */
export const SAMPLE_BYTES = 32 * 1024;

/** How far into the sample a NUL byte marks a file as binary (what git looks at, give or take). */
export const BINARY_CHECK_BYTES = 8 * 1024;

/** A line longer than this (in characters) marks a checked file as minified. */
export const MINIFIED_MAX_LINE = 5000;

/** An average line longer than this marks a checked file as minified, once the sample has `MINIFIED_MIN_SAMPLE` characters. */
export const MINIFIED_MAX_AVERAGE_LINE = 300;

/** Below this many characters a file is too small for the average-line rule to mean anything. */
export const MINIFIED_MIN_SAMPLE = 1024;

/** How many lines from the top are searched for a generated-code marker. */
export const GENERATED_MARKER_LINES = 5;

const GENERATED_MARKERS: readonly RegExp[] = [/@generated\b/, /\bDO NOT EDIT\b/];

/** How many leading bytes the BOM-less UTF-16 guess looks at. */
export const UTF16_GUESS_BYTES = 1024;

/** Fewer bytes than this are too little evidence for a BOM-less UTF-16 guess. */
export const UTF16_GUESS_MIN_BYTES = 16;

/** The UTF-16 encoding a byte-order mark announces, if any. */
export function utf16Encoding(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * UTF-16 without a byte-order mark (Windows tools write it), guessed from where the NUL bytes sit: text
 * that is mostly ASCII has a NUL as the high byte of most characters, so in little-endian every NUL is at
 * an odd offset and in big-endian at an even one. At least half the characters must show it, and none
 * may have a NUL on the other side; binary data has NULs scattered on both.
 */
export function guessedUtf16Encoding(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const length = Math.min(sample.length, UTF16_GUESS_BYTES) & ~1;
  if (length < UTF16_GUESS_MIN_BYTES) return undefined;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let offset = 0; offset < length; offset += 2) {
    if (sample[offset] === 0) evenNuls += 1;
    if (sample[offset + 1] === 0) oddNuls += 1;
  }
  const characters = length / 2;
  if (evenNuls === 0 && oddNuls * 2 >= characters) return 'utf-16le';
  if (oddNuls === 0 && evenNuls * 2 >= characters) return 'utf-16be';
  return undefined;
}

/** How a file's bytes are decoded: UTF-16 by its byte-order mark or by the guess above, otherwise UTF-8. */
export function textEncoding(sample: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  return utf16Encoding(sample) ?? guessedUtf16Encoding(sample) ?? 'utf-8';
}

/** Whether a sample is binary: a NUL byte in its first 8 KiB, unless it is UTF-16 text (see `textEncoding`). */
export function looksBinary(sample: Uint8Array): boolean {
  if (textEncoding(sample) !== 'utf-8') return false;
  const end = Math.min(sample.length, BINARY_CHECK_BYTES);
  return sample.subarray(0, end).indexOf(0) !== -1;
}

/**
 * Decodes a sample or a whole file: as UTF-16 when `textEncoding` says so (a byte-order mark is dropped),
 * otherwise as UTF-8, with each invalid byte sequence replaced by U+FFFD, as an editor shows it.
 */
export function decodeSample(sample: Uint8Array): string {
  // A multi-byte character cut by the sample's end decodes as U+FFFD, which no check cares about.
  return new TextDecoder(textEncoding(sample)).decode(sample);
}

/**
 * Whether text looks minified: any line over `MINIFIED_MAX_LINE` characters, or, with at least
 * `MINIFIED_MIN_SAMPLE` characters, an average line over `MINIFIED_MAX_AVERAGE_LINE`.
 * A line cut off by the end of the sample counts with the length it has so far.
 */
export function looksMinified(text: string): boolean {
  let lines = 0;
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (end - start > MINIFIED_MAX_LINE) return true;
    if (end > start || newline !== -1) lines += 1;
    if (newline === -1) break;
    start = newline + 1;
  }
  return text.length >= MINIFIED_MIN_SAMPLE && text.length / Math.max(1, lines) > MINIFIED_MAX_AVERAGE_LINE;
}

/** The generated-code marker (`@generated`, `DO NOT EDIT`) found in the first lines of text, if any. */
export function generatedMarker(text: string): string | undefined {
  const lines = text.split('\n', GENERATED_MARKER_LINES);
  for (const line of lines) {
    for (const marker of GENERATED_MARKERS) {
      const match = marker.exec(line);
      if (match !== null) return match[0];
    }
  }
  return undefined;
}
