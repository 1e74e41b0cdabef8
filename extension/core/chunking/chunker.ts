// The chunker: picks the strategy for a file (syntax, Markdown sections, line windows), makes sure every line
// lands in a chunk, and fits every chunk into the embedding window.

import { abortError, CoreError } from '../errors.ts';
import { isBlank, rowLines, sourceText, type Draft, type SourceText } from './draft.ts';
import { GrammarLoader, directoryLocator, nodeModulesLocator } from './grammars.ts';
import { isSyntaxLanguage, languageForFile, proseFormat } from './languages.ts';
import { PROSE_DEFAULTS, proseDrafts } from './prose.ts';
import { attachRelations, findRelations, RELATIONS_VERSION, type FileRelations } from './relations.ts';
import { rulesFor } from './rules.ts';
import { splitDraft, type WindowOptions } from './split.ts';
import { syntaxDrafts } from './syntax.ts';
import type { Chunk, Chunker, ChunkerOptions, LanguageId, ProseOptions, SyntaxLanguageId } from './types.ts';
import type { Language, Query } from 'web-tree-sitter';

type TreeSitter = typeof import('web-tree-sitter');

/**
 * Version of the chunk boundaries and of `embeddingText`. Bump it whenever either changes: it is part of the
 * index fingerprint, so a bump re-chunks and re-embeds every file.
 *
 * Relations (`Chunk.relations`) did not bump it: they change neither a chunk's text, its boundaries nor what is
 * embedded, and a new fingerprint would build a new vector space, embedding everything again for metadata.
 * They have their own RELATIONS_VERSION, stored with each chunk set; an older one makes the indexer chunk the
 * file again, which keeps every vector (content hashes are unchanged).
 */
export const CHUNKER_VERSION = '4';

export { RELATIONS_VERSION } from './relations.ts';

const defaults = {
  maxChunkLines: 150,
  minChunkLines: 3,
  windowLines: 60,
  parseTimeoutMs: 5000,
};

function validate(options: ChunkerOptions): void {
  const problems: string[] = [];
  const isCount = (value: number | undefined, minimum: number): boolean =>
    value === undefined || (Number.isInteger(value) && value >= minimum);
  if (!isCount(options.maxTokens, 8)) problems.push('maxTokens must be an integer of at least 8');
  if (!isCount(options.overlapTokens, 0) || options.overlapTokens * 2 > options.maxTokens) {
    problems.push('overlapTokens must be an integer from 0 to half of maxTokens');
  }
  if (typeof options.countTokens !== 'function') problems.push('countTokens must be a function');
  if (!isCount(options.maxChunkLines, 1)) problems.push('maxChunkLines must be a positive integer');
  if (!isCount(options.minChunkLines, 1)) problems.push('minChunkLines must be a positive integer');
  if (!isCount(options.windowLines, 1)) problems.push('windowLines must be a positive integer');
  if (options.parseTimeoutMs !== undefined && !(options.parseTimeoutMs > 0)) problems.push('parseTimeoutMs must be positive');
  if (problems.length > 0) throw new CoreError('chunking', 'invalid-options', `Invalid chunker options: ${problems.join('; ')}.`);
}

/** Every non-blank line not in any draft (a grammar rule gap) goes into a statements draft of its own. */
function coverRemainingLines(drafts: Draft[], lines: readonly string[]): Draft[] {
  const covered = new Uint8Array(lines.length);
  for (const draft of drafts) for (const line of draft.lines) if (!line.elided) covered[line.row] = 1;
  const extra: Draft[] = [];
  let row = 0;
  while (row < lines.length) {
    if (covered[row] === 1 || isBlank(lines[row]!)) {
      row++;
      continue;
    }
    const start = row;
    let end = row;
    while (row < lines.length && covered[row] !== 1) {
      if (!isBlank(lines[row]!)) end = row;
      row++;
    }
    extra.push(plainDraft('statements', rowLines(lines, start, end)));
  }
  if (extra.length === 0) return drafts;
  return [...drafts, ...extra];
}

function firstRow(draft: Draft): number {
  return (draft.lines.find((line) => !isBlank(line.text)) ?? draft.lines[0])?.row ?? 0;
}

function plainDraft(kind: Draft['kind'], lines: Draft['lines']): Draft {
  return { kind, symbol: undefined, scope: [], signature: undefined, docComment: undefined, lines };
}

function windowDraft(lines: readonly string[]): Draft {
  return plainDraft('window', rowLines(lines, 0, lines.length - 1));
}

