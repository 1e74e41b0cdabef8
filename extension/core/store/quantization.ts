// Vector quantization for compact vector spaces: pure functions on typed arrays, no database.
//
// - int8: scalar quantization with a range per dimension, calibrated on a sample of the space's own
//   vectors (min/max of each dimension). Codes are compared with a float query asymmetrically (the
//   query is never rounded), which is what keeps recall near float32.
// - binary: one bit per dimension, set when the value is above a per-dimension threshold: three
//   quarters of the space's mean vector (see binaryThresholds for why not zero and not the mean).
// - Matryoshka truncation: keep the first d dimensions, then normalise again.
// See README.md in this folder for the measured trade-offs.

/** Per-dimension affine int8 quantizer: value ≈ offset[i] + scale[i] · code, code in [-127, 127]. */
export interface Int8Quantizer {
  offset: Float32Array;
  scale: Float32Array;
}

/** Largest code magnitude; -128 is never produced, so the range is symmetric around the offset. */
const INT8_LIMIT = 127;

/** Keeps the first `dimensions` values and rescales them to unit length (Matryoshka truncation). */
export function truncateAndNormalize(vector: Float32Array, dimensions: number): Float32Array {
  if (dimensions > vector.length) throw new RangeError(`Cannot truncate a ${vector.length}-dimensional vector to ${dimensions} dimensions.`);
  const result = vector.slice(0, dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) norm += result[index]! * result[index]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let index = 0; index < dimensions; index++) result[index]! /= norm;
  return result;
}

