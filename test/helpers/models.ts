// Where tests find the offline models that `npm run models` builds (npm test builds them first).
import { existsSync } from 'node:fs';
import path from 'node:path';

export const MODELS_DIRECTORY = path.resolve(import.meta.dirname, '..', '..', 'models');

/** The folder of a built offline model; throws with the command to run when it is missing. */
export function offlineModel(name: 'use-lite' | 'glove-100d'): string {
  const directory = path.join(MODELS_DIRECTORY, name);
  if (!existsSync(path.join(directory, 'onnx', 'model.onnx'))) {
    throw new Error(`models/${name} is not built; run \`npm run models\` first.`);
  }
  return directory;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index]! * b[index]!;
    normA += a[index]! * a[index]!;
    normB += b[index]! * b[index]!;
  }
  return dot / Math.sqrt(normA * normB);
}
