// A generated folder of hostile files, for the end-to-end robustness test and for trying the indexer by hand:
//
//   node test/helpers/hostile-corpus.ts [FOLDER]    writes the corpus (into a temp folder by default) and prints its manifest
//
// Every entry of the manifest is one thing a walk of the folder meets (a file, a link, a folder counted once)
// and says what must become of it: indexed, findable by `word`; or skipped with `reason`. Nothing is random,
// so a failure names a file that fails again.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SkipReason } from '../../extension/core/discovery/index.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../../extension/core/discovery/index.ts';
import { restorePermissions } from './permissions.ts';

/** One thing of the corpus and what the index must make of it. */
export interface HostileEntry {
  /** Root-relative path with '/' separators, as discovery reports it. */
  readonly path: string;
  /** 'indexed', or the skip reason it must be counted under. */
  readonly expect: 'indexed' | SkipReason;
  /** For an indexed file with text: a word only it holds, which a search must find in it. */
  readonly word?: string;
  /** What makes it hostile, for messages and the printed table. */
  readonly what: string;
}

export interface HostileCorpus {
  readonly root: string;
  readonly entries: readonly HostileEntry[];
  /** Restores permissions and deletes the folder. */
  remove(): void;
}

export interface HostileCorpusOptions {
  /** Where to write it (must not exist, or be empty); default a new temp folder. */
  readonly folder?: string;
  /** Size of the one-line minified file that is over the size limit (default 50 MB). */
  readonly hugeBytes?: number;
  /**
   * Add a file and a folder with mode 000 (default: where chmod means something, i.e. not on Windows). They are
   * only unreadable to a process without CAP_DAC_OVERRIDE: the caller runs the indexer as such when it is root.
   */
  readonly permissionDenied?: boolean;
}

/** A word of letters only, unlike any real one, so lexical search finds exactly the file that holds it. */
function marker(name: string): string {
  return `zq${name.replace(/[^a-z]/g, '')}marker`;
}

/** The size of the allowed one-line file: big, but under the default limit with room to spare. */
const ALLOWED_LINE_BYTES = Math.floor(DEFAULT_MAX_FILE_BYTES * 0.9);
const HUNDRED_THOUSAND = 100_000;

