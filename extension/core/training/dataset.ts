// The training data in memory: pairs grouped into items (one document and every query that names it: a
// definition's doc summary and its identifier words are one item, so a batch never holds the same
// document twice), split by package into training and held-out validation packages, tokenized into flat
// typed arrays.
import { hashString } from './text-hash.ts';
import { PAD_ID, UNKNOWN_ID, type Vocabulary } from './tokenizer.ts';
import type { PairKind, TrainingPair } from './pairs.ts';

/** A pair as the corpus file stores it. */
export interface CorpusPair extends TrainingPair {
  /** `registry:name` of the package it comes from. */
  package: string;
  family: string;
}

/** One document with its queries. */
export interface Item {
  package: string;
  family: string;
  language: string;
  document: string;
  queries: { kind: PairKind; text: string }[];
}

/** Groups pairs into items (pairs of one document are adjacent in the corpus file, but need not be). */
export function groupItems(pairs: Iterable<CorpusPair>): Item[] {
  const items: Item[] = [];
  const byDocument = new Map<number, Item>();
  for (const pair of pairs) {
    const key = hashString(`${pair.package}\n${pair.document}`);
    let item = byDocument.get(key);
    if (item === undefined || item.document !== pair.document) {
      item = { package: pair.package, family: pair.family, language: pair.language, document: pair.document, queries: [] };
      byDocument.set(key, item);
      items.push(item);
    }
    item.queries.push({ kind: pair.kind, text: pair.query });
  }
  return items;
}

/** Whether a package is held out for validation: a fixed share of packages, chosen by a hash of the name. */
export function isValidationPackage(name: string, share: number): boolean {
  return (hashString(`validation:${name}`) % 10_000) / 10_000 < share;
}

/** Items tokenized into flat arrays; item i's document is ids[documentOffsets[i] .. documentOffsets[i+1]). */
export interface TokenizedItems {
  count: number;
  documentIds: Int32Array;
  documentOffsets: Int32Array;
  queryIds: Int32Array;
  queryOffsets: Int32Array;
  /** Item i's queries are [itemQueries[i], itemQueries[i+1]) in the query arrays. */
  itemQueries: Int32Array;
  queryKinds: Uint8Array;
  /** Index of each item's package in `packages`. */
  itemPackages: Int32Array;
  packages: string[];
}

export const KIND_CODES: Record<PairKind, number> = { doc: 0, section: 1, identifier: 2 };

/** Tokenizes items, cutting documents and queries to their limits and leaving out the ignored ids. */
export function tokenizeItems(items: readonly Item[], vocabulary: Vocabulary, maxDocumentTokens: number, maxQueryTokens: number): TokenizedItems {
  const documentIds: number[] = [];
  const documentOffsets = new Int32Array(items.length + 1);
  const queryIds: number[] = [];
  const queryOffsets: number[] = [0];
  const itemQueries = new Int32Array(items.length + 1);
  const queryKinds: number[] = [];
  const packageIndex = new Map<string, number>();
  const itemPackages = new Int32Array(items.length);
  const keep = (ids: number[], limit: number) => ids.filter((id) => id !== PAD_ID && id !== UNKNOWN_ID).slice(0, limit);
  items.forEach((item, index) => {
    for (const id of keep(vocabulary.encode(item.document, maxDocumentTokens * 2), maxDocumentTokens)) documentIds.push(id);
    documentOffsets[index + 1] = documentIds.length;
    for (const query of item.queries) {
      for (const id of keep(vocabulary.encode(query.text, maxQueryTokens * 2), maxQueryTokens)) queryIds.push(id);
      queryOffsets.push(queryIds.length);
      queryKinds.push(KIND_CODES[query.kind]);
    }
    itemQueries[index + 1] = queryKinds.length;
    let packageNumber = packageIndex.get(item.package);
    if (packageNumber === undefined) packageIndex.set(item.package, (packageNumber = packageIndex.size));
    itemPackages[index] = packageNumber;
  });
  return {
    count: items.length,
    documentIds: Int32Array.from(documentIds),
    documentOffsets,
    queryIds: Int32Array.from(queryIds),
    queryOffsets: Int32Array.from(queryOffsets),
    itemQueries,
    queryKinds: Uint8Array.from(queryKinds),
    itemPackages,
    packages: [...packageIndex.keys()],
  };
}

/** Inverse document frequency of every token over the documents, ln((N + 1) / (df + 1)) + 1. */
export function inverseDocumentFrequencies(data: TokenizedItems, vocabularySize: number): Float32Array {
  const frequency = new Int32Array(vocabularySize);
  const lastSeen = new Int32Array(vocabularySize).fill(-1);
  for (let item = 0; item < data.count; item++) {
    for (let position = data.documentOffsets[item]!; position < data.documentOffsets[item + 1]!; position++) {
      const id = data.documentIds[position]!;
      if (lastSeen[id] === item) continue;
      lastSeen[id] = item;
      frequency[id]!++;
    }
  }
  return Float32Array.from(frequency, (count) => Math.log((data.count + 1) / (count + 1)) + 1);
}
