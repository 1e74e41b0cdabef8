// The real embedding worker plus a listener, registered first so it runs first, that allocates until
// V8 stops the thread at its heap limit when asked to embed a text holding the marker below: an
// out-of-memory worker on demand, without a model that needs gigabytes.
import { parentPort } from 'node:worker_threads';
import type { RequestToWorker } from '../../../extension/core/embedding/embedding-worker-protocol.ts';

const MARKER = 'allocate_until_out_of_memory';

parentPort!.on('message', (message: RequestToWorker) => {
  if (message.type !== 'embed' || !message.texts.some((text) => text.includes(MARKER))) return;
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array(100_000).fill(hoard.length));
});

await import('../../../extension/core/embedding/worker.ts');
