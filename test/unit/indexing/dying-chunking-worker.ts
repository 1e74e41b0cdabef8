// A chunking thread that dies on its first request (for worker-chunker.test.ts): what a crash looks like.
import { parentPort } from 'node:worker_threads';

parentPort!.once('message', () => process.exit(3));
