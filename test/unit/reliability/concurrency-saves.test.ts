// Rapid saves while indexing lose no update: a file read at one version and saved again while its chunks
// are embedded is indexed again (by the save's event, or by the next run even when the save kept its
// size and mtime); files rewritten, deleted and recreated many times while the workspace service (the
// extension's path) or `semsearch watch` is busy end up indexed exactly as a fresh index of the final
// folder.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { Indexer, type Embedder } from '../../../extension/core/indexing/indexer.ts';
import { WorkspaceService, type ServiceSettings } from '../../../extension/core/service/workspace-service.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { offlineModel } from '../../helpers/models.ts';
import { seededRandom } from '../embedding/synthetic-models.ts';
import { startSemsearch } from '../cli/run-cli.ts';
import { writeCorpus, writeGeneratedCorpus } from '../indexing/corpus.ts';
import { indexSnapshot, temporaryDatabasePath } from '../store/helpers.ts';

const GLOVE = { modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 } as const;

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A module of the given version: same length for every one-digit version, so a save can keep the size. */
function versioned(name: string, version: number): string {
  return `/** Scales the ${name} reading by factor ${version}. */\nexport function scale${name}(value: number): number {\n  return value * ${version};\n}\n`;
}

/** The stored content hash of every indexed file, by path. */
function storedHashes(databasePath: string): Map<string, string> {
  const database = new Database(databasePath, { readonly: true });
  try {
    return new Map((database.prepare('SELECT path, content_hash FROM files').all() as { path: string; content_hash: string }[]).map((row) => [row.path, row.content_hash]));
  } finally {
    database.close();
  }
}

/**
 * An indexer over an open folder index whose embedder runs `onFirstEmbed` once, when the first batch
 * is being embedded: every file of the run has been read by then, none of its vectors is stored.
 */
function indexerSavingDuringEmbedding(index: FolderIndex, onFirstEmbed: () => void): Indexer {
  let fired = false;
  const embedder: Embedder = {
    info: index.runtime.info,
    embed(texts, purpose, signal) {
      if (!fired) {
        fired = true;
        onFirstEmbed();
      }
      return index.runtime.embed(texts, purpose, signal);
    },
  };
  return new Indexer({ root: index.root, store: index.store, embedder, chunker: index.chunker });
}

/** Saves version `version` of the file with the mtime `mtimeSeconds`: a save within the same clock tick of a coarse file system. */
function saveInSameTick(file: string, name: string, version: number, mtimeSeconds: number): void {
  writeFileSync(file, versioned(name, version));
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

test('a file saved again while its chunks are embedded is indexed again: by the queued update of its save event', async () => {
  const root = writeCorpus({ 'src/meter.ts': versioned('Meter', 1) });
  const file = path.join(root, 'src/meter.ts');
  const index = await FolderIndex.open({ root, databasePath: temporaryDatabasePath(), ...GLOVE });
  try {
    let update: Promise<unknown> | undefined;
    const indexer = indexerSavingDuringEmbedding(index, () => {
      writeFileSync(file, versioned('Meter', 2));
      // What a watcher does on the save's event: ask for the path while the run is still busy.
      update = indexer.updatePaths(['src/meter.ts']);
    });
    await indexer.indexAll();
    assert.ok(update, 'the save happened during the run');
    await update;
    assert.equal(index.store.files().get('src/meter.ts')!.contentHash, sha256(versioned('Meter', 2)));
    assert.match(index.store.chunksOfFile('src/meter.ts', index.chunker.fingerprint)[0]!.text, /value \* 2/);
    assert.equal(index.store.countMissingEmbeddings(index.store.activeSpace()!), 0);
    assert.deepEqual(index.store.checkIntegrity(), []);
  } finally {
    await index.close();
  }
});

test('a save that keeps the size and the mtime the run saw (same clock tick) is still found by the next run', async () => {
  const root = writeCorpus({ 'src/meter.ts': versioned('Meter', 1) });
  const file = path.join(root, 'src/meter.ts');
  const index = await FolderIndex.open({ root, databasePath: temporaryDatabasePath(), ...GLOVE });
  try {
    // The file was saved just now, in whole seconds, as a file system with 1 s timestamps (HFS+, many
    // network shares) records it.
    const tick = Math.floor(Date.now() / 1000);
    utimesSync(file, tick, tick);
    const indexer = indexerSavingDuringEmbedding(index, () => saveInSameTick(file, 'Meter', 2, tick));
    await indexer.indexAll();
    assert.equal(readFileSync(file).length, versioned('Meter', 1).length, 'the save kept the size');
    assert.equal(index.store.files().get('src/meter.ts')!.contentHash, sha256(versioned('Meter', 1)), 'the run stored what it read');
    // No event this time (a watcher that was not running): the next run must not trust size and mtime.
    const next = await index.indexer.indexAll();
    assert.equal(next.filesIndexed, 1);
    assert.equal(index.store.files().get('src/meter.ts')!.contentHash, sha256(versioned('Meter', 2)));
    assert.deepEqual(index.store.checkIntegrity(), []);
  } finally {
    await index.close();
  }
});

/**
 * Rewrites, deletes and recreates files of `root` many times, quickly; `onSaved` hears each changed
 * path (the file events an editor's watcher would send). Returns the number of saves.
 */
async function saveRapidly(root: string, seed: number, onSaved: (relativePath: string) => void, isBusy: () => boolean): Promise<number> {
  const random = seededRandom(seed);
  const names = Array.from({ length: 12 }, (_, index) => `src/module${String(index).padStart(3, '0')}.ts`);
  let saves = 0;
  for (let round = 0; round < 150 || (isBusy() && round < 600); round++) {
    const relativePath = round % 25 === 24 ? `src/added/new${round}.ts` : names[Math.floor(random() * names.length)]!;
    const file = path.join(root, relativePath);
    if (round % 10 === 9) {
      rmSync(file, { force: true });
    } else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `/** Version ${round} of ${path.basename(relativePath)}: adds ${round} to the total. */\nexport function add${round}(total: number): number {\n  return total + ${round};\n}\n`);
    }
    saves += 1;
    onSaved(relativePath);
    // Bursts of saves with short pauses, as typing with autosave gives.
    if (round % 5 === 4) await sleep(random() * 20);
  }
  return saves;
}

