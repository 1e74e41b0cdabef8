// Kills the indexer (SIGKILL) at seeded random store operations across an index's whole life: the first
// index, a migration to another model (shadow build, then cutover), a rollback, a second cutover to the
// retained space, a storage change (vectors converted to int8, then cutover) and an update of edited,
// removed and added files. After every kill the database must pass SQLite's integrity check and the
// store's own, hold vectors of known models only, and serve one whole space: the old one or the new one.
// The next run must resume and end with exactly what an uninterrupted run gives.
//
// KILL_SEED=n picks other kill points; the seed is printed, so a failure can be replayed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { seededRandom } from '../embedding/synthetic-models.ts';
import { dateFilesBack, writeGeneratedCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { hashModelFingerprint, writeHashModelFolder } from './hash-embedder.ts';
import { LANDMARKS, type KillOrder, type KillReport, type KillStep } from './kill-protocol.ts';

const CHILD = path.join(import.meta.dirname, 'kill-child.ts');
const SEED = Number(process.env.KILL_SEED ?? 20261126);
const KNOWN_FINGERPRINTS = new Set([hashModelFingerprint('a'), hashModelFingerprint('b')]);
// The children share a compile cache, so only the first one pays for compiling the core.
const CHILD_ENV = { ...process.env, NODE_COMPILE_CACHE: mkdtempSync(path.join(os.tmpdir(), 'semsearch-kill-cache-')) };

interface Stage {
  name: string;
  step: KillStep;
  /** Kills to land in this stage, over runs started from the state before it, each killed up to three times, then resumed. */
  kills: number;
  /** Index the edited copy of the folder (files changed, removed, added) instead of the original. */
  edited?: boolean;
}

const STAGES: Stage[] = [
  { name: 'first index', step: 'index-a', kills: 14 },
  { name: 'migration to model b (shadow build, cutover)', step: 'index-b', kills: 14 },
  { name: 'rollback to model a', step: 'rollback', kills: 6 },
  { name: 'cutover to the retained model b space', step: 'index-b', kills: 10 },
  { name: 'storage change to int8 (conversion, cutover)', step: 'convert-b-int8', kills: 10 },
  { name: 'files changed, removed and added', step: 'convert-b-int8', kills: 6, edited: true },
];
const KILLS_PER_EPISODE = 3;

function runChild(order: KillOrder): Promise<KillReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(order)], { stdio: ['ignore', 'pipe', 'pipe'], env: CHILD_ENV });
    let report: KillReport | undefined;
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => (report = JSON.parse(line) as KillReport));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (report && 'killed' in report && signal === 'SIGKILL') resolve(report);
      else if (report && 'finished' in report && code === 0) resolve(report);
      else reject(new Error(`child ${JSON.stringify(order)} ended with ${signal ?? code}: ${stderr}`));
    });
  });
}

/** Copies a closed database (its write-ahead log too, if one was left) to a new temp path. */
function copyDatabase(source: string | undefined): string {
  const target = temporaryDatabasePath();
  if (source) for (const suffix of ['', '-wal']) if (existsSync(source + suffix)) copyFileSync(source + suffix, target + suffix);
  return target;
}

/**
 * What a database holds, without ids or times: files, chunk sets, spaces with their state and
 * completeness, every vector (exact: the hash model is deterministic), migrations, canaries.
 */
function snapshot(databasePath: string) {
  const store = IndexStore.open(databasePath);
  const database = new Database(databasePath, { readonly: true });
  try {
    const spaces = store.vectorSpaces().map((space) => {
      const hashes = (database.prepare('SELECT content_hash FROM embeddings WHERE space_id = ? ORDER BY content_hash').all(space.id) as { content_hash: string }[]).map((row) => row.content_hash);
      const vectors = store.vectorsByContentHash(space, hashes);
      return {
        id: space.id,
        fingerprint: space.modelFingerprint,
        state: space.state,
        complete: store.isSpaceComplete(space.id),
        vectors: hashes.map((hash) => `${hash}:${Buffer.from(vectors.get(hash)!.buffer).toString('base64')}`),
      };
    });
    return {
      files: database.prepare('SELECT path, content_hash, size, mtime_ms, language FROM files ORDER BY path').all(),
      chunkings: database.prepare('SELECT f.path, k.chunker, k.relations FROM file_chunkings k JOIN files f ON f.id = k.file_id ORDER BY f.path, k.chunker').all(),
      chunks: database.prepare('SELECT f.path, c.chunker, c.ordinal, c.content_hash, c.start_line, c.end_line, c.symbol FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY f.path, c.chunker, c.ordinal').all(),
      spaces: spaces.sort((a, b) => a.id.localeCompare(b.id)),
      migrations: database.prepare('SELECT from_space, to_space, state FROM migrations ORDER BY id').all(),
      canaries: database.prepare('SELECT model_fingerprint FROM canaries ORDER BY model_fingerprint').all(),
    };
  } finally {
    database.close();
    store.close();
  }
}

