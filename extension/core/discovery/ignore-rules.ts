// Nested ignore files with git's semantics, built on the `ignore` package.
//
// `ignore` matches one set of rules against paths relative to one folder. Git reads a .gitignore per
// folder, each relative to its own folder, and a deeper file overrides a shallower one. Both come to the
// same thing if every rule is rewritten relative to the root and the files are concatenated shallow to
// deep: the last matching rule wins, and a path under an ignored folder stays ignored. So each rule is
// rebased when its file is read (`parseIgnoreFile`), and a folder's matcher is its parent's rules plus its
// own (`chainRules`).

import path from 'node:path';
import ignore from 'ignore';
import { GIT_IGNORE_FILE, SEMANTIC_SEARCH_IGNORE_FILE } from './defaults.ts';
import { ASYNC_FILE_ACCESS, type FileAccess } from './file-access.ts';

/** A compiled set of ignore rules (the `ignore` package's matcher). */
export type IgnoreMatcher = ignore.Ignore;

/** One rule ready for `ignore().add()`: `pattern` is root-relative, `mark` says where it came from. */
export type IgnorePattern = ignore.PatternParams;

/** The rules one folder contributes, each list rebased to the root and in file order. */
export interface FolderRules {
  /** From `.git/info/exclude` when the folder holds a `.git` folder (lowest precedence). */
  readonly infoExclude: readonly IgnorePattern[];
  readonly gitIgnore: readonly IgnorePattern[];
  /** From `.semanticsearchignore` (highest precedence, so it can re-include what git ignores). */
  readonly semanticSearchIgnore: readonly IgnorePattern[];
}

/** Which ignore files a folder listing showed; unknown (all tried) when absent. */
export interface PresentIgnoreFiles {
  readonly gitIgnore: boolean;
  readonly semanticSearchIgnore: boolean;
  readonly gitFolder: boolean;
}

const INFO_EXCLUDE = path.join('.git', 'info', 'exclude');

const EMPTY_RULES: FolderRules = { infoExclude: [], gitIgnore: [], semanticSearchIgnore: [] };

/** Whether a root-relative or absolute path is an ignore file, whose change calls for `invalidate`. */
export function isIgnoreFile(filePath: string): boolean {
  const normalized = filePath.replaceAll('\\', '/');
  const name = normalized.slice(normalized.lastIndexOf('/') + 1);
  return (
    name === GIT_IGNORE_FILE ||
    name === SEMANTIC_SEARCH_IGNORE_FILE ||
    normalized === '.git/info/exclude' ||
    normalized.endsWith('/.git/info/exclude')
  );
}

/**
 * Parses one ignore file into root-relative rules.
 * `folder` is the root-relative folder holding the file ('' for the root); `source` names the file in marks.
 */
export function parseIgnoreFile(text: string, folder: string, source: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    // Git drops one CR before each LF, so CRLF files behave like LF ones.
    const line = lines[index]!.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negative = line.startsWith('!');
    const rebased = rebasePattern(negative ? line.slice(1) : line, folder);
    if (rebased === undefined) continue;
    patterns.push({ pattern: (negative ? '!' : '') + rebased, mark: `${source}:${index + 1}: ${line}` });
  }
  return patterns;
}

// Rewrites a pattern body (without its `!`) from its file's folder to the root, or returns undefined for
// a pattern that matches nothing (blank, or only slashes).
function rebasePattern(body: string, folder: string): string | undefined {
  // Trailing spaces are not part of a pattern unless escaped; a trailing '/' only means "folders only".
  const trimmed = body.replace(/(?<!\\) +$/, '');
  const withoutTrailingSlash = trimmed.endsWith('/') ? trimmed.slice(0, -1) : trimmed;
  if (withoutTrailingSlash.replace(/^\/+/, '') === '') return undefined;
  if (folder === '') return body;
  // A slash at the start or in the middle anchors the pattern to its file's folder; otherwise it matches
  // a name at any depth below that folder.
  const anchored = withoutTrailingSlash.includes('/');
  const base = escapeFolder(folder);
  return anchored ? `${base}/${trimmed.replace(/^\//, '')}` : `${base}/**/${trimmed}`;
}

