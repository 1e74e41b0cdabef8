import { seededRandom } from '../../../extension/core/random.ts';
// Deterministic clustered unit vectors for quantization tests: a shared direction (as real embeddings
// have), cluster centres around it, points around the centres.

// The core's generator (mulberry32), so fixtures draw the same numbers as before on every run.
export { seededRandom } from '../../../extension/core/random.ts';

function gaussian(next: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(Math.max(next(), 1e-12))) * Math.cos(2 * Math.PI * next());
}

export function clusteredVectors(options: { count: number; dimensions: number; seed: number; clusters?: number }): Float32Array[] {
  const { count, dimensions } = options;
  const next = seededRandom(options.seed);
  const normal = gaussian(next);
  const shared = Float32Array.from({ length: dimensions }, () => normal() / Math.sqrt(dimensions));
  const centres = Array.from({ length: options.clusters ?? 8 }, () => Float32Array.from(shared, (value) => value + normal() / Math.sqrt(dimensions)));
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(next() * centres.length)]!;
    const vector = Float32Array.from(centre, (value) => value + (0.6 * normal()) / Math.sqrt(dimensions));
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}
