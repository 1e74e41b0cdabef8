// Deterministic clustered unit vectors for quantization tests: a shared direction (as real embeddings
// have), cluster centres around it, points around the centres.

/** Deterministic pseudo-random numbers (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
