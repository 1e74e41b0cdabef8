import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import type { IndexProgress } from '../../../extension/core/indexing/indexer.ts';
import type { SearchHit } from '../../../extension/core/search/search.ts';
import { isImportOrExportBlock } from '../../../extension/core/text/meaningful-lines.ts';
import { offlineModel } from '../../helpers/models.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { BASE_FILES, writeCorpus, writeGeneratedCorpus } from './corpus.ts';

async function openIndex(root: string, databasePath = temporaryDatabasePath(), model: 'glove-100d' | 'use-lite' = 'glove-100d') {
  return FolderIndex.open({ root, databasePath, modelDirectory: offlineModel(model), quantization: 'fp32', device: 'cpu', threads: 1 });
}

describe('indexer', () => {
  let root: string;
  let index: FolderIndex;
  before(async () => {
    root = writeCorpus();
    index = await openIndex(root);
  });
  after(async () => {
    await index.close();
  });

  test('a first run indexes every indexable file, reports progress and ends complete', async () => {
    const updates: IndexProgress[] = [];
    const result = await index.index({ onProgress: (progress) => updates.push(progress) });
    // Three sources, the guide and the .gitignore itself; the ignored build output and the .env secret are skipped.
    assert.equal(result.filesIndexed, 5);
    assert.equal(result.skips!.skipped.ignored, 1);
    assert.equal(result.skips!.skipped.secret, 1);
    assert.ok(result.chunksEmbedded > 0);
    assert.deepEqual(result.failures, []);
    assert.equal(updates.at(-1)!.phase, 'done');
    assert.equal(updates.at(-1)!.chunksEmbedded, result.chunksEmbedded);
    const status = index.status();
    assert.equal(status.files, 5);
    assert.equal(status.activeSpace!.complete, true);
    assert.equal(status.spaces[0]!.missing, 0);
    assert.deepEqual(index.store.checkIntegrity(), []);
  });

  test('a second run over an unchanged folder embeds nothing', async () => {
    const result = await index.index();
    assert.equal(result.filesUnchanged, 5);
    assert.equal(result.filesIndexed, 0);
    assert.equal(result.chunksEmbedded, 0);
  });

  test('search finds a function from a description, and the filters apply', async () => {
    const response = await index.search('sort users by their age', { k: 3 });
    assert.equal(response.partial, false);
    assert.equal(response.denseUnavailable, undefined);
    assert.equal(response.hits[0]!.path, 'src/users.go');
    const hit = response.hits[0]!;
    assert.ok(hit.scores.dense !== undefined && hit.scores.lexical !== undefined && hit.scores.fused > 0);
    const onlyMarkdown = await index.search('sort users by their age', { k: 3, languages: ['markdown'] });
    assert.ok(onlyMarkdown.hits.every((candidate) => candidate.language === 'markdown'));
    const onlyPython = await index.search('area', { k: 5, pathGlob: '**/*.py' });
    assert.ok(onlyPython.hits.length > 0 && onlyPython.hits.every((candidate) => candidate.path.endsWith('.py')));
  });

  test('a query that spells an identifier ranks the chunk that defines it above chunks that only share its words', async () => {
    const file = path.join(root, 'src/values.ts');
    writeFileSync(
      file,
      [
        '/** GetUint8 returns the value associated with the key as an unsigned integer: the value associated with the key, returned as an unsigned integer of 8 bits. */',
        'export function GetUint8(values: Map<string, number>, key: string): number {',
        '  return (values.get(key) ?? 0) & 0xff;',
        '}',
        '',
        '/** GetUint16 returns the value associated with the key as an unsigned integer: the value associated with the key, returned as an unsigned integer of 16 bits. */',
        'export function GetUint16(values: Map<string, number>, key: string): number {',
        '  return (values.get(key) ?? 0) & 0xffff;',
        '}',
        '',
        'export function GetUint(values: Map<string, number>, key: string): number {',
        '  return Math.abs(Math.trunc(values.get(key) ?? 0));',
        '}',
        '',
      ].join('\n'),
    );
    try {
      await index.update(['src/values.ts']);
      const query = 'GetUint returns the value associated with the key as an unsigned integer';
      // The fused order, where the symbol list is what can lift the definition (the ranking stage's own
      // defines-the-name features are tested in test/unit/search/ranking/).
      const withNames = await index.search(query, { k: 3, mode: 'lexical', ranking: false });
      assert.equal(withNames.hits[0]!.symbol, 'GetUint');
      const wordsOnly = await index.search(query, { k: 3, mode: 'lexical', weights: { symbol: 0 }, ranking: false });
      assert.notEqual(wordsOnly.hits[0]!.symbol, 'GetUint', 'without the symbol list, repeated words win: the list is what ranks the definition first');
    } finally {
      rmSync(file);
      await index.update(['src/values.ts']);
    }
  });

  test('hybrid search weighs the dense list by the model: GloVe (measured weight 0) ranks as lexical search does, unless the caller sets a weight', async () => {
    const query = 'write text into a file on disk';
    // Import blocks come after every other result (results.ts), dense fillers included: they are left out here.
    const linesOf = (hit: SearchHit) => readFileSync(path.join(root, hit.path), 'utf8').split('\n').slice(hit.startLine - 1, hit.endLine).join('\n');
    const paths = async (options: Parameters<FolderIndex['search']>[1]) =>
      (await index.search(query, { k: 5, ...options })).hits.filter((hit) => !isImportOrExportBlock(linesOf(hit))).map((hit) => `${hit.path}:${hit.startLine}`);
    const lexical = await paths({ mode: 'lexical' });
    const hybrid = await paths({ mode: 'hybrid' });
    assert.ok(lexical.length >= 2);
    assert.deepEqual(hybrid.slice(0, lexical.length), lexical, 'the words rank; the dense list only fills the places after them');
    const modelWeighted = (await index.search(query, { k: 5, mode: 'hybrid' })).hits[0]!;
    const equal = (await index.search(query, { k: 5, mode: 'hybrid', weights: { dense: 1 } })).hits[0]!;
    assert.ok(modelWeighted.scores.dense !== undefined, 'the top hit is in the dense list too');
    assert.ok(equal.scores.fused > modelWeighted.scores.fused, 'a weight set by the caller replaces the model\'s');
  });

  test('an edited file is re-chunked and only its new content is embedded', async () => {
    writeFileSync(path.join(root, 'src/files.ts'), `${BASE_FILES['src/files.ts']}\n/** Deletes a temporary directory recursively. */\nexport function removeTemporaryDirectory(directory: string): void {\n  rmSync(directory, { recursive: true });\n}\n`);
    const result = await index.update(['src/files.ts']);
    assert.equal(result.filesIndexed, 1);
    assert.equal(result.chunksEmbedded, 1, 'only the new function is new content');
    const response = await index.search('removeTemporaryDirectory', { k: 1, mode: 'lexical' });
    assert.equal(response.hits[0]!.path, 'src/files.ts');
    assert.deepEqual(index.store.checkIntegrity(), []);
  });

  test('a renamed or copied file reuses its vectors', async () => {
    renameSync(path.join(root, 'src/geometry.py'), path.join(root, 'src/shapes.py'));
    const renamed = await index.update(['src/geometry.py', 'src/shapes.py']);
    assert.equal(renamed.filesIndexed, 1);
    assert.equal(renamed.filesRemoved, 1);
    assert.equal(renamed.chunksEmbedded, 0, 'no content changed, so nothing is embedded again');
    copyFileSync(path.join(root, 'src/users.go'), path.join(root, 'src/users_copy.go'));
    const copied = await index.index();
    assert.equal(copied.filesIndexed, 1);
    assert.equal(copied.chunksEmbedded, 0);
    const paths = new Set((await index.search('SortUsersByAge', { k: 5, mode: 'lexical' })).hits.map((hit) => hit.path));
    assert.ok(paths.has('src/users.go') && paths.has('src/users_copy.go'));
    assert.deepEqual(index.store.checkIntegrity(), []);
  });

  test('deleted files and folders leave the index with their vectors', async () => {
    const before = index.status().spaces[0]!.vectors;
    rmSync(path.join(root, 'docs'), { recursive: true });
    const result = await index.update(['docs']);
    assert.equal(result.filesRemoved, 1);
    const after = index.status();
    assert.equal(after.files, 5);
    assert.ok(after.spaces[0]!.vectors < before, 'vectors only the guide had are gone');
    assert.equal((await index.search('installation npm package', { k: 5 })).hits.filter((hit) => hit.path.startsWith('docs/')).length, 0);
    assert.deepEqual(index.store.checkIntegrity(), []);
  });

  test('an aborted run throws AbortError and the next run finishes the job', async () => {
    const controller = new AbortController();
    for (let module = 0; module < 30; module++) writeFileSync(path.join(root, `src/extra${module}.ts`), `export function extra${module}(value: number): number {\n  return value * ${module};\n}\n`);
    // The first progress report comes at once (progress is throttled after that), so this aborts mid-run.
    const run = index.index({ signal: controller.signal, onProgress: () => controller.abort() });
    await assert.rejects(run, { name: 'AbortError' });
    assert.deepEqual(index.store.checkIntegrity(), []);
    const resumed = await index.index();
    assert.ok(resumed.filesIndexed > 0 && resumed.filesIndexed <= 30, `resumed ${resumed.filesIndexed} files`);
    assert.equal(index.status().files, 35);
    assert.equal(index.status().activeSpace!.complete, true);
    assert.deepEqual(index.store.checkIntegrity(), []);
  });
});

