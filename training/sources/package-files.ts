// Which files of an unpacked package are read for training pairs, and their text. Sources sit where each
// family installs them; documentation (Markdown, reST, also gzip-compressed as Debian ships it) anywhere
// under usr/share/doc and in npm tarballs.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isExcludedPath } from './exclusions.ts';
import type { PackageFamily } from './manifest.ts';

/** The product skips files over 1 MB; so does training (bundles, data, generated tables). */
const MAX_FILE_BYTES = 1_000_000;

/** Folders whose files are installed sources, per family (relative to the unpacked package). */
const SOURCE_ROOTS: Record<PackageFamily, string[]> = {
  npm: [],
  python: ['usr/lib/python3/dist-packages'],
  go: ['usr/share/gocode/src'],
  rust: ['usr/share/cargo/registry'],
  node: ['usr/share/nodejs', 'usr/lib/nodejs'],
  doc: [],
};
const DOC_ROOT = 'usr/share/doc';

const CODE_EXTENSION = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|py|go|rs)$/;
const PROSE_EXTENSION = /\.(md|markdown|rst)(\.txt)?$/;
/** Tests, fixtures, minified bundles and vendored dependencies add no documented definitions of their own. */
const SKIPPED_PATH = /(^|\/)(node_modules|__tests__|tests?|testdata|test_data|fixtures?|spec|benchmarks?|examples?_?output)\/|(\.min\.js|\.bundle\.js|[._-]test\.(js|ts|go|py)|_test\.go|\.spec\.[jt]sx?)$|(^|\/)test_[^/]*\.py$/;

/** One file to read: its path inside the package (the path the pairs name) and its absolute path. */
export interface PackageFile {
  relativePath: string;
  absolutePath: string;
  /** The path the chunker is told: `.gz` dropped and Sphinx's `.md.txt` read as Markdown. */
  chunkPath: string;
  kind: 'code' | 'markdown' | 'rest' | 'html';
}

function visit(directory: string, relative: string, files: PackageFile[]): void {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!isExcludedPath(`${child}/x`) && !SKIPPED_PATH.test(`${child}/`)) visit(full, child, files);
      continue;
    }
    if (!entry.isFile() || SKIPPED_PATH.test(child)) continue;
    const plain = child.replace(/\.gz$/, '');
    const chunkPath = plain.replace(/\.md\.txt$/, '.md').replace(/\.markdown$/, '.md');
    const kind = PROSE_EXTENSION.test(plain)
      ? /\.rst(\.txt)?$/.test(plain)
        ? 'rest'
        : 'markdown'
      : CODE_EXTENSION.test(plain) && !child.endsWith('.gz')
        ? 'code'
        : /\.html?$/.test(plain)
          ? 'html'
          : undefined;
    if (kind === undefined) continue;
    if (statSync(full).size > MAX_FILE_BYTES) continue;
    files.push({ relativePath: child, absolutePath: full, chunkPath, kind });
  }
}

/** The files of an unpacked package to read, in a fixed order; paths are relative to their root. */
export function packageFiles(directory: string, family: PackageFamily): PackageFile[] {
  const files: PackageFile[] = [];
  // An npm tarball's one top folder is usually `package/`, but not always (`@types/node` has `node/`).
  const roots = family === 'npm' ? readdirSync(directory, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort() : SOURCE_ROOTS[family];
  for (const root of roots) visit(path.join(directory, root), '', files);
  if (family !== 'npm') {
    const docs: PackageFile[] = [];
    visit(path.join(directory, DOC_ROOT), '', docs);
    // A Sphinx site that ships its sources (`_sources/*.rst.txt`) is read from them, not from its HTML twice.
    const hasSources = docs.some((file) => file.relativePath.includes('/_sources/'));
    files.push(...docs.filter((file) => file.kind !== 'code' && !(file.kind === 'html' && (hasSources || /(^|\/)(genindex|search|py-modindex|modindex)\.html?$/.test(file.relativePath)))));
  }
  return files;
}

/** A file's text (gunzipped when it ends in `.gz`), or undefined when it is not UTF-8 text. */
export function readPackageFile(file: PackageFile): string | undefined {
  let bytes: Buffer = readFileSync(file.absolutePath);
  if (file.absolutePath.endsWith('.gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      return undefined;
    }
    if (bytes.length > MAX_FILE_BYTES) return undefined;
  }
  if (bytes.includes(0)) return undefined;
  const text = bytes.toString('utf8');
  return text.includes('\uFFFD') ? undefined : text;
}
