// The decision for one directory entry, shared by the walk and `classifyFile` so both always agree.

import type { Dirent, Stats } from 'node:fs';
import path from 'node:path';
import { decodeSample, generatedMarker, looksBinary, looksMinified, SAMPLE_BYTES } from './content.ts';
import {
  BINARY_EXTENSIONS,
  DEFAULT_EXCLUDES,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_SECRET_EXCLUDES,
  GENERATED_FILE_NAMES,
  GENERATED_FILE_SUFFIXES,
  GIT_IGNORE_FILE,
  MINIFIED_CHECK_EXTENSIONS,
  SEMANTIC_SEARCH_IGNORE_FILE,
} from './defaults.ts';
import { ASYNC_FILE_ACCESS, SYNC_FILE_ACCESS, type FileAccess } from './file-access.ts';
import { GlobSet } from './globs.ts';
import {
  chainRules,
  matchIgnoreRules,
  readFolderRules,
  type FolderRules,
  type IgnoreMatcher,
  type IgnoreRuleCache,
  type PresentIgnoreFiles,
} from './ignore-rules.ts';
import type { DiscoveredFile, DiscoveryOptions, SkippedEntry, SkipReason } from './types.ts';

/** Options compiled once: globs turned into matchers, defaults filled in. */
export interface DiscoveryContext {
  readonly include: GlobSet;
  readonly exclude: GlobSet;
  readonly secrets: GlobSet;
  readonly useGitIgnore: boolean;
  readonly useSemanticSearchIgnore: boolean;
  readonly maxFileBytes: number;
  readonly skipGenerated: boolean;
  readonly skipMinified: boolean;
  readonly followSymlinksOutsideRoot: boolean;
  readonly caseInsensitive: boolean;
  readonly cache: IgnoreRuleCache | undefined;
  readonly files: FileAccess;
}

/** Fills in defaults and compiles the globs of `options`. */
export function createContext(options: DiscoveryOptions): DiscoveryContext {
  const caseInsensitive = options.caseInsensitive ?? (process.platform === 'darwin' || process.platform === 'win32');
  return {
    include: new GlobSet(options.include ?? [], caseInsensitive),
    exclude: new GlobSet([...(options.defaultExcludes ?? DEFAULT_EXCLUDES), ...(options.exclude ?? [])], caseInsensitive),
    secrets: new GlobSet(options.secretExcludes ?? DEFAULT_SECRET_EXCLUDES, caseInsensitive),
    useGitIgnore: options.useGitIgnore ?? true,
    useSemanticSearchIgnore: options.useSemanticSearchIgnore ?? true,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    skipGenerated: options.skipGenerated ?? true,
    skipMinified: options.skipMinified ?? true,
    followSymlinksOutsideRoot: options.followSymlinksOutsideRoot ?? false,
    caseInsensitive,
    cache: options.ignoreCache,
    files: options.io === 'async' ? ASYNC_FILE_ACCESS : SYNC_FILE_ACCESS,
  };
}

/** A root folder, resolved once per walk or classification. */
export interface RootState {
  readonly root: string;
  /** The root with symlinks resolved, to tell whether a symlink target lies inside it. */
  readonly realRoot: string;
}

/** A folder being walked: where it is, the ignore rules that apply inside it, and the folders above it. */
export interface Folder {
  readonly root: RootState;
  readonly path: string;
  /** Root-relative, '' for the root. */
  readonly relativePath: string;
  /** Device and inode, to catch a symlink or mount that leads back to this folder. */
  readonly identity: string;
  readonly rules: IgnoreMatcher | undefined;
  readonly parent: Folder | undefined;
}

/** What an entry turned out to be. */
export type Decision =
  | { readonly type: 'file'; readonly file: DiscoveredFile }
  | { readonly type: 'folder'; readonly path: string; readonly relativePath: string; readonly identity: string }
  | { readonly type: 'skip'; readonly skip: SkippedEntry };

/** What a directory listing says an entry is; 'unknown' makes `decideEntry` look for itself. */
export type EntryKind = 'file' | 'folder' | 'symlink' | 'other' | 'unknown';

/** The kind of a listed entry, from the listing alone (no system call). */
export function entryKind(entry: Dirent): EntryKind {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'folder';
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isFIFO() || entry.isSocket() || entry.isCharacterDevice() || entry.isBlockDevice()) return 'other';
  // Some file systems do not report types in listings.
  return 'unknown';
}

function skipped(root: RootState, relativePath: string, reason: SkipReason, isFolder: boolean, detail?: string): Decision {
  const skip: SkippedEntry =
    detail === undefined ? { root: root.root, relativePath, reason, isFolder } : { root: root.root, relativePath, reason, isFolder, detail };
  return { type: 'skip', skip };
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : String(error);
}