test('a model change builds a new vector space while the old one keeps serving, then switches', async () => {
  const root = writeCorpus();
  const databasePath = temporaryDatabasePath();
  const first = await openIndex(root, databasePath, 'glove-100d');
  await first.index();
  const oldSpace = first.store.activeSpace()!;
  await first.close();

  const second = await openIndex(root, databasePath, 'use-lite');
  try {
    const during = await second.search('sort users by age');
    assert.equal(during.spaces[0]!.id, oldSpace.id, 'searches read the old space until the new one is complete');
    assert.match(during.denseUnavailable ?? '', /glove-100d\) is not available/, 'without the old model loaded, the old space answers lexically');
    const result = await second.index();
    assert.equal(result.activated, true);
    assert.notEqual(second.store.activeSpace()!.id, oldSpace.id);
    assert.equal(second.store.vectorSpace(oldSpace.id).state, 'retired');
    const after = await second.search('sort users by age');
    assert.equal(after.denseUnavailable, undefined);
    assert.equal(after.hits[0]!.path, 'src/users.go');
    assert.deepEqual(second.store.checkIntegrity(), []);
  } finally {
    await second.close();
  }
});

test('a new chunker of the same model embeds only the chunks it cut differently; the others reuse their vectors', async () => {
  const root = writeCorpus();
  const databasePath = temporaryDatabasePath();
  const open = (maxChunkLines: number) =>
    FolderIndex.open({ root, databasePath, modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1, chunking: { maxChunkLines } });
  const first = await open(150);
  let embeddedFirst: number;
  let firstChunker: string;
  try {
    const result = await first.index();
    embeddedFirst = result.chunksEmbedded;
    firstChunker = result.space.chunker;
  } finally {
    await first.close();
  }
  // 150 → 149 lines per chunk changes the chunker's fingerprint but no chunk of these small files.
  const second = await open(149);
  try {
    const result = await second.index();
    assert.notEqual(result.space.chunker, firstChunker, 'a new chunk set and vector space');
    assert.equal(result.chunksEmbedded, 0);
    assert.equal(result.vectorsReused, embeddedFirst);
    assert.equal(second.status().activeSpace!.complete, true);
    assert.equal((await second.search('sort users by their age', { k: 1 })).hits[0]!.path, 'src/users.go');
  } finally {
    await second.close();
  }
});

