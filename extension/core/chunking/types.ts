// Public types of the chunker. Pure data: no tree-sitter types leak out of this folder.

/**
 * Languages the chunker knows. Prose (`markdown`, `restructuredtext`, `asciidoc`, and `text` files such as
 * `.txt` or a README) is cut into prose units (prose.ts); other `text` into line windows; the rest by syntax.
 */
export type LanguageId =
  | 'typescript'
  | 'tsx'
  | 'javascript'
  | 'python'
  | 'go'
  | 'rust'
  | 'java'
  | 'c'
  | 'cpp'
  | 'csharp'
  | 'ruby'
  | 'php'
  | 'markdown'
  | 'restructuredtext'
  | 'asciidoc'
  | 'text';

/** Languages chunked along a tree-sitter syntax tree. */
export type SyntaxLanguageId = Exclude<LanguageId, 'markdown' | 'restructuredtext' | 'asciidoc' | 'text'>;

/**
 * What a chunk holds.
 * - `function`, `method`: one function; `method` when it belongs to a class, impl, trait, module or receiver type.
 * - `class`: a class, struct, record, union or trait-like mixin: its header and fields/small members; big methods
 *   are chunks of their own and appear in the class chunk as their signature followed by `...`.
 * - `interface`, `enum`, `type`, `impl`: the same for interfaces/traits, enums, type aliases and Rust impl blocks.
 * - `statements`: consecutive top-level statements (imports, constants, small functions, comments) grouped together.
 * - `section`: a prose unit (prose.ts): a heading's section or a paragraph-bounded piece of one, or a window of
 *   prose without headings (text before the first heading, a `.txt` file).
 * - `window`: a run of lines of a file without a grammar (or whose parse failed).
 */
export type ChunkKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'enum'
  | 'type'
  | 'impl'
  | 'statements'
  | 'section'
  | 'window';

/** Position of a piece of a chunk that was split to fit the embedding window (`index` is 0-based). */
export interface ChunkPart {
  index: number;
  count: number;
}

/**
 * Names a chunk defines, calls and imports, read from the syntax tree. Names only: nothing is resolved (no types,
 * no scopes), so `parse` is any function called `parse`. Empty for Markdown sections and line windows.
 */
export interface ChunkRelations {
  /**
   * The chunk's own symbol (every piece of a split definition has it) and the names declared at its level: small
   * functions and classes grouped into it, a class's small methods, top-level constants and variables.
   */
  defines: string[];
  /** Functions and methods called inside the chunk, by the callee's last identifier: `a.b.parse(x)` → `parse`, `new Foo()` → `Foo`. */
  calls: string[];
  /** Imported module specifiers (`./http`, `os.path`, `net/http`) and imported names. */
  imports: string[];
}

/** One unit of indexing: a piece of a file, with the context needed to embed and to show it. */
export interface Chunk {
  /** Path relative to the workspace folder, with '/' separators, as given by the caller. */
  path: string;
  language: LanguageId;
  kind: ChunkKind;
  /** Name of the function, class, section…; undefined for statements and windows. */
  symbol: string | undefined;
  /** Enclosing names, outermost first: classes, namespaces, modules, impl types; for Markdown the heading chain, own heading included. */
  scope: string[];
  /** The declaration up to its body, on one line (e.g. `def parse(self, data: bytes) -> Header:`). */
  signature: string | undefined;
  /** First line, 1-based. */
  startLine: number;
  /** Last line, 1-based, inclusive. */
  endLine: number;
  /** The source text ('\n' line endings); for class-like chunks, big members are reduced to their signature. */
  text: string;
  /** The comment block directly above the declaration, dedented; it is also inside `text`. */
  docComment: string | undefined;
  /** Set when the chunk was split to fit the window; every piece keeps symbol, scope and signature. */
  part: ChunkPart | undefined;
  /** What it defines, calls and imports (metadata: not part of the embedded text). Each list deduplicated, in source order. */
  relations: ChunkRelations;
  /**
   * The definition (function, class, section…) this chunk is, or is a piece of; undefined for statements and
   * windows. Every piece of a split definition carries the same value, so a result can name and open the
   * definition it belongs to. Metadata: not part of the embedded text.
   */
  definition?: ChunkDefinition;
}

