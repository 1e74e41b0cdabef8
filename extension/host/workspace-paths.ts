// Resolves a path the results panel asks to open against a workspace folder, refusing anything that
// could reach outside it. The panel is a webview, so its `open` messages are untrusted input: a path
// is accepted only when it is plainly relative, stays inside the folder once joined, and (when it
// exists) its real path, symlinks followed, is inside the folder's real path too. No `vscode` import,
// so it is unit-tested in plain Node.

import nodeFs from 'node:fs';
import nodePath from 'node:path';

/** Why a path was refused. */
export type PathRefusalReason =
  /** Empty, or names the folder itself. */
  | 'empty'
  | 'too-long'
  | 'nul-byte'
  /** Starts with `/` or `\`. */
  | 'absolute'
  /** `\\server\share` or `//server/share`. */
  | 'unc'
  /** `C:` (also `C:relative`, which Windows resolves against that drive's current folder). */
  | 'drive-letter'
  /** `file:`, `vscode-remote:`, `https:` ... */
  | 'url-scheme'
  /** A `..` segment (split on both `/` and `\`), or a segment of dots that Windows trims to `..`. */
  | 'parent-segment'
  /** Percent-decoding the path would make it unsafe (`%2e%2e/`, a leading `%2F`, `%00`). */
  | 'encoded-traversal'
  /** A character Windows gives a meaning to in a path (`:` for streams, `<>"|?*`). */
  | 'invalid-character'
  /** The joined path is outside the folder (a last line of defence after the checks above). */
  | 'outside-folder'
  /** The path exists but its real path (symlinks followed) is outside the folder's real path. */
  | 'symlink-outside-folder'
  /** A symlink whose target does not exist: where it points cannot be checked. */
  | 'dangling-symlink'
  /** The folder or the path could not be examined (permissions, a symlink loop ...). */
  | 'cannot-resolve';

/** The outcome of `resolveInsideFolder`: the absolute path to open, or why not. */
export type ResolvedPath =
  | { ok: true; path: string }
  | { ok: false; reason: PathRefusalReason };

/** The file system calls the check needs (injectable for tests). */
export interface PathFileSystem {
  realpath(path: string): Promise<string>;
  lstat(path: string): Promise<{ isSymbolicLink(): boolean }>;
}

export interface ResolveOptions {
  /** Path rules to apply; defaults to this process's platform. */
  platform?: 'posix' | 'win32';
  /** Defaults to `node:fs/promises`. */
  fileSystem?: PathFileSystem;
}

const MAX_PATH_LENGTH = 4096;
const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;
const DRIVE_LETTER = /^[a-z]:/i;
const WINDOWS_RESERVED_CHARACTERS = /[<>:"|?*]/;

/**
 * The lexical checks alone: why `relativePath` may not be used as a path relative to a folder, or
 * undefined when it may. Needs no file system; `resolveInsideFolder` runs it first.
 */
export function checkRelativePath(relativePath: string, platform: 'posix' | 'win32' = currentPlatform()): PathRefusalReason | undefined {
  if (relativePath.length > MAX_PATH_LENGTH) return 'too-long';
  const reason = checkShape(relativePath, platform);
  if (reason) return reason;
  // A path is never percent-decoded on the way to the file system here, but it is refused if decoding
  // would turn it into an escape, so that no later layer (a URI conversion, a log viewer) can.
  const decoded = percentDecode(relativePath);
  if (decoded !== relativePath) {
    const decodedReason = checkShape(decoded, platform);
    if (decodedReason && decodedReason !== 'empty' && decodedReason !== 'invalid-character') return 'encoded-traversal';
  }
  return undefined;
}

function checkShape(relativePath: string, platform: 'posix' | 'win32'): PathRefusalReason | undefined {
  if (relativePath.length === 0) return 'empty';
  if (relativePath.includes('\0')) return 'nul-byte';
  if (/^[\\/]{2}/.test(relativePath)) return 'unc';
  if (/^[\\/]/.test(relativePath)) return 'absolute';
  if (DRIVE_LETTER.test(relativePath)) return 'drive-letter';
  if (URL_SCHEME.test(relativePath)) return 'url-scheme';
  // Backslashes are separators on Windows and ordinary characters on POSIX; splitting on both keeps
  // `..\\..\\etc` out everywhere, whatever platform the workspace is on.
  const segments = relativePath.split(/[\\/]/);
  // Windows drops trailing dots and spaces from a segment, so `... ` and `.. ` mean `..` there.
  if (segments.some((segment) => segment === '..' || (/^[. ]+$/.test(segment) && segment.includes('..')))) return 'parent-segment';
  if (segments.every((segment) => segment === '' || segment === '.')) return 'empty';
  if (platform === 'win32' && segments.some((segment) => WINDOWS_RESERVED_CHARACTERS.test(segment))) return 'invalid-character';
  return undefined;
}

/** Repeatedly percent-decodes (a double-encoded `%252e` included); malformed escapes are left as they are. */
function percentDecode(text: string): string {
  let current = text;
  for (let round = 0; round < 3 && current.includes('%'); round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      next = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
    }
    if (next === current) break;
    current = next;
  }
  return current;
}

function currentPlatform(): 'posix' | 'win32' {
  return process.platform === 'win32' ? 'win32' : 'posix';
}

function isInside(pathApi: typeof nodePath.posix, folder: string, candidate: string): boolean {
  const relative = pathApi.relative(folder, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${pathApi.sep}`) && !pathApi.isAbsolute(relative);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Joins `relativePath` ('/'-separated, as the index stores it) to the folder at `folderPath` (an
 * absolute file system path) and returns the absolute path, or the reason it is refused.
 */
export async function resolveInsideFolder(folderPath: string, relativePath: string, options: ResolveOptions = {}): Promise<ResolvedPath> {
  const platform = options.platform ?? currentPlatform();
  const pathApi = platform === 'win32' ? nodePath.win32 : nodePath.posix;
  const fileSystem = options.fileSystem ?? nodeFs.promises;

  const lexicalReason = checkRelativePath(relativePath, platform);
  if (lexicalReason) return { ok: false, reason: lexicalReason };
  if (!pathApi.isAbsolute(folderPath)) return { ok: false, reason: 'cannot-resolve' };

  const folder = pathApi.resolve(folderPath);
  const candidate = pathApi.resolve(folder, relativePath);
  if (candidate === folder) return { ok: false, reason: 'empty' };
  if (!isInside(pathApi, folder, candidate)) return { ok: false, reason: 'outside-folder' };

  let realFolder: string;
  try {
    realFolder = await fileSystem.realpath(folder);
  } catch {
    return { ok: false, reason: 'cannot-resolve' };
  }

  // Check the path itself when it exists, otherwise its nearest existing ancestor: a symlinked
  // directory inside the workspace that points outside must not let `link/new-file` through either.
  let probe = candidate;
  while (isInside(pathApi, folder, probe)) {
    try {
      const realProbe = await fileSystem.realpath(probe);
      return isInside(pathApi, realFolder, realProbe) ? { ok: true, path: candidate } : { ok: false, reason: 'symlink-outside-folder' };
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return { ok: false, reason: 'cannot-resolve' };
      if (await isSymbolicLink(fileSystem, probe)) return { ok: false, reason: 'dangling-symlink' };
    }
    probe = pathApi.dirname(probe);
  }
  // Nothing between the folder and the path exists yet: the path is lexically inside, and opening it will fail normally.
  return { ok: true, path: candidate };
}

async function isSymbolicLink(fileSystem: PathFileSystem, path: string): Promise<boolean> {
  try {
    return (await fileSystem.lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}
