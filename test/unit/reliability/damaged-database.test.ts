// A damaged index database (pages of garbage, a file cut short, a file that is not a database) is found
// when it is opened, kept under a new name (never deleted), replaced by a fresh index that is then
// built, and the user is told once: by the store, the CLI and the workspace service (which the VS Code
// layer shows as a notification).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { WorkspaceService, type ServiceState } from '../../../extension/core/service/workspace-service.ts';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { SCHEMA_VERSION } from '../../../extension/core/store/schema.ts';
import { semsearch } from '../cli/run-cli.ts';
import { seededRandom } from '../embedding/synthetic-models.ts';
import { writeGeneratedCorpus } from '../indexing/corpus.ts';
import { makeChunk, spaceDefinition, temporaryDatabasePath, unitVector } from '../store/helpers.ts';
import { serviceSettings } from '../service/settings.ts';
import { isCoreError } from '../../../extension/core/errors.ts';

const PAGE = 4096;

/** An index of 60 files with vectors, closed, so all its bytes are in the main file. */
function healthyDatabase(): string {
  const databasePath = temporaryDatabasePath();
  const store = IndexStore.open(databasePath);
  try {
    const space = store.ensureVectorSpace(spaceDefinition({ dimensions: 16 }), 'active');
    for (let file = 0; file < 60; file++) {
      const chunks = Array.from({ length: 8 }, (_, index) =>
        makeChunk({ path: `src/file${file}.ts`, text: `function step${file}x${index}() {\n  return ${file * index}; // ${'padding '.repeat(20)}\n}`, startLine: index * 3 + 1 }),
      );
      const inserted = store.replaceFile({ path: `src/file${file}.ts`, contentHash: `hash${file}`, size: 1, mtimeMs: 1, language: 'typescript' }, new Map([['chunker-1', chunks]]));
      store.insertEmbeddings(space, inserted.map((chunk, index) => ({ contentHash: chunk.contentHash, vector: unitVector(16, index + file) })));
    }
  } finally {
    store.close();
  }
  return databasePath;
}

/** Ways a database file gets damaged: a disk or a copy gone wrong, a crash of the file system, a user's mistake. */
const DAMAGE: Record<string, (databasePath: string) => void> = {
  'garbage over some pages': (databasePath) => {
    const bytes = readFileSync(databasePath);
    const random = seededRandom(11);
    const first = Math.floor(bytes.length / PAGE / 3);
    for (let offset = first * PAGE; offset < (first + 8) * PAGE; offset++) bytes[offset] = Math.floor(random() * 256);
    writeFileSync(databasePath, bytes);
  },
  'cut short': (databasePath) => truncateSync(databasePath, Math.floor(statSync(databasePath).size / 2 / PAGE) * PAGE),
  'not a database': (databasePath) => writeFileSync(databasePath, 'These bytes were never a SQLite database.\n'.repeat(400)),
};

function corruptCopies(databasePath: string): string[] {
  return readdirSync(path.dirname(databasePath)).filter((name) => name.startsWith(`${path.basename(databasePath)}.corrupt-`));
}

describe('opening a damaged index database', () => {
  for (const [damage, apply] of Object.entries(DAMAGE)) {
    test(`${damage}: moved aside with its bytes, replaced by an empty healthy index, reported once`, () => {
      const databasePath = healthyDatabase();
      apply(databasePath);
      const damagedBytes = readFileSync(databasePath);

      const { store, damaged } = IndexStore.openOrReplaceDamaged(databasePath, { verify: true });
      try {
        assert.ok(damaged, 'the damage is found');
        assert.ok(damaged.movedTo.startsWith(`${databasePath}.corrupt-`), damaged.movedTo);
        assert.deepEqual(readFileSync(damaged.movedTo), damagedBytes, 'the damaged file is kept as it was');
        assert.ok(damaged.problems.length > 0);
        assert.ok(damaged.message.includes(databasePath) && damaged.message.includes(damaged.movedTo), damaged.message);
        assert.deepEqual(store.checkIntegrity(), []);
        assert.equal(store.files().size, 0, 'the new index starts empty');
        assert.equal(store.vectorSpaces().length, 0);
      } finally {
        store.close();
      }
      const again = IndexStore.openOrReplaceDamaged(databasePath, { verify: true });
      again.store.close();
      assert.equal(again.damaged, undefined, 'told once: the new database is healthy');
      assert.equal(corruptCopies(databasePath).length, 1);
    });
  }

  test('pages of garbage that opening does not read are found by the page check, which healthy databases pass', () => {
    const databasePath = healthyDatabase();
    const healthy = IndexStore.openOrReplaceDamaged(databasePath, { verify: true });
    assert.equal(healthy.damaged, undefined);
    assert.equal(healthy.store.files().size, 60, 'a healthy index keeps its data');
    healthy.store.close();

    DAMAGE['garbage over some pages']!(databasePath);
    const unchecked = IndexStore.openOrReplaceDamaged(databasePath);
    unchecked.store.close();
    assert.equal(unchecked.damaged, undefined, 'without the page check the damage goes unseen at open');
    const checked = IndexStore.openOrReplaceDamaged(databasePath, { verify: true });
    checked.store.close();
    assert.ok(checked.damaged?.problems.some((problem) => !problem.startsWith('ok')), 'the page check finds it');
  });

  test('a database of a newer version is refused as before, not moved aside', () => {
    const databasePath = temporaryDatabasePath();
    IndexStore.open(databasePath).close();
    const raw = new Database(databasePath);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(() => IndexStore.openOrReplaceDamaged(databasePath, { verify: true }), (error: unknown) => isCoreError(error, 'store') && error.reason === 'schema-too-new');
    assert.ok(existsSync(databasePath));
    assert.deepEqual(corruptCopies(databasePath), []);
  });
});