function serviceSettings(): ServiceSettings {
  return {
    ...GLOVE,
    discovery: { include: [], exclude: [] },
    chunking: {},
    search: { k: 10, mode: 'hybrid', weights: { dense: 1, lexical: 1 } },
  };
}

/** Indexes `root` from scratch into a new database through a service like the extension's; returns the database. */
async function freshIndex(root: string): Promise<string> {
  const databasePath = temporaryDatabasePath();
  const service = new WorkspaceService({ onState: () => undefined, onProgress: () => undefined, log: () => undefined });
  try {
    await service.configure(serviceSettings(), [{ key: 'fresh', name: 'fresh', root, databasePath }]);
    await service.index();
  } finally {
    await service.dispose();
  }
  return databasePath;
}

test('the workspace service loses no save made while it indexes, pauses and resumes', { timeout: 120_000 }, async (t) => {
  const root = writeGeneratedCorpus(120);
  const databasePath = temporaryDatabasePath();
  const folder = { key: 'file:///project', name: 'project', root, databasePath };
  let indexing = false;
  const service = new WorkspaceService({ onState: () => undefined, onProgress: () => (indexing = true), log: () => undefined });
  const updates: Promise<void>[] = [];
  try {
    await service.configure(serviceSettings(), [folder]);
    const firstRun = service.index();
    while (!indexing) await sleep(5);
    // The extension's controller batches file events and sends each batch as one update.
    let batch = new Set<string>();
    const flush = setInterval(() => {
      if (batch.size === 0) return;
      updates.push(service.update(folder.key, [...batch]));
      batch = new Set();
    }, 30);
    let seen = 0;
    const saves = await saveRapidly(root, 7, (relativePath) => {
      batch.add(relativePath);
      // Halfway, the user pauses indexing and resumes at once: the stopped run is still ending then.
      if (++seen === 75) {
        service.pause();
        updates.push(service.resume());
      }
    }, () => false);
    clearInterval(flush);
    updates.push(service.update(folder.key, [...batch]));
    await firstRun;
    await Promise.all(updates);
    // Everything asked for has finished: the index must match the disk now, without another run.
    const disk = await freshIndex(root);
    const lost = [...storedHashes(disk)].filter(([relativePath, hash]) => storedHashes(databasePath).get(relativePath) !== hash).map(([relativePath]) => relativePath);
    const stale = [...storedHashes(databasePath).keys()].filter((relativePath) => !storedHashes(disk).has(relativePath));
    assert.deepEqual([lost, stale], [[], []], 'files whose last save is not indexed, and deleted files still indexed');
    assert.deepEqual(indexSnapshot(databasePath), indexSnapshot(disk));
    const store = IndexStore.open(databasePath);
    try {
      assert.deepEqual(store.checkIntegrity(), []);
    } finally {
      store.close();
    }
    t.diagnostic(`workspace service: ${saves} saves in ${updates.length} updates (one pause and resume); updates lost: 0`);
  } finally {
    await service.dispose();
  }
});

