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

/** The UTF-16 encoding a byte-order mark announces, if any. */
export function utf16Encoding(sample: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (sample.length >= 2 && sample[0] === 0xff && sample[1] === 0xfe) return 'utf-16le';
  if (sample.length >= 2 && sample[0] === 0xfe && sample[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** Whether a sample is binary: a NUL byte in its first 8 KiB, unless a UTF-16 byte-order mark says it is text. */
export function looksBinary(sample: Uint8Array): boolean {
  if (utf16Encoding(sample) !== undefined) return false;
  const end = Math.min(sample.length, BINARY_CHECK_BYTES);
  return sample.subarray(0, end).indexOf(0) !== -1;
}

/** Decodes a sample as UTF-8, or as UTF-16 when it starts with a UTF-16 byte-order mark. */
export function decodeSample(sample: Uint8Array): string {
  const encoding = utf16Encoding(sample) ?? 'utf-8';
  // A multi-byte character cut by the sample's end decodes as U+FFFD, which no check cares about.
  return new TextDecoder(encoding).decode(sample);
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
