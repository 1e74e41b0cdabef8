// Numbers written for people: counts with thousands separators, "1 query" / "2 queries", bytes per vector.
// No imports and no Node or browser globals: the core (evidence texts), the CLI and the panel (a browser)
// share it, so a figure reads the same wherever it is shown.

/** 3100 → "3,100" (rounded to a whole number). */
export function formatCount(value: number): string {
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A count and its noun: (1, 'query', 'queries') → "1 query", (3100, 'file') → "3,100 files". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** Bytes per vector: 96 → "96 B", 3072 → "3,072 B", 1.5 → "1.5 B". */
export function formatBytes(bytes: number): string {
  return `${Number.isInteger(bytes) ? formatCount(bytes) : bytes.toFixed(1)} B`;
}