/**
 * The checks after a kill: integrity (SQLite's and the store's), vectors of known models only, and one
 * space serving once the first index is done: the side of the last migration its state says (new after
 * a cutover, old otherwise), and complete unless the killed run was updating that very space (then it
 * says it is partial, as it does while any update runs).
 */
function assertConsistent(databasePath: string, expect: { serving: boolean; servingComplete: boolean }, where: string): void {
  const store = IndexStore.open(databasePath);
  const database = new Database(databasePath, { readonly: true });
  try {
    assert.deepEqual(store.checkIntegrity(), [], `integrity ${where}`);
    const spaces = store.vectorSpaces();
    for (const space of spaces) assert.ok(KNOWN_FINGERPRINTS.has(space.modelFingerprint), `space ${space.id} of unknown model ${space.modelFingerprint} ${where}`);
    // A vector table without its space record would be vectors of an unknown model.
    const tables = (database.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'vectors\\_%' ESCAPE '\\' OR name LIKE 'staging\\_%' ESCAPE '\\' OR name LIKE 'rescore\\_%' ESCAPE '\\')").all() as { name: string }[])
      .map((row) => row.name)
      .filter((name) => /^(vectors|staging|rescore)_[0-9a-f]{24}$/.test(name));
    const ids = new Set(spaces.map((space) => space.id));
    for (const table of tables) assert.ok(ids.has(table.slice(table.indexOf('_') + 1)), `vector table ${table} belongs to no space ${where}`);
    const active = spaces.filter((space) => space.state === 'active');
    assert.ok(active.length <= 1, `${active.length} active spaces ${where}`);
    if (!expect.serving) return;
    assert.equal(active.length, 1, `no space serves ${where}`);
    const serving = active[0]!;
    if (expect.servingComplete) assert.ok(store.isSpaceComplete(serving.id) && store.countMissingEmbeddings(serving) === 0, `the serving space ${serving.id} is incomplete ${where}`);
    const last = store.migrations().find((migration) => migration.state !== 'abandoned');
    if (last) assert.equal(serving.id, last.state === 'cut-over' ? last.toSpace : last.fromSpace, `the serving space disagrees with migration #${last.id} (${last.state}) ${where}`);
  } finally {
    database.close();
    store.close();
  }
}

