// Child process for the kill-and-resume test: indexes a folder and prints one line per progress
// update, so the parent can kill it (SIGKILL) at a point of its choosing.
import { FolderIndex } from '../../../extension/core/folder-index.ts';

const [root, databasePath, modelDirectory] = process.argv.slice(2) as [string, string, string];
const index = await FolderIndex.open({ root, databasePath, modelDirectory, quantization: 'int8', device: 'cpu', threads: 1 });
const result = await index.index({
  onProgress: (progress) => process.stdout.write(`${JSON.stringify({ phase: progress.phase, files: progress.filesIndexed, embedded: progress.chunksEmbedded })}\n`),
});
process.stdout.write(`${JSON.stringify({ done: true, filesIndexed: result.filesIndexed, chunksEmbedded: result.chunksEmbedded })}\n`);
await index.close();
