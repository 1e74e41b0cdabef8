// Kills an indexing process (SIGKILL, no chance to clean up) at random points, again and again, then
// lets a run finish: the database must be intact, complete, without duplicate or orphaned vectors,
// and hold exactly what an uninterrupted run produces.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { IndexStore } from '../../../extension/core/store/index-store.ts';
import { offlineModel } from '../../helpers/models.ts';
import { seededRandom } from '../embedding/synthetic-models.ts';
import { indexSnapshot, temporaryDatabasePath } from '../store/helpers.ts';
import { writeGeneratedCorpus } from './corpus.ts';

const CHILD = path.join(import.meta.dirname, 'index-child.ts');

interface Outcome {
  killed: boolean;
  lastLine: Record<string, unknown> | undefined;
}

/** Runs the child; kills it `killAfterMs` after its first progress line (the model is loaded by then). */
function runChild(root: string, databasePath: string, killAfterMs: number | undefined): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, root, databasePath, offlineModel('use-lite')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    let lastLine: Record<string, unknown> | undefined;
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    createInterface({ input: child.stdout }).on('line', (text) => {
      lastLine = JSON.parse(text) as Record<string, unknown>;
      if (killAfterMs !== undefined && timer === undefined) {
        timer = setTimeout(() => {
          killed = true;
          child.kill('SIGKILL');
        }, killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (killed || signal === 'SIGKILL') resolve({ killed: true, lastLine });
      else if (code === 0) resolve({ killed: false, lastLine });
      else reject(new Error(`child failed (${code}): ${stderr}`));
    });
  });
}

test('indexing survives SIGKILL at random points and the next run completes with exactly the right data', { timeout: 240_000 }, async (t) => {
  const root = writeGeneratedCorpus(150);
  const random = seededRandom(Number(process.env.KILL_SEED ?? Date.now() % 100000));
  const databasePath = temporaryDatabasePath();
  const kills: string[] = [];
  for (let attempt = 0; attempt < 8; attempt++) {
    // Anywhere from the scan to the last batches: chunking, embedding, storing, removing.
    const outcome = await runChild(root, databasePath, Math.floor(random() * 2500));
    if (!outcome.killed) break;
    kills.push(JSON.stringify(outcome.lastLine));
    // Every intermediate state is a valid database.
    const store = IndexStore.open(databasePath);
    assert.deepEqual(store.checkIntegrity(), [], `after kill ${kills.length} at ${kills.at(-1)}`);
    store.close();
  }
  assert.ok(kills.length >= 3, `only ${kills.length} kills happened before a run finished`);
  t.diagnostic(`killed ${kills.length} times, last progress lines: ${kills.join(' ')}`);
  const final = await runChild(root, databasePath, undefined);
  assert.equal(final.killed, false);
  assert.equal(final.lastLine?.done, true);

  const store = IndexStore.open(databasePath);
  assert.deepEqual(store.checkIntegrity(), []);
  const space = store.activeSpace()!;
  assert.equal(store.countMissingEmbeddings(space), 0, 'every chunk has a vector');
  assert.equal(store.isSpaceComplete(space.id), true);
  store.close();

  // The same folder indexed without interruption gives the same files, chunks and vectors.
  const cleanPath = temporaryDatabasePath();
  assert.equal((await runChild(root, cleanPath, undefined)).killed, false);
  const resumed = indexSnapshot(databasePath);
  const clean = indexSnapshot(cleanPath);
  assert.deepEqual(resumed.files, clean.files);
  assert.deepEqual(resumed.chunks, clean.chunks);
  assert.deepEqual(resumed.vectors, clean.vectors, 'no duplicate and no orphaned vector');
});