test('a save whose update finds the index unable to open is applied with the next update', async () => {
  const root = writeCorpus({ 'src/meter.ts': versioned('Meter', 1), 'src/gauge.ts': versioned('Gauge', 1) });
  // A file where the index's folder should be: the database cannot be created until it goes.
  const blocker = path.join(path.dirname(temporaryDatabasePath()), 'blocked');
  writeFileSync(blocker, '');
  const databasePath = path.join(blocker, 'index.db');
  const logs: string[] = [];
  const service = new WorkspaceService({ onState: () => undefined, onProgress: () => undefined, log: (_level, message) => logs.push(message) });
  try {
    await service.configure(serviceSettings(), [{ key: 'project', name: 'project', root, databasePath }]);
    writeFileSync(path.join(root, 'src/meter.ts'), versioned('Meter', 2));
    await service.update('project', ['src/meter.ts']);
    assert.equal(service.state().folders[0]!.phase, 'error');
    assert.ok(logs.some((message) => /1 changed file\(s\) wait for the index to open/.test(message)), logs.join('\n'));
    rmSync(blocker);
    writeFileSync(path.join(root, 'src/gauge.ts'), versioned('Gauge', 2));
    await service.update('project', ['src/gauge.ts']);
    const stored = storedHashes(databasePath);
    assert.equal(stored.get('src/gauge.ts'), sha256(versioned('Gauge', 2)));
    assert.equal(stored.get('src/meter.ts'), sha256(versioned('Meter', 2)), 'the earlier save is not lost');
  } finally {
    await service.dispose();
  }
});

test('semsearch watch loses no save made while it indexes and updates', { timeout: 150_000 }, async (t) => {
  const root = writeGeneratedCorpus(150);
  const databasePath = temporaryDatabasePath();
  const watch = startSemsearch('watch', root, '--db', databasePath, '--model', GLOVE.modelDirectory, '--quantization', 'fp32', '--device', 'cpu', '--threads', '1');
  let output = '';
  watch.stdout.on('data', (data: Buffer) => (output += data.toString()));
  watch.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((resolve) => watch.on('close', resolve));
  try {
    // Start saving once the first full run is writing.
    while (!storedHashesOrEmpty(databasePath).size) await sleep(20);
    assert.ok(!output.includes('watching '), 'the first saves come while the first run is busy');
    const duringFirstRun = await saveRapidly(root, 11, () => undefined, () => !output.includes('watching '));
    while (!output.includes('watching ')) await sleep(20);
    const saves = duringFirstRun + (await saveRapidly(root, 12, () => undefined, () => false));
    // Wait (bounded) until the index matches the disk: a lost save never matches.
    const deadline = Date.now() + 90_000;
    let difference: string[] = [];
    for (;;) {
      difference = differences(root, databasePath);
      if (difference.length === 0 || Date.now() > deadline) break;
      await sleep(250);
    }
    assert.deepEqual(difference, [], `the watch did not catch up with these files: ${output}`);
    watch.kill('SIGINT');
    assert.equal(await exited, 0, output);
    assert.deepEqual(indexSnapshot(databasePath), indexSnapshot(await freshIndex(root)));
    const store = IndexStore.open(databasePath);
    try {
      assert.deepEqual(store.checkIntegrity(), []);
    } finally {
      store.close();
    }
    t.diagnostic(`semsearch watch: ${saves} saves (rewrites, deletes, new files in a new folder); updates lost: 0`);
  } finally {
    watch.kill('SIGKILL');
  }
});

function storedHashesOrEmpty(databasePath: string): Map<string, string> {
  try {
    return storedHashes(databasePath);
  } catch {
    return new Map();
  }
}

/** Indexable source files whose stored hash is not the disk's, and stored files gone from the disk. */
function differences(root: string, databasePath: string): string[] {
  const stored = storedHashesOrEmpty(databasePath);
  const problems: string[] = [];
  const onDisk = new Set<string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
      const relativePath = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) walk(relativePath);
      else if (relativePath.endsWith('.ts')) {
        onDisk.add(relativePath);
        if (stored.get(relativePath) !== sha256(readFileSync(path.join(root, relativePath)))) problems.push(`changed: ${relativePath}`);
      }
    }
  };
  walk('');
  for (const relativePath of stored.keys()) if (!onDisk.has(relativePath)) problems.push(`deleted: ${relativePath}`);
  return problems;
}
