// The trained model as a committed release artefact (training/release/<name>/): compact and exact.
//   model.json            dimensions, Matryoshka levels, vocabulary size, SHA-256 of the two binaries,
//                         and how it was trained (configuration, corpus figures, validation curve);
//   vocabulary.txt        one token per line, line n is id n;
//   embeddings.int8       [vocabulary, dimensions] int8, row-major (the folded table, w_t · e_t);
//   scales.float32        one float32 scale per row (little-endian): row value = int8 × scale.
// Symmetric per-row int8 is what the int8 ONNX model stores too, so both ONNX files are made from these
// bytes without loss beyond this one rounding.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Vocabulary } from './tokenizer.ts';

export interface ReleaseMetadata {
  schemaVersion: 1;
  name: string;
  dimensions: number;
  levels: number[];
  vocabularySize: number;
  /** The window the model is meant for (manifest `maxTokens`). */
  maxTokens: number;
  files: Record<'vocabulary.txt' | 'embeddings.int8' | 'scales.float32', string>;
  /** Free-form record of how the weights were made (configuration, corpus, validation per epoch). */
  training: Record<string, unknown>;
}

export interface Release {
  metadata: ReleaseMetadata;
  vocabulary: Vocabulary;
  values: Int8Array;
  scales: Float32Array;
}

/** Symmetric int8 per row: scale = max |row| / 127; a zero row keeps scale 0. */
export function quantizeRows(table: Float32Array, rows: number, dimensions: number): { values: Int8Array; scales: Float32Array } {
  const values = new Int8Array(rows * dimensions);
  const scales = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let maximum = 0;
    for (let d = 0; d < dimensions; d++) maximum = Math.max(maximum, Math.abs(table[row * dimensions + d]!));
    if (maximum === 0) continue;
    const scale = Math.fround(maximum / 127);
    scales[row] = scale;
    for (let d = 0; d < dimensions; d++) values[row * dimensions + d] = Math.max(-127, Math.min(127, Math.round(table[row * dimensions + d]! / scale)));
  }
  return { values, scales };
}

/** The float table a release stands for (int8 × scale). */
export function dequantizeRows(release: Pick<Release, 'values' | 'scales'>, dimensions: number): Float32Array {
  const table = new Float32Array(release.values.length);
  for (let index = 0; index < table.length; index++) table[index] = release.values[index]! * release.scales[Math.floor(index / dimensions)]!;
  return table;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (array: Int8Array | Float32Array) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

export function writeRelease(directory: string, release: Omit<Release, 'metadata'> & { metadata: Omit<ReleaseMetadata, 'files' | 'schemaVersion' | 'vocabularySize'> }): ReleaseMetadata {
  mkdirSync(directory, { recursive: true });
  const vocabularyText = `${release.vocabulary.tokens.join('\n')}\n`;
  const files = {
    'vocabulary.txt': new TextEncoder().encode(vocabularyText),
    'embeddings.int8': bytesOf(release.values),
    'scales.float32': bytesOf(release.scales),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(directory, name), bytes);
  const metadata: ReleaseMetadata = {
    schemaVersion: 1,
    ...release.metadata,
    vocabularySize: release.vocabulary.size,
    files: { 'vocabulary.txt': sha256(files['vocabulary.txt']), 'embeddings.int8': sha256(files['embeddings.int8']), 'scales.float32': sha256(files['scales.float32']) },
  };
  writeFileSync(path.join(directory, 'model.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  return metadata;
}

/** Reads a release and checks every file against the SHA-256 its model.json records. */
export function readRelease(directory: string): Release {
  const metadata = JSON.parse(readFileSync(path.join(directory, 'model.json'), 'utf8')) as ReleaseMetadata;
  if (metadata.schemaVersion !== 1) throw new Error(`${directory}/model.json: unknown schemaVersion ${metadata.schemaVersion}`);
  const read = (name: keyof ReleaseMetadata['files']) => {
    const bytes = readFileSync(path.join(directory, name));
    if (sha256(bytes) !== metadata.files[name]) throw new Error(`${directory}/${name} does not match the SHA-256 in model.json: the release is damaged; restore it from git.`);
    return bytes;
  };
  const tokens = read('vocabulary.txt').toString('utf8').replace(/\n$/, '').split('\n');
  const embeddings = read('embeddings.int8');
  const scaleBytes = read('scales.float32');
  const values = new Int8Array(embeddings.buffer.slice(embeddings.byteOffset, embeddings.byteOffset + embeddings.byteLength));
  const scales = new Float32Array(scaleBytes.buffer.slice(scaleBytes.byteOffset, scaleBytes.byteOffset + scaleBytes.byteLength));
  if (tokens.length !== metadata.vocabularySize || values.length !== metadata.vocabularySize * metadata.dimensions || scales.length !== metadata.vocabularySize) {
    throw new Error(`${directory}: file sizes do not match model.json (${metadata.vocabularySize} tokens × ${metadata.dimensions})`);
  }
  return { metadata, vocabulary: new Vocabulary(tokens), values, scales };
}
