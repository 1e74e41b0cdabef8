// Closing the embedding runtime while its worker is inside an onnxruntime call (Ctrl-C during `semsearch
// index`, a model setting changed while indexing). Terminating the worker there aborted the whole
// process with "terminate called after throwing an instance of 'Napi::Error'" in about one close in
// four; in VS Code that would be the extension host. The runtime now asks the worker to finish the call,
// release the model and exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const CHILD = path.join(import.meta.dirname, 'close-during-inference-child.ts');

test('closing the runtime in the middle of inference never aborts the process', () => {
  // Stops 0 to 15 ms after the requests: some land before the first inference, most during one.
  const outcomes = Array.from({ length: 16 }, (_, delay) => {
    const child = spawnSync(process.execPath, [CHILD, String(delay)], { encoding: 'utf8', timeout: 60_000 });
    return { delay, status: child.status, signal: child.signal, closed: child.stdout.includes('closed'), stderr: child.stderr.trim().slice(-300) };
  });
  const failed = outcomes.filter((outcome) => outcome.status !== 130 || !outcome.closed);
  assert.deepEqual(failed, [], `every child closed its runtime and exited with its own code 130`);
});