/** Where a chunk's definition is (1-based lines). */
export interface ChunkDefinition {
  /** The first line of the whole definition, doc comment and decorators included: its first piece's first line. */
  startLine: number;
  /** The line of its signature (a Markdown section's heading): where a result on it opens. */
  line: number;
  /**
   * Set on outlines only (a class, interface… whose big members are chunks of their own and appear in it as
   * `signature ...`): the last line of its head — header, docstring, fields — before the first such member. An
   * outline's line range spans its members' bodies, so a result on it reports its head instead.
   */
  headEndLine: number | undefined;
}

/** Where warnings go (a grammar that failed to load, a parse that timed out); the caller decides how to log. */
export interface ChunkerLogger {
  warn(message: string): void;
}

/** Options of `createChunker`. Only the three window options are required. */
export interface ChunkerOptions {
  /** Largest `countTokens(embeddingText(chunk))` allowed; longer chunks are split with overlap. */
  maxTokens: number;
  /** Tokens repeated at the start of the next piece of a split chunk. */
  overlapTokens: number;
  /** The embedding model's token counter (tests may pass a whitespace or character counter). */
  countTokens: (text: string) => number;
  /** Chunks longer than this many lines are split even when they fit the window. Default 150. */
  maxChunkLines?: number;
  /** Functions shorter than this many lines join the neighbouring statements group (or stay in their class). Default 3. */
  minChunkLines?: number;
  /** Lines per window for files without a grammar. Default 60. */
  windowLines?: number;
  /**
   * Folder holding every file of `wasmFiles()` side by side (for a bundled extension). Default: each file is
   * resolved from node_modules.
   */
  wasmDirectory?: string;
  /**
   * How prose is cut (prose.ts): which formats get prose units (default `markdown` only: reST, AsciiDoc and
   * plain text stay in line windows, as measured) and the unit sizes (default PROSE_DEFAULTS).
   */
  prose?: { formats?: readonly ('markdown' | 'rst' | 'asciidoc' | 'plain')[]; units?: Partial<ProseOptions> };
  /** A parse that runs longer than this falls back to line windows. Default 5000 ms. */
  parseTimeoutMs?: number;
  logger?: ChunkerLogger;
}

/** How prose is cut (prose.ts). The defaults (PROSE_DEFAULTS) were measured with bench/lexical-lab and bench/quality (see README.md). */
export interface ProseOptions {
  /** A section longer than this many characters is cut at paragraph boundaries into pieces of at most this. */
  maxChars: number;
  /** …and of at most this many lines. */
  maxLines: number;
  /** Consecutive pieces of a long section repeat up to this many characters of paragraphs. */
  overlapChars: number;
  /** A section (heading included) shorter than this joins the section after it. */
  mergeBelowChars: number;
  /** Text without headings: windows of this many lines… */
  windowLines: number;
  /** …starting every this many lines (less than windowLines: consecutive windows overlap). */
  windowStep: number;
}

/** A chunker keeps its parser and loaded grammars between files; dispose it when done. */
export interface Chunker {
  /** CHUNKER_VERSION plus the options that move chunk boundaries; part of the index fingerprint. */
  readonly fingerprint: string;
  /** RELATIONS_VERSION: chunk sets stored with older relations are chunked again (not embedded again). */
  readonly relationsVersion: number;
  /**
   * How many files a caller may hand over before it awaits the first one's chunks (default 1): more than one
   * pays only for a chunker that works on another thread (../indexing/worker-chunker.ts).
   */
  readonly queueDepth?: number;
  /**
   * Gets ready for files soon to come (a chunker on another thread starts it), so that its start-up overlaps
   * the caller's own work; optional, and a chunker that is not given a file soon after stops again.
   */
  prepare?(): void;
  /** Chunks of one file, in line order. Rejects with the signal's reason when aborted. */
  chunkFile(path: string, text: string, signal?: AbortSignal): Promise<Chunk[]>;
  dispose(): void;
}
