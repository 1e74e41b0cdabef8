// Fetches the ranker's training repositories (manifest.json) with the ordinary clients, checks each file's
// SHA-256 against the manifest, and unpacks the manifest's `include` paths into <cache>/sources/<name>/.
// Downloads and sources are cached outside git; a second run only checks them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One pinned package of the manifest. */
export interface ManifestPackage {
  source: 'npm' | 'debian';
  name: string;
  version: string;
  sha256: string;
  /** Paths inside the package (npm: under `package/`; Debian: the unpacked tree) that are indexed. */
  include: string[];
}

/** The evaluation projects of ../shared/eval, and their own packages: never training data. */
const EVALUATION_PROJECT = /(^|[^a-z0-9])(flask|click|express|cobra|axum|monolog|trpc|dapper|rich|gin|eslint|espree|fastapi)([^a-z0-9]|$)/i;

export function readManifest(manifestPath = path.join(import.meta.dirname, 'manifest.json')): ManifestPackage[] {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { packages: ManifestPackage[] };
  for (const entry of manifest.packages) {
    if (EVALUATION_PROJECT.test(entry.name)) throw new Error(`${entry.name} is an evaluation project: it cannot be ranker training data`);
  }
  return manifest.packages;
}

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function run(command: string, argumentsList: string[], cwd: string): void {
  const result = spawnSync(command, argumentsList, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${command} ${argumentsList.join(' ')} failed (${result.status ?? result.error?.message}): ${result.stderr}`);
}

/** The downloaded file of a package, fetched when missing. */
function download(entry: ManifestPackage, directory: string): string {
  const find = () =>
    readdirSync(directory).find((file) =>
      entry.source === 'npm' ? file === `${entry.name.replace(/^@/, '').replace('/', '-')}-${entry.version}.tgz` : file.startsWith(`${entry.name}_${entry.version.replace(':', '%3a')}_`) && file.endsWith('.deb'),
    );
  let file = find();
  if (!file) {
    if (entry.source === 'npm') run('npm', ['pack', '--ignore-scripts', '--silent', `${entry.name}@${entry.version}`], directory);
    else {
      try {
        run('apt-get', ['download', '-q', `${entry.name}=${entry.version}`], directory);
      } catch (error) {
        // A fresh machine's package lists may not know the pinned version yet (security updates live in a
        // separate suite); a version Debian has since dropped needs a new pin.
        throw new Error(`${(error as Error).message.trim()}\nRun \`apt-get update\` and try again; if apt still has no ${entry.name} ${entry.version}, pin the version it has (apt-cache madison ${entry.name}) in training/ranker/manifest.json.`, { cause: error });
      }
    }
    file = find();
    if (!file) throw new Error(`${entry.source} gave no file for ${entry.name} ${entry.version}`);
  }
  const full = path.join(directory, file);
  const actual = sha256(full);
  if (actual !== entry.sha256) throw new Error(`${file} has SHA-256 ${actual}, the manifest pins ${entry.sha256}: delete it to fetch it again, or update the manifest`);
  return full;
}

/** Fetches, checks and unpacks every package; returns the source folder of each, by name. */
export function fetchSources(cache: string, packages: readonly ManifestPackage[], log: (line: string) => void): Map<string, string> {
  const downloads = path.join(cache, 'packages');
  mkdirSync(downloads, { recursive: true });
  const folders = new Map<string, string>();
  for (const entry of packages) {
    const target = path.join(cache, 'sources', entry.name);
    const stamp = path.join(target, '.ranker-source');
    const identity = `${entry.source} ${entry.name} ${entry.version} ${entry.sha256} ${entry.include.join(',')}`;
    folders.set(entry.name, target);
    if (existsSync(stamp) && readFileSync(stamp, 'utf8') === identity) continue;
    const file = download(entry, downloads);
    const scratch = mkdtempSync(path.join(cache, 'unpack-'));
    try {
      if (entry.source === 'npm') run('tar', ['xzf', file, '-C', scratch], scratch);
      else run('dpkg', ['-x', file, scratch], scratch);
      const base = entry.source === 'npm' ? path.join(scratch, 'package') : scratch;
      rmSync(target, { recursive: true, force: true });
      mkdirSync(target, { recursive: true });
      for (const include of entry.include) {
        const from = path.join(base, include);
        if (!existsSync(from)) throw new Error(`${entry.name} ${entry.version} has no ${include}`);
        // Debian roots are deep (usr/share/...): their contents become the repository's top level.
        cpSync(from, entry.source === 'npm' ? path.join(target, include) : target, { recursive: true, dereference: false });
      }
      writeFileSync(stamp, identity);
      log(`unpacked ${entry.name} ${entry.version}`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return folders;
}