test('a first index stores files as the walk finds them (a batch at a time), so searching works before the walk ends; later runs scan first', async () => {
  // More files than one batch of the walk (WALK_BATCH_FILES, 256).
  const root = writeGeneratedCorpus(300);
  const index = await openIndex(root);
  try {
    // What a search saw the first time a file was stored, and how far the walk was then.
    let firstStored: { scanned: number; phase: string; hits: number } | undefined;
    const firstRun = await index.index({
      onProgress: (progress) => {
        if (firstStored || progress.filesIndexed === 0) return;
        firstStored = { scanned: progress.filesScanned, phase: progress.phase, hits: index.store.lexical(index.store.activeSpace()!.chunker, '"report"', 5).length };
      },
    });
    assert.equal(firstRun.filesIndexed, 300);
    assert.ok(firstStored, 'progress reported a stored file');
    assert.equal(firstStored.phase, 'scanning', 'the walk was still going');
    assert.ok(firstStored.scanned < 300, `the walk had seen ${firstStored.scanned} of 300 files`);
    assert.ok(firstStored.hits > 0, 'a search found the stored file');
    assert.deepEqual(index.store.checkIntegrity(), []);

    writeFileSync(path.join(root, 'src/module000.ts'), 'export function renamedEverything() { return 1; }\n');
    writeFileSync(path.join(root, 'src/module299.ts'), 'export function changedTooAtTheEnd() { return 2; }\n');
    const indexedAtScanned: number[] = [];
    const secondRun = await index.index({
      onProgress: (progress) => {
        if (progress.filesIndexed > 0) indexedAtScanned.push(progress.filesScanned);
      },
    });
    assert.equal(secondRun.filesIndexed, 2);
    assert.ok(indexedAtScanned.length > 0 && indexedAtScanned.every((scanned) => scanned === 300), 'files are indexed after the whole scan');
  } finally {
    await index.close();
  }
});
