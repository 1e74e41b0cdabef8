import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeGeneratedCorpus } from '../indexing/corpus.ts';

const BIN = path.resolve(import.meta.dirname, '..', '..', '..', 'bin', 'semsearch.js');
const CACHE = mkdtempSync(path.join(os.tmpdir(), 'semsearch-cache-'));
const ENV = { ...process.env, XDG_CACHE_HOME: CACHE };

function semsearch(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: ENV });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('semsearch index --storage converts the vectors to another storage, which later runs keep', () => {
  const root = writeGeneratedCorpus(10);
  const database = path.join(mkdtempSync(path.join(os.tmpdir(), 'semsearch-storage-')), 'index.db');
  const glove = ['--model', 'glove-100d', '--quantization', 'fp32', '--db', database];
  const first = semsearch('index', root, ...glove);
  assert.equal(first.code, 0, first.stderr);
  const binary = semsearch('index', root, ...glove, '--storage', 'binary:20');
  assert.equal(binary.code, 0, binary.stderr);
  assert.match(binary.stdout, /0 chunks embedded/);
  assert.match(binary.stdout, /\d+ vectors converted to binary \(rescored from float32\) without embedding them again/);
  const again = semsearch('index', root, ...glove);
  assert.match(again.stdout, /0 chunks embedded/);
  assert.doesNotMatch(again.stdout, /converted/, 'no --storage keeps the storage the index has');
  const status = semsearch('status', '--db', database);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /\[active\]: \d+ vectors \(binary \(rescored from float32\)\)/);
  assert.match(status.stdout, /\[retired\]: \d+ vectors \(float32\)/);
  const found = semsearch('search', 'validate the invoice number 3-1', '--db', database, '--mode', 'dense', '--json');
  assert.equal(found.code, 0, found.stderr);
  assert.ok((JSON.parse(found.stdout) as { results: unknown[] }).results.length > 0);
  const truncated = semsearch('index', root, ...glove, '--storage', 'float32', '--dimensions', '48');
  assert.equal(truncated.code, 0, truncated.stderr);
  assert.match(truncated.stderr, /not trained for truncation/);
  assert.match(truncated.stdout, /vectors converted to float32, first 48 dimensions/);
  const wrong = semsearch('index', root, ...glove, '--storage', 'float16');
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /"float16" is not a vector storage/);
});