/** The skip for a file system error on an entry: gone, denied, or a symlink loop. */
export function skipForError(root: RootState, relativePath: string, isFolder: boolean, error: unknown): SkippedEntry {
  const code = errorCode(error);
  let reason: SkipReason;
  let detail = code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    // Node decodes names as UTF-8 and replaces invalid bytes, so such a name can never be found again.
    if (relativePath.includes('\uFFFD')) {
      reason = 'unreadable';
      detail = 'the name is not valid UTF-8';
    } else {
      reason = 'vanished';
    }
  } else if (code === 'ELOOP') {
    reason = 'symlink-loop';
  } else {
    // EACCES and EPERM are the expected ones; anything else (EIO, EMFILE...) is also reported with its code.
    reason = 'unreadable';
  }
  return { root: root.root, relativePath, reason, isFolder, detail };
}

function isInside(realPath: string, realRoot: string): boolean {
  if (realPath === realRoot) return true;
  return realPath.startsWith(realRoot.endsWith(path.sep) ? realRoot : `${realRoot}${path.sep}`);
}

/** Where a symlink leads: its real path, and that path relative to the root ('/' separators) when it lies inside. */
async function linkTarget(
  context: DiscoveryContext,
  root: RootState,
  entryPath: string,
): Promise<{ realPath: string; outside: true } | { realPath: string; outside: false; relativePath: string }> {
  const realPath = await context.files.realpath(entryPath);
  if (!isInside(realPath, root.realRoot)) return { realPath, outside: true };
  return { realPath, outside: false, relativePath: path.relative(root.realRoot, realPath).split(path.sep).join('/') };
}

/** Resolves a root, or says why it cannot be walked. */
export async function resolveRoot(
  context: DiscoveryContext,
  rootPath: string,
): Promise<{ root: RootState; identity: string } | { skip: SkippedEntry }> {
  const root = path.resolve(rootPath);
  const state: RootState = { root, realRoot: root };
  try {
    const stats = await context.files.stat(root);
    if (!stats.isDirectory()) return { skip: { root, relativePath: '', reason: 'not-a-file', isFolder: false, detail: 'the root is not a folder' } };
    return { root: { root, realRoot: await context.files.realpath(root) }, identity: await context.files.identity(root) };
  } catch (error) {
    return { skip: skipForError(state, '', true, error) };
  }
}

/** Builds a folder: reads its ignore files (from the cache when there is one) and chains them onto its parent's. */
export async function openFolder(
  context: DiscoveryContext,
  root: RootState,
  parent: Folder | undefined,
  folderPath: string,
  relativePath: string,
  identity: string,
  present: PresentIgnoreFiles | undefined,
): Promise<Folder> {
  let rules: FolderRules | undefined;
  if (context.useGitIgnore || context.useSemanticSearchIgnore) {
    rules =
      context.cache !== undefined
        ? await context.cache.rulesFor(root.root, folderPath, relativePath, present, context.files)
        : await readFolderRules(folderPath, relativePath, present, context.files);
  }
  const matcher =
    rules === undefined ? parent?.rules : chainRules(parent?.rules, rules, context);
  return { root, path: folderPath, relativePath, identity, rules: matcher, parent };
}

/** Which ignore files a listing holds, so that missing ones are not even tried. */
export function presentIgnoreFiles(entries: readonly Dirent[]): PresentIgnoreFiles {
  let gitIgnore = false;
  let semanticSearchIgnore = false;
  let gitFolder = false;
  for (const entry of entries) {
    if (entry.name === GIT_IGNORE_FILE) gitIgnore = true;
    else if (entry.name === SEMANTIC_SEARCH_IGNORE_FILE) semanticSearchIgnore = true;
    else if (entry.name === '.git' && !entry.isFile()) gitFolder = true;
  }
  return { gitIgnore, semanticSearchIgnore, gitFolder };
}