// Escapes a folder path so `ignore` reads it literally: glob characters anywhere, and a leading `!` or `#`
// that would otherwise turn the rebased rule into a negation or a comment.
function escapeFolder(folder: string): string {
  const escaped = folder.replace(/[\\*?[]/g, (character) => `\\${character}`);
  return escaped.startsWith('!') || escaped.startsWith('#') ? `\\${escaped}` : escaped;
}

/** Builds the matcher for a folder from its parent's matcher and its own rules; undefined when there are no rules. */
export function chainRules(
  parent: IgnoreMatcher | undefined,
  rules: FolderRules,
  options: { readonly caseInsensitive: boolean; readonly useGitIgnore: boolean; readonly useSemanticSearchIgnore: boolean },
): IgnoreMatcher | undefined {
  const own: IgnorePattern[] = [];
  if (options.useGitIgnore) own.push(...rules.infoExclude, ...rules.gitIgnore);
  if (options.useSemanticSearchIgnore) own.push(...rules.semanticSearchIgnore);
  if (parent === undefined && own.length === 0) return undefined;
  // Always a fresh matcher, even without rules of its own: `ignore` caches every path it is asked about,
  // and a matcher per folder lets that cache go when the walk leaves the folder.
  const matcher = ignore({ ignorecase: options.caseInsensitive });
  if (parent !== undefined) matcher.add(parent);
  if (own.length > 0) matcher.add(own);
  return matcher;
}

/** The rule that ignores a root-relative path (its file, line and text), or undefined when it is not ignored. */
export function matchIgnoreRules(matcher: IgnoreMatcher | undefined, relativePath: string, isFolder: boolean): string | undefined {
  if (matcher === undefined) return undefined;
  // A trailing slash is how `ignore` tells a folder, which folder-only patterns (`build/`) need.
  const result = matcher.test(isFolder ? `${relativePath}/` : relativePath);
  if (!result.ignored) return undefined;
  return result.rule?.mark ?? result.rule?.pattern ?? 'ignore rule';
}

/** Reads the ignore files of one folder; files that are missing or unreadable contribute nothing. */
export async function readFolderRules(
  folderPath: string,
  folder: string,
  present: PresentIgnoreFiles | undefined,
  files: FileAccess = ASYNC_FILE_ACCESS,
): Promise<FolderRules> {
  const prefix = folder === '' ? '' : `${folder}/`;
  const [infoExclude, gitIgnore, semanticSearchIgnore] = await Promise.all([
    present === undefined || present.gitFolder
      ? readRules(files, path.join(folderPath, INFO_EXCLUDE), folder, `${prefix}.git/info/exclude`)
      : [],
    present === undefined || present.gitIgnore
      ? readRules(files, path.join(folderPath, GIT_IGNORE_FILE), folder, `${prefix}${GIT_IGNORE_FILE}`)
      : [],
    present === undefined || present.semanticSearchIgnore
      ? readRules(files, path.join(folderPath, SEMANTIC_SEARCH_IGNORE_FILE), folder, `${prefix}${SEMANTIC_SEARCH_IGNORE_FILE}`)
      : [],
  ]);
  if (infoExclude.length === 0 && gitIgnore.length === 0 && semanticSearchIgnore.length === 0) return EMPTY_RULES;
  return { infoExclude, gitIgnore, semanticSearchIgnore };
}

async function readRules(files: FileAccess, filePath: string, folder: string, source: string): Promise<IgnorePattern[]> {
  let text: string;
  try {
    text = await files.readText(filePath);
  } catch {
    // Missing is the common case. An unreadable ignore file is also reported by the walk itself, as an
    // 'unreadable' skip of that file, so there is nothing to add here.
    return [];
  }
  return parseIgnoreFile(text, folder, source);
}

interface CacheEntry {
  readonly folderPath: string;
  readonly rules: Promise<FolderRules>;
}

/**
 * Parsed ignore files per folder, shared by a watcher's `classifyFile` calls (and optionally a walk).
 * Least recently used folders are dropped past `maxFolders`. Call `invalidate` when an ignore file changes.
 */
export class IgnoreRuleCache {
  private readonly maxFolders: number;
  private readonly entries = new Map<string, CacheEntry>();

  constructor(options: { readonly maxFolders?: number } = {}) {
    this.maxFolders = Math.max(1, options.maxFolders ?? 4096);
  }

  /** How many folders are cached. */
  get size(): number {
    return this.entries.size;
  }

  /** The rules of a folder under a root, read once and then served from the cache. */
  rulesFor(
    root: string,
    folderPath: string,
    folder: string,
    present?: PresentIgnoreFiles,
    files: FileAccess = ASYNC_FILE_ACCESS,
  ): Promise<FolderRules> {
    const key = `${root}\u0000${folder}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      // Re-inserting moves the entry to the back of the Map's order, which is the LRU order.
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached.rules;
    }
    const rules = readFolderRules(folderPath, folder, present, files);
    this.entries.set(key, { folderPath, rules });
    if (this.entries.size > this.maxFolders) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return rules;
  }

  /**
   * Forgets cached rules after a change. Given an ignore file (`.gitignore`, `.semanticsearchignore`,
   * `.git/info/exclude`), forgets its folder; given a folder, forgets it and every folder below it.
   */
  invalidate(changedPath: string): void {
    const absolute = path.resolve(changedPath);
    const name = path.basename(absolute);
    if (name === GIT_IGNORE_FILE || name === SEMANTIC_SEARCH_IGNORE_FILE) {
      this.forget((folderPath) => folderPath === path.dirname(absolute));
      return;
    }
    if (absolute.endsWith(`${path.sep}${INFO_EXCLUDE}`)) {
      const folderPath = absolute.slice(0, -INFO_EXCLUDE.length - 1);
      this.forget((candidate) => candidate === folderPath);
      return;
    }
    const below = absolute.endsWith(path.sep) ? absolute : `${absolute}${path.sep}`;
    this.forget((folderPath) => folderPath === absolute || folderPath.startsWith(below));
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }

  private forget(matches: (folderPath: string) => boolean): void {
    for (const [key, entry] of this.entries) {
      if (matches(entry.folderPath)) this.entries.delete(key);
    }
  }
}
