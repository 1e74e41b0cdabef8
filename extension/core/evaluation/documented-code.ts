// Self-supervised queries: one per documented definition of the index, made from what its doc comment
// or docstring says first, and what each one must find (its declaration, whole or in pieces). The model
// evaluation, the migration report and the storage comparison all draw them here.
import type { IndexStore, StoredChunk } from '../store/index-store.ts';
import { openingDocstring } from './hidden-text.ts';
import { sentenceKey, summarySentences } from './query-text.ts';

/**
 * Documented definitions read to choose queries from, per query wanted: enough to see which sentences
 * several definitions share (boilerplate, copies), while a large index is not read whole.
 */
const CANDIDATES_PER_QUERY = 20;
/** Documented definitions read at least, whatever the number of queries wanted. */
const MINIMUM_CANDIDATES = 2000;

/**
 * What a result is, independent of how a chunk set cut it: a named chunk is its file, kind, scope,
 * name and signature (so the pieces one model's shorter window cut a function into are the same
 * result as the whole function of the other); an unnamed one is its file, kind and lines.
 */
export function declarationKey(chunk: Pick<StoredChunk, 'path' | 'kind' | 'scope' | 'symbol' | 'signature' | 'startLine' | 'endLine'>): string {
  return chunk.symbol !== undefined
    ? JSON.stringify([chunk.path, chunk.kind, chunk.scope, chunk.symbol, chunk.signature ?? null])
    : JSON.stringify([chunk.path, chunk.kind, chunk.startLine, chunk.endLine]);
}

/** The chunks of the declaration `chunk` belongs to, in order: the chunk itself when whole, else all its pieces. */
export function declarationPieces(store: IndexStore, chunk: StoredChunk): StoredChunk[] {
  if (chunk.part === undefined) return [chunk];
  const key = declarationKey(chunk);
  const pieces = store.withAllPieces([chunk.id]).filter((piece) => declarationKey(piece) === key);
  return pieces.length > 0 ? pieces : [chunk];
}

/** Whether the chunk set of `chunker` has the declaration `chunk` belongs to (whole or in pieces). */
export function hasDeclaration(store: IndexStore, chunk: StoredChunk, chunker: string): boolean {
  const key = declarationKey(chunk);
  return chunk.chunker === chunker || store.chunksOfFile(chunk.path, chunker).some((other) => declarationKey(other) === key);
}

/** A query made from a definition's documentation, and the declaration it must find. */
export interface DocumentedDefinition {
  query: string;
  /** A Python docstring, or a doc comment above the definition. */
  source: 'doc-comment' | 'docstring';
  /** The definition's first chunk (whole, or its first piece). */
  chunk: StoredChunk;
  /** `declarationKey` of the chunk: what a ranked list must hold for a hit. */
  target: string;
}

/** Documented definitions that gave no query, by reason. */
export interface DefinitionsLeftOut {
  /** No sentence of three words or more before the first tag or section line (`@param`, `Args:`). */
  noSentence: number;
  /** Only licence, attribution, authorship, tooling or work-note sentences. */
  boilerplate: number;
  /** Every usable sentence is shared with another definition (copies, overloads, templates): it names none of them. */
  duplicate: number;
}

/** The queries drawn, how many documented definitions were read, and why the others gave none. */
export interface DrawnDefinitions {
  definitions: DocumentedDefinition[];
  /** Distinct documented definitions read (at most CANDIDATES_PER_QUERY per query wanted). */
  read: number;
  leftOut: DefinitionsLeftOut;
}

/** The documentation a definition's query comes from: in Python its docstring first (a `#` comment above is often a note), else its doc comment. */
function documentationOf(chunk: StoredChunk): { text: string; cut: boolean; source: DocumentedDefinition['source'] } | undefined {
  // A definition has a name; module-level statements are no definition (and a string after an `if x:` is no docstring).
  if (chunk.symbol === undefined) return undefined;
  if (chunk.language === 'python') {
    const docstring = openingDocstring(chunk.text);
    if (docstring && docstring.text !== '') return { ...docstring, source: 'docstring' };
  }
  return chunk.docComment === undefined ? undefined : { text: chunk.docComment, cut: false, source: 'doc-comment' };
}

/**
 * Up to `limit` queries, one per documented definition of the chunk sets (a declaration documented in
 * two chunk sets counts once), spread over the index in path order. A definition's query is the first
 * usable sentence of its docstring or doc comment (see `summarySentences`) that no other definition read
 * also has: a sentence several definitions share (a licence line, an attribution, a copied comment)
 * names none of them.
 */
export function documentedDefinitions(store: IndexStore, chunkers: readonly string[], limit: number): DrawnDefinitions {
  const leftOut: DefinitionsLeftOut = { noSentence: 0, boilerplate: 0, duplicate: 0 };
  if (limit <= 0) return { definitions: [], read: 0, leftOut };
  const seen = new Set<string>();
  const candidates: { chunk: StoredChunk; target: string; sentences: string[]; source: DocumentedDefinition['source'] }[] = [];
  const read = Math.max(MINIMUM_CANDIDATES, limit * CANDIDATES_PER_QUERY);
  for (const chunker of chunkers) {
    for (const chunk of store.documentedChunks(chunker, read)) {
      const target = declarationKey(chunk);
      if (seen.has(target)) continue;
      const documentation = documentationOf(chunk);
      if (!documentation) continue; // a triple-quoted string that is not a docstring: not documented
      seen.add(target);
      const summary = summarySentences(documentation.text, documentation.cut);
      if (summary.sentences.length === 0) {
        if (summary.boilerplate > 0) leftOut.boilerplate += 1;
        else leftOut.noSentence += 1;
        continue;
      }
      candidates.push({ chunk, target, sentences: summary.sentences, source: documentation.source });
    }
  }
  // How many definitions say each sentence (once per definition).
  const sayers = new Map<string, number>();
  for (const candidate of candidates) {
    for (const key of new Set(candidate.sentences.map(sentenceKey))) sayers.set(key, (sayers.get(key) ?? 0) + 1);
  }
  const unique: DocumentedDefinition[] = [];
  for (const candidate of candidates) {
    const query = candidate.sentences.find((sentence) => sayers.get(sentenceKey(sentence)) === 1);
    if (query === undefined) leftOut.duplicate += 1;
    else unique.push({ query, source: candidate.source, chunk: candidate.chunk, target: candidate.target });
  }
  unique.sort((a, b) => a.chunk.path.localeCompare(b.chunk.path) || a.chunk.startLine - b.chunk.startLine);
  // Every n-th, so the whole index is represented.
  const step = Math.max(1, unique.length / limit);
  const definitions: DocumentedDefinition[] = [];
  for (let position = 0; position < unique.length && definitions.length < limit; position += step) definitions.push(unique[Math.floor(position)]!);
  return { definitions, read: seen.size, leftOut };
}
