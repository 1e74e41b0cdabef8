// How folded symlinks (links to a file or folder inside the root, indexed once under the real path) are
// recorded with an index's skips and shown in status views. Light on purpose: the editor's host imports it.

import type { SkippedEntry } from './types.ts';

/** The recorded example of a skip: its path, and for a folded link also where its files are indexed. */
export function skipExample(skip: Pick<SkippedEntry, 'relativePath' | 'reason' | 'detail'>): string {
  return skip.reason === 'folded-symlink' && skip.detail !== undefined ? `${skip.relativePath} → ${skip.detail}` : skip.relativePath;
}

/**
 * "2 links, indexed under their real paths: a → b, c → d" from an index's skip records, or undefined when
 * no link was folded. Only the recorded examples are named; the rest are counted.
 */
export function foldedLinksText(skips: readonly { reason: string; count: number; examples: readonly string[] }[]): string | undefined {
  const folded = skips.find((skip) => skip.reason === 'folded-symlink');
  if (folded === undefined || folded.count === 0) return undefined;
  const more = folded.count - folded.examples.length;
  const named = `${folded.examples.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  return `${folded.count} ${folded.count === 1 ? 'link' : 'links'}, indexed under ${folded.count === 1 ? 'its real path' : 'their real paths'}: ${named}`;
}
