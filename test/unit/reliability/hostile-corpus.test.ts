// Issue 8, deliverable 3: a generated folder of hostile files (test/helpers/hostile-corpus.ts) is indexed by
// `semsearch index` without a crash or a hang, and every file ends up indexed (findable by a word inside it)
// or skipped with its own reason, counted; a writer racing the indexer never gets a mix of two versions
// stored. Files that vanish or change between the walk and the read are injected deterministically through
// the indexer's own chunker seam.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Chunker } from '../../../extension/core/chunking/index.ts';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { Indexer } from '../../../extension/core/indexing/indexer.ts';
import { writeHostileCorpus, type HostileCorpus } from '../../helpers/hostile-corpus.ts';
import { offlineModel } from '../../helpers/models.ts';
import { BIN, ENV } from '../cli/run-cli.ts';

/** Past this the index run counts as hung and is killed. Generous: the run takes a fraction of it on 2 busy cores. */
const HARD_TIMEOUT_MS = 240_000;
const GLOVE = ['--model', 'glove-100d', '--quantization', 'fp32'];
// Root reads through mode 000; without these two capabilities it is refused like anyone else.
const DROP_READ_OVERRIDE = ['--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search'];

/**
 * The command prefix that makes a child unable to read mode-000 files, or why there is none here: nothing
 * for an ordinary user; `setpriv` dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH for root.
 */