/** Lists a folder, sorted by name (UTF-16 code units, the same on every machine and locale). */
export async function listFolder(context: DiscoveryContext, folderPath: string): Promise<Dirent[]> {
  const entries = await context.files.readdir(folderPath);
  return entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

/**
 * Decides what to do with one entry of a folder: skip it (and why), enter it, or index it.
 * Never throws for file system errors; they become skips.
 */
export async function decideEntry(context: DiscoveryContext, folder: Folder, name: string, listedKind: EntryKind): Promise<Decision> {
  const root = folder.root;
  const relativePath = folder.relativePath === '' ? name : `${folder.relativePath}/${name}`;
  const entryPath = path.join(folder.path, name);

  let kind = listedKind;
  let stats: Stats | undefined;
  let viaSymlink = false;
  if (kind === 'unknown') {
    try {
      const linkStats = await context.files.lstat(entryPath);
      kind = linkStats.isSymbolicLink() ? 'symlink' : linkStats.isDirectory() ? 'folder' : linkStats.isFile() ? 'file' : 'other';
      if (kind === 'file') stats = linkStats;
    } catch (error) {
      return { type: 'skip', skip: skipForError(root, relativePath, false, error) };
    }
  }
  if (kind === 'symlink') {
    viaSymlink = true;
    try {
      stats = await context.files.stat(entryPath);
    } catch (error) {
      if (errorCode(error) === 'ENOENT' && (await exists(context, entryPath))) {
        return skipped(root, relativePath, 'broken-symlink', false, 'the target does not exist');
      }
      return { type: 'skip', skip: skipForError(root, relativePath, false, error) };
    }
    kind = stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : 'other';
  }
  if (kind === 'other') return skipped(root, relativePath, 'not-a-file', false, 'a socket, FIFO or device');
  const isFolder = kind === 'folder';

  // Checks on the path alone come first: they cost nothing and cover most skips.
  const excludedBy = context.exclude.match(relativePath);
  if (excludedBy !== undefined) return skipped(root, relativePath, 'excluded', isFolder, excludedBy);
  const secretBy = context.secrets.match(relativePath);
  if (secretBy !== undefined) return skipped(root, relativePath, 'secret', isFolder, secretBy);
  const ignoredBy = matchIgnoreRules(folder.rules, relativePath, isFolder);
  if (ignoredBy !== undefined) return skipped(root, relativePath, 'ignored', isFolder, ignoredBy);

  if (isFolder) {
    let identity: string;
    let foldedInto: string | undefined;
    try {
      if (viaSymlink) {
        const target = await linkTarget(context, root, entryPath);
        if (target.outside && !context.followSymlinksOutsideRoot) return skipped(root, relativePath, 'outside-root', true, target.realPath);
        if (!target.outside) foldedInto = target.relativePath;
      }
      identity = await context.files.identity(entryPath);
    } catch (error) {
      return { type: 'skip', skip: skipForError(root, relativePath, true, error) };
    }
    for (let above: Folder | undefined = folder; above !== undefined; above = above.parent) {
      if (above.identity === identity) {
        return skipped(root, relativePath, 'symlink-loop', true, `leads back to ${above.relativePath === '' ? 'the root' : above.relativePath}`);
      }
    }
    // The target is walked under its own path; walking it here too would index every file in it twice.
    if (foldedInto !== undefined) return skipped(root, relativePath, 'folded-symlink', true, foldedInto);
    return { type: 'folder', path: entryPath, relativePath, identity };
  }

  if (!context.include.isEmpty && context.include.match(relativePath) === undefined) {
    return skipped(root, relativePath, 'not-included', false);
  }
  const lowerName = name.toLowerCase();
  const extension = path.extname(lowerName);
  if (BINARY_EXTENSIONS.has(extension)) return skipped(root, relativePath, 'binary', false, `extension ${extension}`);
  if (context.skipGenerated) {
    if (GENERATED_FILE_NAMES.has(lowerName)) return skipped(root, relativePath, 'generated', false, 'lock file');
    const suffix = GENERATED_FILE_SUFFIXES.find((candidate) => lowerName.endsWith(candidate));
    if (suffix !== undefined) return skipped(root, relativePath, 'generated', false, `name ends with ${suffix}`);
  }

  let sample: Buffer;
  try {
    if (viaSymlink) {
      const target = await linkTarget(context, root, entryPath);
      // A file linked from inside the root is indexed once, under its real path.
      if (!target.outside) return skipped(root, relativePath, 'folded-symlink', false, target.relativePath);
      if (!context.followSymlinksOutsideRoot) return skipped(root, relativePath, 'outside-root', false, target.realPath);
    }
    stats ??= await context.files.stat(entryPath);
    // The listing may be stale: the file can have been replaced by a FIFO, which must never be opened.
    if (!stats.isFile()) {
      return stats.isDirectory()
        ? skipped(root, relativePath, 'vanished', false, 'replaced by a folder')
        : skipped(root, relativePath, 'not-a-file', false, 'a socket, FIFO or device');
    }
    if (stats.size > context.maxFileBytes) {
      return skipped(root, relativePath, 'too-large', false, `${stats.size} bytes, over ${context.maxFileBytes}`);
    }
    sample = stats.size === 0 ? Buffer.alloc(0) : await context.files.readSample(entryPath, Math.min(stats.size, SAMPLE_BYTES));
  } catch (error) {
    return { type: 'skip', skip: skipForError(root, relativePath, false, error) };
  }

  if (looksBinary(sample)) return skipped(root, relativePath, 'binary', false, 'NUL byte in the first 8 KiB');
  if (context.skipGenerated || context.skipMinified) {
    const text = decodeSample(sample);
    const marker = context.skipGenerated ? generatedMarker(text) : undefined;
    if (marker !== undefined) return skipped(root, relativePath, 'generated', false, `marker ${marker}`);
    if (context.skipMinified && MINIFIED_CHECK_EXTENSIONS.has(extension) && looksMinified(text)) {
      return skipped(root, relativePath, 'minified', false);
    }
  }

  return {
    type: 'file',
    file: { root: root.root, absolutePath: entryPath, relativePath, size: stats.size, mtimeMs: stats.mtimeMs },
  };
}

async function exists(context: DiscoveryContext, entryPath: string): Promise<boolean> {
  try {
    await context.files.lstat(entryPath);
    return true;
  } catch {
    return false;
  }
}