/** Dot product of two equally long vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

/** Cosine similarity (0 when either vector is zero). */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let index = 0; index < a.length; index++) {
    ab += a[index]! * b[index]!;
    aa += a[index]! * a[index]!;
    bb += b[index]! * b[index]!;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** The mean of a sample of vectors (all of `dimensions` values). */
export function meanVector(sample: readonly Float32Array[], dimensions: number): Float32Array {
  const sums = new Float64Array(dimensions);
  for (const vector of sample) for (let index = 0; index < dimensions; index++) sums[index]! += vector[index]!;
  return Float32Array.from(sums, (sum) => (sample.length > 0 ? sum / sample.length : 0));
}

/**
 * An int8 quantizer whose range per dimension is the sample's minimum to maximum: each dimension
 * gets all 255 levels for the values it actually takes. (A single range for all dimensions kept
 * recall 0.977–0.983 on the clustered test corpus; a range per dimension 0.989.)
 */
export function calibrateInt8(sample: readonly Float32Array[], dimensions: number): Int8Quantizer {
  if (sample.length === 0) throw new RangeError('An int8 quantizer needs at least one vector to calibrate on.');
  const low = new Float32Array(dimensions).fill(Infinity);
  const high = new Float32Array(dimensions).fill(-Infinity);
  for (const vector of sample) {
    for (let index = 0; index < dimensions; index++) {
      const value = vector[index]!;
      if (value < low[index]!) low[index] = value;
      if (value > high[index]!) high[index] = value;
    }
  }
  const offset = new Float32Array(dimensions);
  const scale = new Float32Array(dimensions);
  for (let index = 0; index < dimensions; index++) {
    offset[index] = (low[index]! + high[index]!) / 2;
    // A constant dimension still needs a non-zero step to divide by.
    scale[index] = Math.max((high[index]! - low[index]!) / (2 * INT8_LIMIT), 1e-9);
  }
  return { offset, scale };
}

/** The int8 codes of a vector; values outside the calibrated range are clamped to it. */
export function quantizeInt8(vector: Float32Array, quantizer: Int8Quantizer): Int8Array {
  const codes = new Int8Array(quantizer.offset.length);
  for (let index = 0; index < codes.length; index++) {
    const code = Math.round((vector[index]! - quantizer.offset[index]!) / quantizer.scale[index]!);
    codes[index] = code > INT8_LIMIT ? INT8_LIMIT : code < -INT8_LIMIT ? -INT8_LIMIT : code;
  }
  return codes;
}

/** The vector int8 codes stand for. */
export function dequantizeInt8(codes: Int8Array, quantizer: Int8Quantizer): Float32Array {
  const vector = new Float32Array(codes.length);
  for (let index = 0; index < codes.length; index++) vector[index] = quantizer.offset[index]! + quantizer.scale[index]! * codes[index]!;
  return vector;
}

/**
 * Cosine similarity of a float query and the vector int8 codes stand for, without materialising it:
 * the query is never rounded, so the only error is the stored vector's.
 */
export function int8CosineSimilarity(query: Float32Array, codes: Int8Array, quantizer: Int8Quantizer): number {
  let qv = 0;
  let vv = 0;
  let qq = 0;
  for (let index = 0; index < codes.length; index++) {
    const value = quantizer.offset[index]! + quantizer.scale[index]! * codes[index]!;
    qv += query[index]! * value;
    vv += value * value;
    qq += query[index]! * query[index]!;
  }
  return vv > 0 && qq > 0 ? qv / Math.sqrt(vv * qq) : 0;
}

/** Bytes of a binary code of `dimensions` bits (sqlite-vec's bit[N] needs N divisible by 8). */
export function binaryCodeBytes(dimensions: number): number {
  return Math.ceil(dimensions / 8);
}

/**
 * Where a binary space splits each dimension: `share` × the mean of the space's vectors. Embeddings
 * share one large direction (unrelated chunks score 0.54 with USE, 0.85 with GloVe), so bits taken at
 * zero are mostly alike; bits taken at the documents' mean are balanced for documents, but queries
 * carry less of the shared direction (USE: 0.61 along it against the documents' 0.87) and their bits
 * then lean one way. Recall@10 of binary + float32 rescoring of 400 candidates on real indexes
 * (code-eslint, its 133 dev queries), by share 0 / 0.5 / 0.75 / 1: USE 92k × 512: 0.946 / 0.968 /
 * 0.968 / 0.859; GloVe 9.7k × 100: 0.778 / 0.914 / 0.943 / 0.963; clustered synthetic data with a
 * query shift: 0.884 / 0.971 / 0.990 / 0.987. Three quarters is never far from the best.
 */
export const BINARY_THRESHOLD_SHARE = 0.75;

/** The per-dimension thresholds of a binary space from the mean of its vectors. */
export function binaryThresholds(mean: Float32Array, share = BINARY_THRESHOLD_SHARE): Float32Array {
  return mean.map((value) => value * share);
}

/** Bit i is set when dimension i is above its threshold; bit i lives in byte i/8, least significant bit first. */
export function binaryCode(vector: Float32Array, thresholds: Float32Array): Uint8Array {
  const code = new Uint8Array(binaryCodeBytes(thresholds.length));
  for (let index = 0; index < thresholds.length; index++) {
    if (vector[index]! > thresholds[index]!) code[index >> 3]! |= 1 << (index & 7);
  }
  return code;
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let count = 0;
  for (let bits = byte; bits > 0; bits >>= 1) count += bits & 1;
  return count;
});

/** Number of differing bits of two codes of equal length. */
export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  let distance = 0;
  for (let index = 0; index < a.length; index++) distance += POPCOUNT[a[index]! ^ b[index]!]!;
  return distance;
}

/** A scored candidate: higher similarity is better. */
export interface Scored<T> {
  item: T;
  similarity: number;
}

/**
 * Exact rescoring of first-stage candidates: each candidate's similarity is recomputed by `score`
 * and the best `k` are returned, best first (ties keep the candidates' order).
 */
export function rescore<T>(candidates: readonly T[], score: (candidate: T) => number, k: number): Scored<T>[] {
  return candidates
    .map((item, position) => ({ item, similarity: score(item), position }))
    .sort((a, b) => b.similarity - a.similarity || a.position - b.position)
    .slice(0, k)
    .map(({ item, similarity }) => ({ item, similarity }));
}

/** Float32 vector as bytes (a view, no copy). */
export function float32Bytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

/** Bytes read from SQLite as a Float32Array (copied, so the alignment is right). */
export function float32FromBytes(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Bytes read from SQLite as an Int8Array (a view). */
export function int8FromBytes(bytes: Uint8Array): Int8Array {
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
