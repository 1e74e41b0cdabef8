// Control "models" for the evaluation's tests: vectors that say nothing about meaning. A sensible model
// must rank clearly above them; a model that cannot tell texts apart must find nothing.
import { createHash } from 'node:crypto';
import type { EvaluationRuntime, InstalledModel } from '../../../extension/core/evaluation/model-evaluation.ts';

export const RANDOM: InstalledModel = { name: 'random', displayName: 'Random vectors', directory: '/nowhere/random', quantization: 'fp32', source: 'folder' };
export const CONSTANT: InstalledModel = { name: 'constant', displayName: 'Constant vectors', directory: '/nowhere/constant', quantization: 'fp32', source: 'folder' };

/** Random vectors, seeded by a hash of each text, so still deterministic. */
export function randomRuntime(onDispose: () => void = () => {}): EvaluationRuntime {
  const dimensions = 64;
  return {
    info: { fingerprint: 'random-model', manifest: { id: 'random', displayName: 'Random vectors', dimensions, maxTokens: 512, matryoshka: false } },
    async embed(texts: readonly string[]) {
      return {
        vectors: texts.map((text) => {
          const bytes = createHash('sha512').update(text).digest();
          return Float32Array.from({ length: dimensions }, (_, index) => bytes[index % bytes.length]! / 255 - 0.5 + index * 1e-6);
        }),
      };
    },
    async dispose() {
      onDispose();
    },
  };
}

/** The same vector for every text: it tells nothing apart. */
export function constantRuntime(): EvaluationRuntime {
  return {
    info: { fingerprint: 'constant-model', manifest: { id: 'constant', displayName: 'Constant vectors', dimensions: 8, maxTokens: 512, matryoshka: false } },
    async embed(texts: readonly string[]) {
      return { vectors: texts.map(() => Float32Array.from({ length: 8 }, (_, index) => (index === 0 ? 1 : 0.5))) };
    },
    async dispose() {},
  };
}
