// The download cache of the training corpus (outside git: .cache/corpus/): pinned files fetched with
// npm and apt, checked against their SHA-256, and unpacked once each.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { downloadDebs } from './debian.ts';
import { packTarballs } from './npm.ts';

export const CACHE_DIRECTORY = path.resolve(import.meta.dirname, '..', '..', '.cache', 'corpus');
export const DOWNLOADS = path.join(CACHE_DIRECTORY, 'downloads');
export const EXTRACTED = path.join(CACHE_DIRECTORY, 'extracted');

/** What the cache needs to know to fetch and check one package. */
export interface PinnedFile {
  registry: 'npm' | 'debian';
  name: string;
  version: string;
  file: string;
  /** Expected SHA-256; absent only while a manifest is being made. */
  sha256?: string;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Makes sure every file is in the download folder with its expected hash: fetches what is missing
 * (npm in batches through `npm pack`, Debian through `apt-get download`), deletes and reports any
 * file whose hash differs. Returns the names that could not be had.
 */
export function fetchPinned(files: readonly PinnedFile[], log: (line: string) => void): { missing: string[]; mismatched: string[] } {
  mkdirSync(DOWNLOADS, { recursive: true });
  const absent = files.filter((entry) => !existsSync(path.join(DOWNLOADS, entry.file)));
  const npm = absent.filter((entry) => entry.registry === 'npm');
  const debian = absent.filter((entry) => entry.registry === 'debian');
  if (npm.length > 0) {
    log(`fetching ${npm.length} npm tarballs`);
    packTarballs(npm.map((entry) => `${entry.name}@${entry.version}`), DOWNLOADS);
  }
  if (debian.length > 0) {
    log(`fetching ${debian.length} Debian packages`);
    downloadDebs(debian, DOWNLOADS);
  }
  const missing: string[] = [];
  const mismatched: string[] = [];
  for (const entry of files) {
    const file = path.join(DOWNLOADS, entry.file);
    if (!existsSync(file)) {
      missing.push(`${entry.name}@${entry.version}`);
      continue;
    }
    if (entry.sha256 !== undefined && sha256File(file) !== entry.sha256) {
      rmSync(file);
      mismatched.push(`${entry.name}@${entry.version}`);
    }
  }
  return { missing, mismatched };
}

/** The folder a package is unpacked into (once; a `.complete` marker says it finished). */
export function extractedDirectory(entry: PinnedFile): string {
  const directory = path.join(EXTRACTED, entry.registry, `${entry.name.replace('/', '__')}@${entry.version.replace(/[^\w.+-]/g, '_')}`);
  if (existsSync(path.join(directory, '.complete'))) return directory;
  const staging = `${directory}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const file = path.join(DOWNLOADS, entry.file);
  if (entry.registry === 'npm') execFileSync('tar', ['-xzf', file, '-C', staging, '--no-same-owner', '--no-same-permissions']);
  else execFileSync('dpkg', ['-x', file, staging]);
  writeFileSync(path.join(staging, '.complete'), '');
  rmSync(directory, { recursive: true, force: true });
  renameSync(staging, directory);
  return directory;
}
