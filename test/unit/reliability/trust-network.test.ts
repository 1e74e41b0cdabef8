// No network access unless the user downloads a model: `semsearch index`, `search` and `status` run in a
// child whose every Node network API records the attempt and throws (network-guard.ts), and the test asserts
// that nothing was attempted. The guard is first shown to catch each kind of attempt, on the main thread and
// in a worker, so an empty log means something. onnxruntime's native telemetry does not go through Node: it
// leaves a queue in the cache folder when it is on, and that folder must not appear.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { writeCorpus } from '../indexing/corpus.ts';
import { BIN } from '../cli/run-cli.ts';

const GUARD = pathToFileURL(path.join(import.meta.dirname, 'network-guard.ts')).href;

interface Attempt {
  api: string;
  target: string;
}

/** A sandbox: its own HOME, cache and network log, and `node` runs with the guard preloaded. */
function sandbox() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'trust-network-'));
  const home = path.join(root, 'home');
  const cache = path.join(root, 'cache');
  const log = path.join(root, 'network.log');
  const env = { ...process.env, HOME: home, XDG_CACHE_HOME: cache, SEMSEARCH_NETWORK_LOG: log, NODE_OPTIONS: `--import ${GUARD}` };
  const node = (...args: string[]) => spawnSync(process.execPath, args, { encoding: 'utf8', env, cwd: root });
  const attempts = (): Attempt[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Attempt) : []);
  return { root, home, cache, node, attempts };
}

describe('no network access without a model download', () => {
  test('the guard records and refuses every kind of attempt, on the main thread and in a worker', () => {
    const { node, attempts } = sandbox();
    const script = `
      const tries = [
        () => fetch('https://example.com/a'),
        async () => (await import('node:https')).request('https://example.com/b'),
        async () => (await import('node:http')).get({ hostname: 'example.com', port: 80, path: '/c' }),
        async () => { const { request } = await import('node:http'); return request('http://example.com/d'); },
        async () => (await import('node:net')).connect(443, 'example.com'),
        async () => new (await import('node:net')).Socket().connect(443, 'example.com'),
        async () => (await import('node:tls')).connect(443, 'example.com'),
        async () => (await import('node:dgram')).createSocket('udp4'),
        async () => (await import('node:dns')).lookup('example.com', () => {}),
        async () => (await import('node:dns')).promises.lookup('example.com'),
      ];
      let refused = 0;
      for (const attempt of tries) { try { await attempt(); } catch { refused++; } }
      if (refused !== tries.length) throw new Error('only ' + refused + ' of ' + tries.length + ' refused');`;
    const main = node('--input-type=module', '-e', `${script}
      const { Worker } = await import('node:worker_threads');
      const worker = new Worker("try { fetch('https://example.com/from-worker'); } catch {}", { eval: true });
      await new Promise((resolve) => worker.on('exit', resolve));`);
    assert.equal(main.status, 0, main.stderr);
    const seen = attempts();
    assert.deepEqual(seen.map((attempt) => attempt.api), [
      'fetch', 'https.request', 'http.get', 'http.request', 'net.connect', 'net.Socket.connect', 'tls.connect', 'dgram.createSocket', 'dns.lookup', 'dns.promises.lookup', 'fetch',
    ]);
    assert.equal(seen.at(-1)!.target, 'https://example.com/from-worker', 'the worker has the guard too');
  });

  test('index, search and status of a folder make no network attempt and leave no onnxruntime telemetry', () => {
    const { home, cache, node, attempts } = sandbox();
    const folder = writeCorpus();
    const runs = [
      node(BIN, 'index', folder, '--model', 'glove-100d', '--quantization', 'fp32'),
      node(BIN, 'search', 'sort users by their age', '--dir', folder, '--k', '3', '--relations'),
      node(BIN, 'status', folder, '--json'),
    ];
    for (const run of runs) assert.equal(run.status, 0, run.stderr);
    assert.match(runs[1]!.stdout, /src\/users\.go/, 'the search worked');
    assert.deepEqual(attempts(), []);
    // onnxruntime-node writes {XDG_CACHE_HOME}/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db (its upload queue) when telemetry is on.
    assert.deepEqual(readdirSync(cache), ['semantic-code-search'], 'only our folder in the cache');
    assert.equal(existsSync(path.join(home, 'Microsoft')), false);
  });
});
