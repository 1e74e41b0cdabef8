// Public types of file discovery. Type-only apart from the list of skip reasons.

import type { IgnoreRuleCache } from './ignore-rules.ts';

/** A file the walk says should be indexed. */
export interface DiscoveredFile {
  /** The root folder it was found under, as an absolute path. */
  readonly root: string;
  /**
   * `root` joined with `relativePath`, in the platform's form. Goes through a symlink only when the root is
   * reached through one, or a link out of the root was followed (`followSymlinksOutsideRoot`).
   */
  readonly absolutePath: string;
  /** The path relative to `root`, always with '/' separators. */
  readonly relativePath: string;
  /** Size in bytes, from the same `stat` the size limit was checked against. */
  readonly size: number;
  /** Modification time, milliseconds since the epoch. */
  readonly mtimeMs: number;
}

/** Every reason a path can be skipped, in the order summaries list them. */
export const SKIP_REASONS = [
  'ignored',
  'excluded',
  'not-included',
  'secret',
  'too-large',
  'binary',
  'minified',
  'generated',
  'symlink-loop',
  'folded-symlink',
  'outside-root',
  'broken-symlink',
  'unreadable',
  'not-a-file',
  'vanished',
  'changing',
] as const;

/**
 * Why a path was not indexed:
 * - `ignored`: a `.gitignore`, `.git/info/exclude` or `.semanticsearchignore` rule matched it or a folder above it.
 * - `excluded`: an `exclude` or `defaultExcludes` glob matched it (VCS and dependency folders by default).
 * - `not-included`: `include` globs were given and none matched the file.
 * - `secret`: a `secretExcludes` glob matched it (`.env`, keys, credentials).
 * - `too-large`: bigger than `maxFileBytes`.
 * - `binary`: a known binary extension, or a NUL byte in the first 8 KiB (UTF-16 with a BOM is text).
 * - `minified`: minified code or data (see the README for the rule).
 * - `generated`: a lock file, a `*.min.js`-style name, or an `@generated` / `DO NOT EDIT` marker near the top.
 * - `symlink-loop`: a symlink (or mount) leading back to a folder already on the current path, or an ELOOP chain.
 * - `folded-symlink`: a symlink (to a file or a folder) whose target lies inside the root: the target is indexed
 *   once, under its real path (the `detail`), by the walk's own rules, never also under the link's path.
 * - `outside-root`: a symlink whose target lies outside the root, while `followSymlinksOutsideRoot` is off;
 *   also a `classifyFile` path that climbs out of its root with `..`.
 * - `broken-symlink`: a symlink whose target does not exist.
 * - `unreadable`: permission denied or another I/O error (the error code is in `detail`); also a name that is
 *   not valid UTF-8, which Node cannot hand back to the file system.
 * - `not-a-file`: a socket, FIFO or device (never opened), or a root that is not a folder.
 * - `vanished`: gone between listing and checking, or before the indexer read it (normal while files change).
 * - `changing`: it changed every time the indexer read it (a file being written); the next update reads it again.
 */
export type SkipReason = (typeof SKIP_REASONS)[number];

/** One skipped path. A skipped folder is one skip, whatever it contains. */
export interface SkippedEntry {
  readonly root: string;
  /** Root-relative path with '/' separators; '' for the root itself. */
  readonly relativePath: string;
  readonly reason: SkipReason;
  /** Whether the skipped path is a folder (false where that is unknown). */
  readonly isFolder: boolean;
  /** What matched or failed: the glob, the ignore rule with its file and line, or the error code. */
  readonly detail?: string;
}

/** Totals of one walk; read it at any time, final once iteration has ended. */
export interface DiscoverySummary {
  /** Files yielded so far. */
  readonly files: number;
  /** Their total size in bytes. */
  readonly bytes: number;
  /** Skips by reason; every reason is present, most are 0. */
  readonly skipped: Readonly<Record<SkipReason, number>>;
  readonly skippedTotal: number;
  /** The first few skips of each reason (at most `examplesPerReason`), for logs and status views. */
  readonly examples: Readonly<Record<SkipReason, readonly SkippedEntry[]>>;
  /** True once the walk has gone through every root (false while running, after abort or an early break). */
  readonly complete: boolean;
}

/** What to walk: a root folder, or one folder inside a root (paths stay relative to the root). */
export type WalkTarget = string | { readonly root: string; readonly folder: string };

/** Options shared by the walk and `classifyFile`; every field is optional. */
export interface DiscoveryOptions {
  /** Picomatch globs against the root-relative path that a file must match; empty (default) means every file. */
  readonly include?: readonly string[];
  /** Picomatch globs against the root-relative path of files and folders to leave out ('excluded'). */
  readonly exclude?: readonly string[];
  /** VCS and dependency folders to leave out ('excluded'); default `DEFAULT_EXCLUDES`. Pass [] to walk them. */
  readonly defaultExcludes?: readonly string[];
  /** Globs of files that hold secrets ('secret'); default `DEFAULT_SECRET_EXCLUDES`. */
  readonly secretExcludes?: readonly string[];
  /** Honour `.gitignore` files and `.git/info/exclude` (default true). */
  readonly useGitIgnore?: boolean;
  /** Honour `.semanticsearchignore` files (default true). */
  readonly useSemanticSearchIgnore?: boolean;
  /** Files bigger than this are skipped as 'too-large' (default `DEFAULT_MAX_FILE_BYTES`, 1 MiB). */
  readonly maxFileBytes?: number;
  /** Skip generated files: lock files, `*.min.js`, `@generated` / `DO NOT EDIT` markers (default true). */
  readonly skipGenerated?: boolean;
  /** Skip minified files (default true). */
  readonly skipMinified?: boolean;
  /**
   * Follow symlinks whose target is outside the root (default false: they count as 'outside-root'). Links to
   * targets inside the root are never followed, whatever this says: they are 'folded-symlink'.
   */
  readonly followSymlinksOutsideRoot?: boolean;
  /** Match ignore rules and globs without regard to case (default: true on macOS and Windows, false elsewhere). */
  readonly caseInsensitive?: boolean;
  /** Parsed ignore files to reuse, e.g. the one a watcher's `FileClassifier` owns. */
  readonly ignoreCache?: IgnoreRuleCache;
  /** Cancels the walk: iteration throws the signal's reason (an AbortError by default). */
  readonly signal?: AbortSignal;
  /** Called for every skip, in walk order. */
  readonly onSkip?: (skip: SkippedEntry) => void;
  /** How many example paths the summary keeps per reason (default 5). */
  readonly examplesPerReason?: number;
  /**
   * How files are read: 'sync' (default) makes blocking calls, fastest on local disks, and gives the event
   * loop back every few milliseconds; 'async' goes through libuv's thread pool and never blocks, which
   * suits slow or remote file systems.
   */
  readonly io?: 'sync' | 'async';
  /** With `io: 'async'`, how many entries are checked at once (stat + 32 KiB sample), default 32. */
  readonly concurrency?: number;
}

/** What `classifyFile` decided for one path. */
export type Classification =
  /** Index it; `file` is what the walk would have yielded. */
  | { readonly kind: 'index'; readonly file: DiscoveredFile }
  /** A folder the walk would enter: walk it with `discoverFiles([{ root, folder }])`. */
  | { readonly kind: 'folder'; readonly root: string; readonly relativePath: string }
  /** Do not index it; `skip.relativePath` may name a folder above the path (the one that was ignored). */
  | { readonly kind: 'skip'; readonly skip: SkippedEntry };