function withoutReadOverride(): string[] | string {
  if (process.platform === 'win32') return 'chmod does not deny reads on Windows';
  if (process.getuid?.() !== 0) return [];
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'deny-probe-'));
  try {
    const file = path.join(probe, 'denied');
    fs.writeFileSync(file, 'x', { mode: 0o000 });
    const script = `try { require('node:fs').readFileSync(${JSON.stringify(file)}); process.exit(1) } catch (error) { process.exit(error.code === 'EACCES' ? 0 : 1) }`;
    const child = spawnSync('setpriv', [...DROP_READ_OVERRIDE, process.execPath, '-e', script], { timeout: 20_000 });
    if (child.error !== undefined) return `running as root, and setpriv is not available (${child.error.message})`;
    if (child.status !== 0) return 'running as root, and setpriv could not drop CAP_DAC_OVERRIDE here';
    return ['setpriv', ...DROP_READ_OVERRIDE];
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

const sha256 = (bytes: string | Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Two versions of the racing file, of the same length, so a torn read is a mix of both, never a short file. */
const RACING_VERSIONS = ['a', 'b'].map((letter) => Array.from({ length: 4000 }, (_, index) => `${letter}${letter}${letter} line ${String(index).padStart(5, '0')}`).join('\n') + '\n');

/** A process that rewrites `file` in place, alternating the two versions, every few milliseconds until killed. */
function startRacingWriter(file: string) {
  const script = `
    const fs = require('node:fs');
    const versions = ${JSON.stringify(RACING_VERSIONS)}.map((text) => Buffer.from(text));
    const fd = fs.openSync(${JSON.stringify(file)}, 'r+');
    let writes = 0;
    process.on('SIGTERM', () => { console.log(writes); process.exit(0); });
    // A timer between writes, not a blocking wait, so that SIGTERM is heard.
    const rewrite = () => {
      fs.writeSync(fd, versions[writes % 2], 0, versions[writes % 2].length, 0);
      writes += 1;
      setTimeout(rewrite, 2);
    };
    rewrite();
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  return {
    /** Stops it; resolves to the number of rewrites it made. */
    stop: () =>
      new Promise<number>((resolve) => {
        child.once('exit', () => resolve(Number.parseInt(output, 10) || 0));
        child.kill('SIGTERM');
      }),
  };
}

describe('hostile corpus: semsearch index end to end', () => {
  let corpus: HostileCorpus;
  let databaseFolder: string;
  let databasePath: string;
  let run: { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; milliseconds: number; peakMemoryKiB: number | undefined };
  let unprivileged: string[] | string;
  let racingWrites = 0;
  const racingPath = 'racing/rewritten.txt';

  before(async () => {
    unprivileged = withoutReadOverride();
    corpus = writeHostileCorpus({ permissionDenied: typeof unprivileged !== 'string' });
    fs.mkdirSync(path.join(corpus.root, 'racing'));
    fs.writeFileSync(path.join(corpus.root, racingPath), RACING_VERSIONS[0]!);
    databaseFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-index-'));
    databasePath = path.join(databaseFolder, 'index.db');
    const writer = startRacingWriter(path.join(corpus.root, racingPath));
    const prefix = typeof unprivileged === 'string' ? [] : unprivileged;
    const command = [...prefix, process.execPath, BIN, 'index', corpus.root, '--db', databasePath, ...GLOVE, '--json'];
    const started = performance.now();
    // spawn, not spawnSync: the racing writer and the timer keep running meanwhile.
    run = await new Promise((resolve) => {
      const child = spawn(command[0]!, command.slice(1), { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), HARD_TIMEOUT_MS);
      // The child's peak resident memory, where Linux tells it (setpriv execs node in the same process).
      let peakMemoryKiB: number | undefined;
      const sampler = setInterval(() => {
        try {
          const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (match) peakMemoryKiB = Math.max(peakMemoryKiB ?? 0, Number(match[1]));
        } catch {
          // Not Linux, or the child has just exited.
        }
      }, 100);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        clearInterval(sampler);
        resolve({ code, signal, stdout, stderr, milliseconds: performance.now() - started, peakMemoryKiB });
      });
    });
    racingWrites = await writer.stop();
  });

  after(() => {
    corpus?.remove();
    if (databaseFolder) fs.rmSync(databaseFolder, { recursive: true, force: true });
  });

  it('finishes without a crash, well within the hard timeout', (t) => {
    if (typeof unprivileged === 'string') t.diagnostic(`no permission-denied files: ${unprivileged}`);
    assert.notEqual(run.signal, 'SIGKILL', `semsearch index was still running after ${HARD_TIMEOUT_MS / 1000} s: a hang`);
    assert.equal(run.code, 0, `semsearch index exited with ${run.code ?? run.signal}:\n${run.stderr}`);
    const memory = run.peakMemoryKiB === undefined ? '' : `, peak resident memory ${(run.peakMemoryKiB / 1024).toFixed(0)} MiB`;
    t.diagnostic(`semsearch index over ${corpus.entries.length + 1} hostile entries took ${(run.milliseconds / 1000).toFixed(1)} s${memory}`);
  });

  it('indexes or skips every entry for its own reason, and the counts add up to what was generated', async (t) => {
    assert.equal(run.code, 0, run.stderr);
    const [result] = JSON.parse(run.stdout) as { filesIndexed: number; filesScanned: number; failures: unknown[]; skips: Record<string, number>; chunksEmbedded: number }[];
    assert.ok(result);
    assert.deepEqual(result.failures, [], 'no file failed: each was indexed or skipped with a reason');

    const index = await FolderIndex.open({ root: corpus.root, databasePath, modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
    try {
      const stored = index.store.files();
      const status = index.status();
      const racingSkipped = !stored.has(racingPath);
      const expectedSkips: Record<string, number> = {};
      for (const entry of corpus.entries) if (entry.expect !== 'indexed') expectedSkips[entry.expect] = (expectedSkips[entry.expect] ?? 0) + 1;
      if (racingSkipped) expectedSkips.changing = (expectedSkips.changing ?? 0) + 1;
      const actualSkips = Object.fromEntries(Object.entries(result.skips).filter(([, count]) => count > 0));
      assert.deepEqual(actualSkips, expectedSkips, 'skips by reason');

      // Each skipped entry is named under its own reason (the corpus has at most 5 per reason, the examples kept).
      for (const entry of corpus.entries.filter((candidate) => candidate.expect !== 'indexed')) {
        const listed = status.skips.find((skip) => skip.reason === entry.expect)?.examples ?? [];
        assert.ok(listed.includes(entry.path), `${JSON.stringify(entry.path)} (${entry.what}) is not among the ${entry.expect} skips: ${JSON.stringify(listed)}`);
      }
      const expectedFiles = corpus.entries.filter((entry) => entry.expect === 'indexed').map((entry) => entry.path);
      if (!racingSkipped) expectedFiles.push(racingPath);
      assert.deepEqual([...stored.keys()].sort(), expectedFiles.sort(), 'the indexed files');
      // Every generated entry (plus the racing file) is accounted for exactly once.
      const skippedTotal = Object.values(result.skips).reduce((sum, count) => sum + count, 0);
      assert.equal(result.filesIndexed + skippedTotal, corpus.entries.length + 1);
      assert.equal(status.files, result.filesIndexed);
      assert.deepEqual(index.store.checkIntegrity(), []);

      t.diagnostic('entry | expected | outcome');
      for (const entry of corpus.entries) t.diagnostic(`${JSON.stringify(entry.path)} (${entry.what}) | ${entry.expect} | ${stored.has(entry.path) ? 'indexed' : 'skipped'}`);
      t.diagnostic(`files indexed ${result.filesIndexed}, chunks embedded ${result.chunksEmbedded}; skipped ${skippedTotal}: ${Object.entries(actualSkips).map(([reason, count]) => `${count} ${reason}`).join(', ')}`);
    } finally {
      await index.close();
    }
  });

  it('finds each indexed file by a word only it holds: UTF-16, Latin-1, the ends of huge files, odd names', async () => {
    assert.equal(run.code, 0, run.stderr);
    const index = await FolderIndex.open({ root: corpus.root, databasePath, modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
    try {
      for (const entry of corpus.entries) {
        if (entry.expect !== 'indexed' || entry.word === undefined) continue;
        const response = await index.search(entry.word, { k: 3, mode: 'lexical' });
        assert.equal(response.hits[0]?.path, entry.path, `${entry.word} (${entry.what}) was not found in ${JSON.stringify(entry.path)}`);
      }
      // Decoded, not just stored: the UTF-16 files read as text, accents included.
      const greeting = await index.search('héllo wörld', { k: 10, mode: 'lexical' });
      const utf16Paths = greeting.hits.map((hit) => hit.path).filter((hitPath) => hitPath.startsWith('encoding/utf16')).sort();
      assert.deepEqual(utf16Paths, ['encoding/utf16be-bom.ts', 'encoding/utf16be.ts', 'encoding/utf16le-bom.ts', 'encoding/utf16le.ts']);
    } finally {
      await index.close();
    }
  });

  it('stores the racing file as one of its versions, never a mix, or counts it as changing', async (t) => {
    assert.equal(run.code, 0, run.stderr);
    const index = await FolderIndex.open({ root: corpus.root, databasePath, modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
    try {
      const stored = index.store.files().get(racingPath);
      t.diagnostic(`the racing writer rewrote ${racingPath} ${racingWrites} times during the run; it was ${stored ? 'indexed' : 'skipped as changing'}`);
      if (stored === undefined) return;
      const version = RACING_VERSIONS.findIndex((text) => sha256(text) === stored.contentHash);
      assert.notEqual(version, -1, 'the stored hash is of neither version: a mix was stored');
      const text = index.store
        .chunksOfFile(racingPath, index.indexer.targetSpace().chunker)
        .map((chunk) => chunk.text)
        .join('\n');
      const other = RACING_VERSIONS[1 - version]!.slice(0, 3);
      assert.ok(!text.includes(other), `the chunks of version ${version} hold lines of the other version`);
    } finally {
      await index.close();
    }
  });
});

describe('hostile corpus: files that vanish or change between the walk and the read', () => {
  it('counts them as skips with their reasons, stores changed ones whole, and drops stored ones that went', async (t) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-race-'));
    const databaseFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-race-index-'));
    const write = (name: string, text: string) => fs.writeFileSync(path.join(root, name), text);
    const names = ['a-first.ts', 'b-vanishes.ts', 'c-grows.ts', 'd-becomes-fifo.ts', 'e-rewritten.ts'];
    for (const name of names) write(name, `export const value = '${name}';\n`);
    const index = await FolderIndex.open({ root, databasePath: path.join(databaseFolder, 'index.db'), modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
    try {
      const first = await index.index();
      assert.equal(first.filesIndexed, names.length);
      // Every file changes, so the next run reads them all; the first read then changes the others on disk,
      // after the walk has decided on them and before the indexer reads them (files are read in walk order).
      for (const name of names) write(name, `export const value = '${name}, version 2';\n`);
      const rewritten = `export const value = 'rewritten after the walk';\n`;
      let interfered = false;
      const chunker: Chunker = {
        ...index.chunker,
        chunkFile: async (filePath, text, signal) => {
          if (!interfered) {
            interfered = true;
            fs.rmSync(path.join(root, 'b-vanishes.ts'));
            write('c-grows.ts', 'x'.repeat(4096));
            fs.rmSync(path.join(root, 'd-becomes-fifo.ts'));
            if (process.platform !== 'win32') spawnSync('mkfifo', [path.join(root, 'd-becomes-fifo.ts')]);
            write('e-rewritten.ts', rewritten);
            // Dated back past the racy window (indexer.ts, RACY_MTIME_MS), so its mtime is one the index trusts.
            const past = new Date(Date.now() - 60_000);
            fs.utimesSync(path.join(root, 'e-rewritten.ts'), past, past);
          }
          return index.chunker.chunkFile(filePath, text, signal);
        },
      };
      const indexer = new Indexer({ root, store: index.store, embedder: index.runtime, chunker, discovery: { maxFileBytes: 1024 } });
      const second = await indexer.indexAll();
      const fifoReason = process.platform === 'win32' ? 'vanished' : 'not-a-file';
      assert.deepEqual(second.failures, []);
      assert.equal(second.filesIndexed, 2);
      assert.equal(second.skips?.skipped.vanished, fifoReason === 'vanished' ? 2 : 1);
      assert.equal(second.skips?.skipped['too-large'], 1);
      assert.equal(second.skips?.skipped['not-a-file'], fifoReason === 'not-a-file' ? 1 : 0);
      assert.equal(second.skips?.files, 2, 'the summary no longer counts the skipped files as found');
      const stored = index.store.files();
      assert.deepEqual([...stored.keys()].sort(), ['a-first.ts', 'e-rewritten.ts'], 'files that went or can no longer be indexed leave the index');
      assert.equal(stored.get('e-rewritten.ts')?.contentHash, sha256(rewritten), 'the version read is the one stored, whole');
      assert.equal(stored.get('e-rewritten.ts')?.mtimeMs, fs.statSync(path.join(root, 'e-rewritten.ts')).mtimeMs, 'with its own modification time');
      const status = index.status();
      assert.deepEqual(status.skips.find((skip) => skip.reason === 'too-large')?.examples, ['c-grows.ts']);
      t.diagnostic(`skips after the read: ${JSON.stringify(status.skips)}`);
      // With nothing changing any more, the next run finds the two files it stored unchanged.
      const third = await indexer.indexAll();
      assert.equal(third.filesUnchanged, 2);
    } finally {
      await index.close();
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(databaseFolder, { recursive: true, force: true });
    }
  });
});