/** Writes the hostile corpus and returns its manifest. */
export function writeHostileCorpus(options: HostileCorpusOptions = {}): HostileCorpus {
  const root = options.folder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-corpus-'));
  fs.mkdirSync(root, { recursive: true });
  const entries: HostileEntry[] = [];
  const write = (relativePath: string, content: string | Uint8Array): string => {
    const target = path.join(root, ...relativePath.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    return target;
  };
  const indexed = (relativePath: string, what: string, content: (word: string) => string | Uint8Array): void => {
    const word = marker(relativePath);
    const written = content(word);
    write(relativePath, written);
    // An empty file is indexed with no chunks, so there is no word to find in it.
    const holdsWord = typeof written !== 'string' || written.includes(word);
    entries.push(holdsWord ? { path: relativePath, expect: 'indexed', word, what } : { path: relativePath, expect: 'indexed', what });
  };
  const skipped = (relativePath: string, reason: SkipReason, what: string): void => {
    entries.push({ path: relativePath, expect: reason, what });
  };

  // Good files beside the hostile ones, indexed as usual.
  indexed('good/orders.ts', 'an ordinary source file', (word) => `/** Totals an order (${word}). */\nexport function orderTotal(prices: number[]): number {\n  return prices.reduce((sum, price) => sum + price, 0);\n}\n`);
  indexed('good/README.md', 'an ordinary Markdown file', (word) => `# Orders\n\nHow totals are computed: ${word}.\n`);
  indexed('good/empty.ts', 'an empty file (indexed, no chunks)', () => '');

  // Encodings.
  indexed('encoding/latin1.py', 'invalid UTF-8 (Latin-1 bytes), decoded with U+FFFD', (word) =>
    Buffer.concat([Buffer.from(`# caf`), Buffer.from([0xe9, 0xff, 0xfe, 0x80]), Buffer.from(` cr\u00e8me: ${word}\ndef brew():\n    return "caf`), Buffer.from([0xe9]), Buffer.from('"\n')]),
  );
  const utf16 = (word: string): string => `// UTF-16 text ${word}\nexport const greeting = "héllo wörld";\n`;
  indexed('encoding/utf16le-bom.ts', 'UTF-16 LE with a byte-order mark', (word) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16(word), 'utf16le')]));
  indexed('encoding/utf16be-bom.ts', 'UTF-16 BE with a byte-order mark', (word) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf16(word), 'utf16le').swap16()]));
  indexed('encoding/utf16le.ts', 'UTF-16 LE without a byte-order mark', (word) => Buffer.from(utf16(word), 'utf16le'));
  indexed('encoding/utf16be.ts', 'UTF-16 BE without a byte-order mark', (word) => Buffer.from(utf16(word), 'utf16le').swap16());
  write('encoding/nul-bytes.ts', Buffer.concat([Buffer.from('const a = 1;\n'), Buffer.from([0, 0, 1, 2, 0, 7]), Buffer.from('\nconst b = 2;\n')]));
  skipped('encoding/nul-bytes.ts', 'binary', 'NUL bytes in text');

  // Size and shape.
  const hugeBytes = options.hugeBytes ?? 50 * 1024 * 1024;
  write('size/huge.min-bundle.js', minifiedLine(hugeBytes, ''));
  skipped('size/huge.min-bundle.js', 'too-large', `${(hugeBytes / 1024 / 1024).toFixed(0)} MB on one line`);
  write('size/minified.js', minifiedLine(200 * 1024, ''));
  skipped('size/minified.js', 'minified', '200 KB of minified JavaScript on one line');
  indexed('size/one-line.ts', `${(ALLOWED_LINE_BYTES / 1024).toFixed(0)} KB on one line, under the size limit (word at the end)`, (word) => minifiedLine(ALLOWED_LINE_BYTES, `;var ${word}=1;`));
  indexed('size/hundred-thousand-lines.txt', `${HUNDRED_THOUSAND.toLocaleString('en')} short lines (word on the last)`, (word) => {
    const lines: string[] = [];
    for (let index = 0; index < HUNDRED_THOUSAND - 1; index += 1) lines.push(index.toString(36));
    lines.push(word);
    return `${lines.join('\n')}\n`;
  });
  indexed('size/hundred-thousand-lines.py', `${HUNDRED_THOUSAND.toLocaleString('en')} lines of Python statements (word on the last)`, (word) => {
    const lines: string[] = [];
    for (let index = 0; index < HUNDRED_THOUSAND - 1; index += 1) lines.push(`v=${index % 10}`);
    lines.push(`${word}=1`);
    return `${lines.join('\n')}\n`;
  });
  indexed('size/nested.ts', '3,000 nested blocks and a 20,000-deep bracket', (word) => {
    const depth = 3000;
    const open = Array.from({ length: depth }, (_, level) => `${' '.repeat(level % 80)}if (x > ${level}) {`);
    const close = Array.from({ length: depth }, (_, level) => `${' '.repeat((depth - 1 - level) % 80)}}`);
    return [`// ${word}`, 'export function deep(x: number): number {', ...open, 'return x;', ...close, '}', `const brackets = ${'['.repeat(20_000)}${']'.repeat(20_000)};`, ''].join('\n');
  });
  indexed('size/nested.py', '1,000 nested functions', (word) => {
    const lines = [`# ${word}`];
    for (let level = 0; level < 1000; level += 1) lines.push(`${' '.repeat(level)}def f${level}():`);
    lines.push(`${' '.repeat(1000)}return 1`);
    return `${lines.join('\n')}\n`;
  });

  // Names.
  indexed('names/line\nbreak.ts', 'a newline in the name', (word) => `export const newline = '${word}';\n`);
  indexed('names/ünïcödé 日本語.md', 'non-ASCII and a space in the name', (word) => `# 日本語\n\n${word}\n`);
  indexed('names/tab\there.ts', 'a tab in the name', (word) => `export const tab = '${word}';\n`);
  if (process.platform === 'linux') {
    // Linux names are bytes; this one is not UTF-8, so Node can never open it by the name it reports.
    fs.writeFileSync(Buffer.concat([Buffer.from(path.join(root, 'names', 'bad-')), Buffer.from([0xff, 0xfe]), Buffer.from('.ts')]), 'export const bad = 1;\n');
    skipped('names/bad-\uFFFD\uFFFD.ts', 'unreadable', 'a name that is not valid UTF-8');
  }

  // Links and special files.
  if (process.platform !== 'win32') {
    fs.mkdirSync(path.join(root, 'links', 'inner'), { recursive: true });
    fs.symlinkSync('..', path.join(root, 'links', 'inner', 'up'));
    skipped('links/inner/up', 'symlink-loop', 'a folder symlink back to its parent');
    fs.symlinkSync('self-b.ts', path.join(root, 'links', 'self-a.ts'));
    fs.symlinkSync('self-a.ts', path.join(root, 'links', 'self-b.ts'));
    skipped('links/self-a.ts', 'symlink-loop', 'two file symlinks pointing at each other');
    skipped('links/self-b.ts', 'symlink-loop', 'two file symlinks pointing at each other');
    fs.symlinkSync('missing.ts', path.join(root, 'links', 'dangling.ts'));
    skipped('links/dangling.ts', 'broken-symlink', 'a symlink to nothing');
    execFileSync('mkfifo', [path.join(root, 'links', 'pipe.ts')]);
    skipped('links/pipe.ts', 'not-a-file', 'a FIFO (opening it would block)');
  }

  // Permission denied.
  if (options.permissionDenied ?? process.platform !== 'win32') {
    fs.chmodSync(write('denied/file.ts', 'export const denied = 1;\n'), 0o000);
    skipped('denied/file.ts', 'unreadable', 'a file with mode 000');
    write('denied/folder/inside.ts', 'export const inside = 1;\n');
    fs.chmodSync(path.join(root, 'denied', 'folder'), 0o000);
    skipped('denied/folder', 'unreadable', 'a folder with mode 000 (counted once)');
  }

  return {
    root,
    entries,
    remove: () => {
      restorePermissions(root);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Minified-looking JavaScript on one line, `bytes` long, ending with `tail`. */
function minifiedLine(bytes: number, tail: string): string {
  const unit = 'function a(b,c){return b.map(function(d){return d*c+1})}var e=a([1,2,3],4);';
  const body = unit.repeat(Math.ceil((bytes - tail.length) / unit.length)).slice(0, Math.max(0, bytes - tail.length));
  return body + tail;
}

if (import.meta.main) {
  const corpus = writeHostileCorpus({ folder: process.argv[2] });
  process.stdout.write(`${JSON.stringify({ root: corpus.root, entries: corpus.entries }, null, 2)}\n`);
}
