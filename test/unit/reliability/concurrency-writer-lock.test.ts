// The writer lock: one holder at a time, in one process or several; a waiting writer can be cancelled;
// a holder that is killed leaves no stale lock behind; a cutover is a write like any other.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { WriterLock } from '../../../extension/core/store/writer-lock.ts';
import { semsearch, startSemsearch } from '../cli/run-cli.ts';
import { writeCorpus } from '../indexing/corpus.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';

const LOCK_MODULE = new URL('../../../extension/core/store/writer-lock.ts', import.meta.url).href;

test('a second writer in the same process finds the lock held until the first releases it', () => {
  const databasePath = temporaryDatabasePath();
  const first = WriterLock.tryAcquire(databasePath);
  assert.ok(first);
  try {
    assert.equal(WriterLock.tryAcquire(databasePath), undefined);
  } finally {
    first.release();
  }
  const second = WriterLock.tryAcquire(databasePath);
  assert.ok(second, 'released, the lock can be taken again');
  second.release();
});

test('a waiting writer says it waits once, and stops waiting when cancelled', async () => {
  const databasePath = temporaryDatabasePath();
  const holder = WriterLock.tryAcquire(databasePath)!;
  try {
    const controller = new AbortController();
    let waits = 0;
    const waiting = WriterLock.acquire(databasePath, { signal: controller.signal, onWait: () => (waits += 1) });
    setTimeout(() => controller.abort(), 500);
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.equal(waits, 1);
  } finally {
    holder.release();
  }
});

test('a writer process killed while holding the lock leaves it free', async () => {
  const databasePath = temporaryDatabasePath();
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    const { WriterLock } = await import(${JSON.stringify(LOCK_MODULE)});
    WriterLock.tryAcquire(${JSON.stringify(databasePath)}) ? console.log('held') : console.log('busy');
    setInterval(() => {}, 1000);
  `]);
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  assert.equal(line, 'held');
  assert.equal(WriterLock.tryAcquire(databasePath), undefined, 'another process holds it');
  // A waiter started now gets the lock once the holder dies, without anyone cleaning up.
  const waiting = WriterLock.acquire(databasePath);
  child.kill('SIGKILL');
  await once(child, 'exit');
  const lock = await waiting;
  lock.release();
});

test('a cutover waits while another process writes the index, then switches', { timeout: 120_000 }, async () => {
  const root = writeCorpus();
  const databasePath = temporaryDatabasePath();
  assert.equal(semsearch('index', root, '--db', databasePath, '--model', 'glove-100d', '--quantization', 'fp32').code, 0);
  const manual = semsearch('migrate', '--to', 'use-lite', '--manual', '--db', databasePath);
  assert.equal(manual.code, 0, manual.stderr);
  const activeModel = () => (JSON.parse(semsearch('migrate', '--status', '--db', databasePath, '--json').stdout) as { active: { modelId: string } }).active.modelId;

  const otherWriter = WriterLock.tryAcquire(databasePath)!;
  let released = false;
  try {
    const cutover = startSemsearch('migrate', '--cutover', '--db', databasePath);
    const exit = once(cutover, 'exit');
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: cutover.stderr }).on('line', (line) => /waiting for it to finish/.test(line) && resolve());
      void exit.then(() => reject(new Error('the cutover ended without waiting for the other writer')));
    });
    assert.equal(activeModel(), 'glove-100d', 'nothing switched while the other writer holds the lock');
    otherWriter.release();
    released = true;
    const [code] = await exit;
    assert.equal(code, 0);
    assert.equal(activeModel(), 'use-lite');
  } finally {
    if (!released) otherWriter.release();
  }
});