describe('the CLI with a damaged index', () => {
  const root = writeGeneratedCorpus(12);

  test('index finds the damage, says so once, keeps the file and builds the index again', () => {
    const databasePath = temporaryDatabasePath();
    assert.equal(semsearch('index', root, '--db', databasePath, '--model', 'glove-100d', '--device', 'cpu').code, 0);
    DAMAGE['garbage over some pages']!(databasePath);

    const rebuilt = semsearch('index', root, '--db', databasePath, '--model', 'glove-100d', '--device', 'cpu');
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, /index database .* was damaged .* kept as .*\.corrupt-.* replaced by a new, empty index/);
    assert.match(rebuilt.stdout, /12 files \(12 indexed, 0 unchanged/, 'every file is indexed again');
    assert.equal(corruptCopies(databasePath).length, 1);

    const search = semsearch('search', 'validate the invoice', '--db', databasePath);
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /module\d+\.ts/);
    assert.doesNotMatch(search.stderr, /damaged/, 'told once');
  });

  test('search on a file that is not a database says so and what to do', () => {
    const databasePath = temporaryDatabasePath();
    DAMAGE['not a database']!(databasePath);
    const search = semsearch('search', 'validate the invoice', '--db', databasePath, '--dir', root, '--model', 'glove-100d', '--device', 'cpu');
    assert.match(search.stderr, /was damaged .* kept as .*\.corrupt-.* Indexing the folder again rebuilds it/);
    assert.equal(corruptCopies(databasePath).length, 1);
    const index = semsearch('index', root, '--db', databasePath, '--model', 'glove-100d', '--device', 'cpu');
    assert.equal(index.code, 0, index.stderr);
    assert.doesNotMatch(index.stderr, /damaged/);
    assert.match(index.stdout, /12 indexed/);
  });
});

describe('the workspace service with a damaged index', () => {
  const root = writeGeneratedCorpus(6);
  const databasePath = temporaryDatabasePath();
  const states: ServiceState[] = [];
  const logs: string[] = [];
  const service = new WorkspaceService({ onState: (state) => states.push(state), onProgress: () => {}, log: (_level, message) => logs.push(message) });
  after(() => service.dispose());

  test('the first use of the folder moves the database aside, rebuilds it and reports it in the state', async () => {
    DAMAGE['not a database']!(databasePath);
    const original = readFileSync(databasePath);
    await service.configure(
      serviceSettings(),
      [{ key: 'file:///damaged', name: 'damaged', root, databasePath }],
    );
    // A search opens the folder; nobody asked for indexing, yet the rebuild starts by itself.
    await service.search('validate the invoice', {});
    await service.index();
    const folder = service.state().folders[0]!;
    assert.equal(folder.phase, 'ready');
    assert.match(folder.recovered ?? '', /was damaged .* kept as .*\.corrupt-.* being indexed again/);
    assert.equal(states.filter((state) => state.folders[0]!.phase === 'indexing').length > 0, true);
    assert.equal(logs.filter((line) => /was damaged/.test(line)).length, 1, 'logged once');
    const [copy] = corruptCopies(databasePath);
    assert.deepEqual(readFileSync(path.join(path.dirname(databasePath), copy!)), original);
    const response = await service.search('validate the invoice', {});
    assert.ok(response.hits.length > 0, 'the rebuilt index answers');
  });
});