/** Creates a chunker. Cheap: the tree-sitter runtime and grammars load on first use. */
export function createChunker(options: ChunkerOptions): Chunker {
  validate(options);
  const settings = {
    maxChunkLines: options.maxChunkLines ?? defaults.maxChunkLines,
    minChunkLines: options.minChunkLines ?? defaults.minChunkLines,
    windowLines: options.windowLines ?? defaults.windowLines,
    parseTimeoutMs: options.parseTimeoutMs ?? defaults.parseTimeoutMs,
  };
  const loader = new GrammarLoader(
    options.wasmDirectory === undefined ? nodeModulesLocator() : directoryLocator(options.wasmDirectory),
  );
  const proseFormats = new Set(options.prose?.formats ?? ['markdown']);
  const proseOptions: ProseOptions = { ...PROSE_DEFAULTS, ...options.prose?.units };
  const warn = (message: string): void => options.logger?.warn(message);
  const languagesWithoutGrammar = new Set<SyntaxLanguageId>(); // warned about once, not once per file
  // Relation queries, compiled once per language; null when a query does not compile (warned about once).
  const relationQueries = new Map<SyntaxLanguageId, Query | null>();
  let disposed = false;

  function relationQuery(treeSitter: TreeSitter, language: SyntaxLanguageId, grammar: Language): Query | null {
    let query = relationQueries.get(language);
    if (query === undefined) {
      try {
        query = new treeSitter.Query(grammar, rulesFor(language).relations.query);
      } catch (error) {
        warn(`The ${language} relation query does not compile (${String(error)}); ${language} chunks have no calls or imports.`);
        query = null;
      }
      relationQueries.set(language, query);
    }
    return query;
  }

  async function syntaxOrWindows(
    language: SyntaxLanguageId,
    path: string,
    source: SourceText,
    signal: AbortSignal | undefined,
  ): Promise<{ drafts: Draft[]; relations: FileRelations | undefined }> {
    let grammar;
    let treeSitter;
    try {
      grammar = await loader.language(language);
      treeSitter = await loader.runtime();
    } catch (error) {
      if (!languagesWithoutGrammar.has(language)) {
        languagesWithoutGrammar.add(language);
        warn(
          `Could not load the ${language} grammar (${String(error)}); ${language} files are chunked by line ` +
            `windows, starting with ${path}. Check that the wasm files from wasmFiles() are in place.`,
        );
      }
      return { drafts: [windowDraft(source.lines)], relations: undefined };
    }
    signal?.throwIfAborted();
    const deadline = performance.now() + settings.parseTimeoutMs;
    const tree = loader.parse(treeSitter, grammar, source.text, {
      progressCallback: () => signal?.aborted === true || performance.now() > deadline,
    });
    if (tree === null) {
      if (signal?.aborted === true) throw abortError(signal);
      warn(`Parsing ${path} took longer than ${settings.parseTimeoutMs} ms; it is chunked by line windows.`);
      return { drafts: [windowDraft(source.lines)], relations: undefined };
    }
    let drafts: Draft[];
    try {
      drafts = syntaxDrafts(tree.rootNode, rulesFor(language), source.text, source.lines, settings);
    } catch (error) {
      warn(`Could not chunk ${path} along its syntax (${String(error)}); it is chunked by line windows.`);
      tree.delete();
      return { drafts: [windowDraft(source.lines)], relations: undefined };
    }
    try {
      const query = relationQuery(treeSitter, language, grammar);
      // The query gets what is left of the parse's time; past it the file keeps the relations found so far.
      const relations = query === null ? { calls: [], imports: [] } : findRelations(query, tree.rootNode, rulesFor(language).relations, () => signal?.aborted === true || performance.now() > deadline);
      return { drafts, relations };
    } catch (error) {
      // Relations are extras: a failure costs them, not the chunks.
      warn(`Could not find the calls and imports of ${path} (${String(error)}); its chunks have none.`);
      return { drafts, relations: { calls: [], imports: [] } };
    } finally {
      tree.delete();
    }
  }

  async function draftsFor(
    language: LanguageId,
    path: string,
    source: SourceText,
    signal: AbortSignal | undefined,
  ): Promise<{ drafts: Draft[]; relations: FileRelations | undefined }> {
    const prose = proseFormat(path, language);
    if (prose !== undefined && proseFormats.has(prose)) return { drafts: proseDrafts(source.lines, prose, proseOptions), relations: undefined };
    if (isSyntaxLanguage(language)) return syntaxOrWindows(language, path, source, signal);
    return { drafts: [windowDraft(source.lines)], relations: undefined };
  }

  return {
    fingerprint:
      `chunker-${CHUNKER_VERSION};maxTokens=${options.maxTokens};overlapTokens=${options.overlapTokens};` +
      `maxChunkLines=${settings.maxChunkLines};minChunkLines=${settings.minChunkLines};windowLines=${settings.windowLines}` +
      (options.prose === undefined ? '' : `;prose=${JSON.stringify({ formats: [...proseFormats].sort(), units: proseOptions })}`),
    relationsVersion: RELATIONS_VERSION,

    async chunkFile(path: string, text: string, signal?: AbortSignal): Promise<Chunk[]> {
      if (disposed) throw new CoreError('chunking', 'disposed', 'The chunker was disposed; create a new one.');
      signal?.throwIfAborted();
      const source = sourceText(text);
      if (source.lines.every(isBlank)) return [];
      const language = languageForFile(path, source.text);
      const found = await draftsFor(language, path, source, signal);
      const drafts = coverRemainingLines(found.drafts, source.lines);
      signal?.throwIfAborted();
      // After the safety net, so lines no rule chunked still give their calls to the chunk that holds them.
      if (found.relations !== undefined) attachRelations(drafts, found.relations);
      const ordered = drafts.map((draft, order) => ({ draft, order }));
      ordered.sort((a, b) => firstRow(a.draft) - firstRow(b.draft) || a.order - b.order);
      const chunks: Chunk[] = [];
      for (const { draft } of ordered) {
        // A huge file splits into many pieces; a cancel must not wait for all of them.
        signal?.throwIfAborted();
        const window: WindowOptions = {
          maxTokens: options.maxTokens,
          overlapTokens: options.overlapTokens,
          countTokens: options.countTokens,
          maxLines: draft.kind === 'window' ? settings.windowLines : settings.maxChunkLines,
        };
        chunks.push(...splitDraft(draft, { path, language }, window));
      }
      return chunks;
    },

    dispose(): void {
      disposed = true;
      for (const query of relationQueries.values()) query?.delete();
      relationQueries.clear();
      loader.dispose();
    },
  };
}
