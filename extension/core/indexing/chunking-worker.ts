// The chunking thread: parses and cuts files for a `WorkerChunker` (worker-chunker.ts), so tree-sitter,
// chunk sizing and relations run beside the indexing thread's reads and database writes instead of
// between them. It owns one chunker and the tokenizer that measures its chunks.
import { parentPort, workerData } from 'node:worker_threads';
import { createChunker } from '../chunking/chunker.ts';
import { isCoreError } from '../errors.ts';
import { ModelTokenizer } from '../embedding/tokenization.ts';
import { chunkSizeCounter } from './worker-chunker.ts';
import type { ChunkingWorkerConfiguration, MessageFromChunkingWorker, RequestToChunkingWorker, SerializedChunkingError } from './chunking-worker-protocol.ts';

const port = parentPort!;
const configuration = workerData as ChunkingWorkerConfiguration;
const post = (message: MessageFromChunkingWorker) => port.postMessage(message);
const { modelDirectory, settings, direct } = configuration.tokenizer;
const tokenizer = ModelTokenizer.load(modelDirectory, settings, { direct });
const chunker = createChunker({
  ...configuration.chunker,
  countTokens: chunkSizeCounter(tokenizer),
  logger: { warn: (message) => post({ type: 'warn', message }) },
});
/** The requests being chunked, to cancel: a file's parse is synchronous, so a cancel lands between files. */
const running = new Map<number, AbortController>();

function serialize(error: unknown): SerializedChunkingError {
  if (isCoreError(error, 'chunking')) return { name: error.name, message: error.message, reason: error.reason };
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

port.on('message', (message: RequestToChunkingWorker) => {
  if (message.type === 'cancel') {
    running.get(message.requestId)?.abort();
    return;
  }
  const { requestId } = message;
  const controller = new AbortController();
  running.set(requestId, controller);
  chunker
    .chunkFile(message.path, message.text, controller.signal)
    .then(
      (chunks) => post({ type: 'chunked', requestId, chunks }),
      (error: unknown) => post({ type: 'failed', requestId, error: serialize(error) }),
    )
    .finally(() => running.delete(requestId));
});