test('SIGKILL at random points of indexing, migration, cutover and rollback never corrupts the index; every run resumes to the uninterrupted result', { timeout: 300_000 }, async (t) => {
  const original = writeGeneratedCorpus(24);
  // The same folder later: four files changed, four removed, two added (and every mtime moved, as a checkout does).
  const edited = writeGeneratedCorpus(24);
  for (let module = 0; module < 4; module++) rmSync(path.join(edited, `src/module00${module}.ts`));
  for (let module = 4; module < 8; module++) appendFileSync(path.join(edited, `src/module00${module}.ts`), `\nexport const edited${module} = ${module};\n`);
  for (const name of ['added0', 'added1']) writeFileSync(path.join(edited, `src/${name}.ts`), `/** Adds ${name} to the report. */\nexport function ${name}(report: string[]): void {\n  report.push('${name}');\n}\n`);
  // Fixed past mtimes: the reference runs and the resumed ones then record the same, trusted, mtimes.
  dateFilesBack(original, new Date(Date.now() - 3_600_000));
  dateFilesBack(edited, new Date(Date.now() - 1_800_000));
  const modelDirectory = writeHashModelFolder();
  const random = seededRandom(SEED);
  let resumes = 0;
  const kills: { stage: string; report: Extract<KillReport, { killed: unknown }>['killed'] }[] = [];

  // The uninterrupted run: the state after each stage, and how many store operations the stage takes.
  const reference: { databasePath: string; operations: number; landmarks: number[]; snapshot: ReturnType<typeof snapshot> }[] = [];
  let previous: string | undefined;
  for (const stage of STAGES) {
    const databasePath = copyDatabase(previous);
    const report = await runChild({ root: stage.edited ? edited : original, databasePath, modelDirectory, step: stage.step });
    assert.ok('finished' in report);
    reference.push({ databasePath, ...report.finished, snapshot: snapshot(databasePath) });
    previous = databasePath;
  }
  // The stages do what they say, so the kills below land in migrations, cutovers and rollbacks.
  const activeModel = (index: number) => reference[index]!.snapshot.spaces.find((space) => space.state === 'active')?.fingerprint;
  assert.deepEqual([0, 1, 2, 3].map(activeModel), ['a', 'b', 'a', 'b'].map((model) => hashModelFingerprint(model as 'a' | 'b')));
  assert.deepEqual(reference[4]!.snapshot.migrations.at(-1), { from_space: reference[3]!.snapshot.spaces.find((space) => space.state === 'active')!.id, to_space: reference[4]!.snapshot.spaces.find((space) => space.state === 'active')!.id, state: 'cut-over' });
  const paths = (index: number) => reference[index]!.snapshot.files.map((file) => (file as { path: string }).path);
  assert.ok(paths(4).includes('src/module000.ts') && !paths(5).includes('src/module000.ts') && paths(5).includes('src/added0.ts'), 'the edited folder removes and adds files');

  for (const [stageIndex, stage] of STAGES.entries()) {
    const { operations, landmarks, snapshot: expected } = reference[stageIndex]!;
    const root = stage.edited ? edited : original;
    const killsBefore = kills.length;
    for (let episode = 0; kills.length - killsBefore < stage.kills; episode++) {
      assert.ok(episode < 4 * stage.kills, `"${stage.name}": only ${kills.length - killsBefore} kills in ${episode} runs`);
      const databasePath = copyDatabase(reference[stageIndex - 1]?.databasePath);
      for (let attempt = 0; attempt < KILLS_PER_EPISODE && kills.length - killsBefore < stage.kills; attempt++) {
        // Every other run is first killed at or just after a landmark (in the cutover transaction, say);
        // other kills anywhere. A resumed run has less to do: a kill point past its end lets it finish.
        const aimed = attempt === 0 && episode % 2 === 1 && landmarks.length > 0;
        const at = aimed ? landmarks[Math.floor(random() * landmarks.length)]! + Math.floor(random() * 6) : 1 + Math.floor(random() * operations);
        const when = random() < 0.5 ? 'before' : 'after';
        const report = await runChild({ root, databasePath, modelDirectory, step: stage.step, kill: { at, when } });
        if ('finished' in report) break;
        kills.push({ stage: stage.name, report: report.killed });
        const { calls, operation, phase } = report.killed;
        assertConsistent(databasePath, { serving: stageIndex > 0, servingComplete: stageIndex > 0 && !stage.edited }, `after a kill ${when} operation ${operation} (${calls.join(' > ')}, ${phase}) of "${stage.name}", episode ${episode}, seed ${SEED}`);
      }
      const resumed = await runChild({ root, databasePath, modelDirectory, step: stage.step });
      assert.ok('finished' in resumed);
      assertConsistent(databasePath, { serving: true, servingComplete: true }, `after resuming "${stage.name}", episode ${episode}, seed ${SEED}`);
      assert.deepEqual(snapshot(databasePath), expected, `"${stage.name}" resumed after kills ends as an uninterrupted run does (episode ${episode}, seed ${SEED})`);
      resumes += 1;
    }
  }

  assert.ok(kills.length >= 50, `only ${kills.length} kills happened`);
  const count = (key: (kill: (typeof kills)[number]) => string) => {
    const counts = new Map<string, number>();
    for (const kill of kills) counts.set(key(kill), (counts.get(key(kill)) ?? 0) + 1);
    return [...counts].map(([name, n]) => `${name}: ${n}`).join('; ');
  };
  t.diagnostic(`seed ${SEED}: ${kills.length} SIGKILLs, ${kills.filter((kill) => kill.report.inTransaction).length} of them inside an open transaction; ${resumes} resumed runs matched the uninterrupted one`);
  t.diagnostic(`by stage: ${count((kill) => kill.stage)}`);
  t.diagnostic(`by phase: ${count((kill) => kill.report.phase)}`);
  t.diagnostic(`by store call: ${count((kill) => kill.report.calls[0]!.replace(/^IndexStore\./, ''))}`);
  const landmarkKills = kills.filter((kill) => kill.report.calls.some((call) => LANDMARKS.includes(call)));
  t.diagnostic(`inside a landmark call: ${landmarkKills.length} (${[...new Set(landmarkKills.map((kill) => kill.report.calls.find((call) => LANDMARKS.includes(call))))].join(', ')})`);
});
