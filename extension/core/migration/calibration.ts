// Similarity thresholds calibrated per vector space. A cosine of 0.8 means "nearly the same" for one
// model and "vaguely related" for another, so no threshold is a constant: each is measured on the
// space's own vectors and saved with how it was made. See README.md in this folder for the definitions.
import { embeddingText, type EmbeddingTextInput } from '../chunking/embedding-text.ts';
import type { EmbeddingPurpose } from '../embedding/tokenization.ts';
import { lexicalWords } from '../text/analyzer.ts';
import type { Calibration, IndexStore, StoredChunk, VectorSpace } from '../store/index-store.ts';
import { CoreError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import { cosineSimilarity } from '../store/quantization.ts';

/** The thresholds a space has: `similar` (find similar shows a result) and `duplicate` (near-duplicates). */
export type ThresholdName = 'similar' | 'duplicate';

/** What calibration needs from a model: its fingerprint (to match the space) and document vectors. */
export interface CalibrationEmbedder {
  readonly info: { fingerprint: string };
  embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<{ vectors: Float32Array[] }>;
}

/** How unrelated pairs are drawn (shared by calibration and the migration report). */
export interface UnrelatedPairOptions {
  /** Stored vectors sampled from the space (spread over it). Default 400. */
  sampleVectors?: number;
  /** Pairs compared at most; beyond that a fixed pseudo-random subset of the pairs. Default 20 000. */
  maxPairs?: number;
  /** Pairs whose word sets overlap more than this (Jaccard) are near-copies, not unrelated. Default 0.5. */
  lexicalOverlapLimit?: number;
}

export interface CalibrationOptions extends UnrelatedPairOptions {
  /** The space's model, to embed perturbed copies of chunks (its fingerprint must be the space's). */
  embedder: CalibrationEmbedder;
  /** The text the space embedded for a chunk. Default `embeddingText`, what the indexer embeds. */
  textOf?: (chunk: EmbeddingTextInput) => string;
  /** Percentile of unrelated-pair similarities that `similar` is set to. Default 0.99. */
  similarPercentile?: number;
  /** Chunks perturbed to make known near-duplicate pairs. Default 64. */
  duplicateSamples?: number;
  /** Precision `duplicate` must reach against unrelated pairs. Default 0.95. */
  precisionTarget?: number;
  /** Assumed share of near-duplicates among the pairs a duplicate search looks at. Default 0.01. */
  duplicatePrior?: number;
  signal?: AbortSignal;
}

/** Unrelated pairs of a space and their cosine similarities. */
export interface UnrelatedPairs {
  /** Unrelated pairs in different files: what `similar` is calibrated on. */
  similarities: number[];
  /**
   * Unrelated pairs within one file (different, non-overlapping chunks, not pieces of one split chunk).
   * They share the `path:` line of the embedded text and so score higher; `duplicate` counts them as
   * negatives too, since a duplicate search looks at pairs within files as well.
   */
  sameFileSimilarities: number[];
  /** Distinct contents sampled (vectors with at least one chunk). */
  vectorsSampled: number;
  /** Pairs looked at before exclusions. */
  pairsConsidered: number;
  excluded: { overlapping: number; sameText: number; lexicallyClose: number };
}

/** What `calibrateThresholds` computed; the two calibrations are also saved in the store. */
export interface CalibrationResult {
  similar: Calibration;
  duplicate: Calibration;
  /** The distributions behind them, for histograms. */
  unrelated: number[];
  perturbed: number[];
}

/** A sampled content with what pair selection needs to know about it. */
interface SampledContent {
  contentHash: string;
  vector: Float32Array;
  chunk: StoredChunk;
  /** Every chunk with this content. */
  chunks: StoredChunk[];
  paths: Set<string>;
  normalizedText: string;
  words: Set<string>;
}

const DEFAULTS = {
  sampleVectors: 400,
  maxPairs: 20_000,
  lexicalOverlapLimit: 0.5,
  similarPercentile: 0.99,
  duplicateSamples: 64,
  precisionTarget: 0.95,
  duplicatePrior: 0.01,
};

/** Throws `model-mismatch` unless the embedder is the model that made the space's vectors. */
export function requireSpaceModel(space: VectorSpace, embedder: { info: { fingerprint: string } }): void {
  if (embedder.info.fingerprint !== space.modelFingerprint) {
    throw new CoreError('calibration', 
      'model-mismatch',
      `Space ${space.id} was made by ${space.modelId} (${space.modelFingerprint.slice(0, 12)}), not by the loaded model (${embedder.info.fingerprint.slice(0, 12)}). Load ${space.modelId} with the settings that built the space.`,
    );
  }
}


/** The value below which `fraction` of sorted values lie, interpolating between neighbours. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = Math.min(Math.max(fraction, 0), 1) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}


function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return shared / (a.size + b.size - shared);
}

function sampleContents(store: IndexStore, space: VectorSpace, limit: number): SampledContent[] {
  const sample = store.sampleVectors(space, limit);
  const chunks = store.chunksByContentHash(space.chunker, sample.map((entry) => entry.contentHash));
  return sample.flatMap(({ contentHash, vector }) => {
    const located = chunks.get(contentHash) ?? [];
    const first = located[0];
    if (!first) return [];
    return [{
      contentHash,
      vector,
      chunk: first,
      chunks: located,
      paths: new Set(located.map((chunk) => chunk.path)),
      normalizedText: first.text.replace(/\s+/g, ' ').trim(),
      words: new Set(lexicalWords(first.text)),
    }];
  });
}

/** Index pairs (i < j) of n items: all of them, or `maxPairs` distinct ones drawn with a fixed seed. */
function pairIndices(count: number, maxPairs: number): [number, number][] {
  const total = (count * (count - 1)) / 2;
  const pairs: [number, number][] = [];
  if (total <= maxPairs) {
    for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) pairs.push([i, j]);
    return pairs;
  }
  const random = seededRandom(count * 7919 + maxPairs);
  const seen = new Set<number>();
  while (pairs.length < maxPairs) {
    const i = Math.floor(random() * count);
    const j = Math.floor(random() * count);
    if (i === j) continue;
    const [low, high] = i < j ? [i, j] : [j, i];
    const key = low * count + high;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([low, high]);
  }
  return pairs;
}

/** Whether two chunks are one text seen twice: overlapping lines of one file, or pieces of one split chunk. */
function sameText(a: StoredChunk, b: StoredChunk): boolean {
  if (a.path !== b.path) return false;
  if (a.startLine <= b.endLine && b.startLine <= a.endLine) return true;
  return a.part !== undefined && b.part !== undefined && a.symbol === b.symbol && a.signature === b.signature && a.part.count === b.part.count;
}

function unrelatedFrom(contents: readonly SampledContent[], options: UnrelatedPairOptions): UnrelatedPairs {
  const limit = options.lexicalOverlapLimit ?? DEFAULTS.lexicalOverlapLimit;
  const pairs = pairIndices(contents.length, options.maxPairs ?? DEFAULTS.maxPairs);
  const excluded = { overlapping: 0, sameText: 0, lexicallyClose: 0 };
  const similarities: number[] = [];
  const sameFileSimilarities: number[] = [];
  for (const [i, j] of pairs) {
    const a = contents[i]!;
    const b = contents[j]!;
    if (a.chunks.some((first) => b.chunks.some((second) => sameText(first, second)))) excluded.overlapping += 1;
    else if (a.normalizedText === b.normalizedText) excluded.sameText += 1;
    else if (jaccard(a.words, b.words) > limit) excluded.lexicallyClose += 1;
    else if ([...a.paths].some((path) => b.paths.has(path))) sameFileSimilarities.push(cosineSimilarity(a.vector, b.vector));
    else similarities.push(cosineSimilarity(a.vector, b.vector));
  }
  return { similarities, sameFileSimilarities, vectorsSampled: contents.length, pairsConsidered: pairs.length, excluded };
}

/**
 * Cosine similarities of unrelated pairs of a space's stored vectors. Unrelated means: the two
 * contents are in no common file, their texts differ (whitespace aside), and their identifier-split
 * word sets overlap by at most `lexicalOverlapLimit` (Jaccard), so copies with small edits are left out.
 */
export function unrelatedPairSimilarities(store: IndexStore, space: VectorSpace, options: UnrelatedPairOptions = {}): UnrelatedPairs {
  return unrelatedFrom(sampleContents(store, space, options.sampleVectors ?? DEFAULTS.sampleVectors), options);
}

const KEYWORDS = new Set(
  `abstract and as async await bool boolean break byte case catch chan char class const continue def default defer del do double elif else enum
  except export extends false final finally float fn for from func function go if impl implements import in instanceof int interface is
  lambda let long loop map match mod module mut new nil none not null of or package pass private protected pub public raise range readonly
  return self select short static str string struct super switch this throw throws trait true try type typeof undefined use var void where
  while with yield`.split(/\s+/),
);

/** A new name in the identifier's own style: `total` → `totalValue`, `max_size` → `max_size_item`. */
function renamed(identifier: string, turn: number): string {
  const suffix = ['value', 'item', 'data', 'info'][turn % 4]!;
  return identifier.includes('_') ? `${identifier}_${suffix}` : `${identifier}${suffix[0]!.toUpperCase()}${suffix.slice(1)}`;
}

/**
 * A lightly edited copy of a chunk's code, as a developer's copy-and-adapt would make it: identifiers
 * used at least twice (locals, parameters) and the chunk's own name renamed consistently (member
 * accesses after `.` untouched), indentation halved, blank lines dropped, and whole-line `//` or `# `
 * comments inside the body dropped (the leading doc comment stays). Undefined when nothing changed.
 */
export function perturbCode(text: string, symbol?: string): string | undefined {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/(?<![.\w$])[A-Za-z_][A-Za-z0-9_]*/g)) {
    const word = match[0];
    if (word.length < 2 || KEYWORDS.has(word.toLowerCase())) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const renames = new Map<string, string>();
  for (const [word, count] of counts) if (count >= 2 || word === symbol) renames.set(word, renamed(word, renames.size));
  const lines = text.split('\n');
  let inLeadingComment = true;
  const edited: string[] = [];
  for (const line of lines) {
    const trimmed = line.trim();
    const isComment = /^(\/\/|\/\*|\*|#\s|#$|"""|''')/.test(trimmed);
    if (!isComment && trimmed !== '') inLeadingComment = false;
    if (trimmed === '') continue;
    if (!inLeadingComment && /^(\/\/|#\s|#$)/.test(trimmed)) continue;
    const indented = line.replace(/^[ \t]+/, (indent) => ' '.repeat(Math.ceil(indent.replace(/\t/g, '    ').length / 2)));
    edited.push(indented.replace(/(?<![.\w$])[A-Za-z_][A-Za-z0-9_]*/g, (word) => renames.get(word) ?? word));
  }
  const result = edited.join('\n');
  return result === text ? undefined : result;
}

function distributionSummary(sorted: readonly number[]): Record<string, number> {
  if (sorted.length === 0) return {};
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return {
    min: round(sorted[0]!),
    p05: round(percentile(sorted, 0.05)),
    p25: round(percentile(sorted, 0.25)),
    p50: round(percentile(sorted, 0.5)),
    p75: round(percentile(sorted, 0.75)),
    p90: round(percentile(sorted, 0.9)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1)!),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
  };
}

/** Share of sorted values at or above a threshold. */
function shareAtOrAbove(sorted: readonly number[], threshold: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < threshold) low = middle + 1;
    else high = middle;
  }
  return sorted.length === 0 ? 0 : (sorted.length - low) / sorted.length;
}

/**
 * The lowest threshold (taken among the perturbed-pair similarities, so recall is as high as it can
 * be) whose estimated precision reaches the target:
 * precision(t) = π·TPR(t) / (π·TPR(t) + (1 − π)·FPR(t)), TPR over perturbed pairs, FPR over unrelated
 * ones (across and within files).
 */
function duplicateThreshold(perturbed: readonly number[], unrelated: readonly number[], target: number, prior: number) {
  let best: { value: number; truePositiveRate: number; falsePositiveRate: number; precision: number } | undefined;
  for (const value of [...new Set(perturbed)].sort((a, b) => a - b)) {
    const truePositiveRate = shareAtOrAbove(perturbed, value);
    const falsePositiveRate = shareAtOrAbove(unrelated, value);
    const precision = (prior * truePositiveRate) / (prior * truePositiveRate + (1 - prior) * falsePositiveRate);
    const candidate = { value, truePositiveRate, falsePositiveRate, precision };
    if (precision >= target) return { ...candidate, met: true };
    if (!best || precision > best.precision) best = candidate;
  }
  return best ? { ...best, met: false } : undefined;
}

/**
 * Calibrates and saves the `similar` and `duplicate` thresholds of a space (see README.md):
 * - `similar`: the `similarPercentile` of the similarities of unrelated pairs of stored vectors;
 * - `duplicate`: the lowest similarity at which perturbed copies of sampled chunks (embedded with the
 *   space's model) are told from unrelated pairs with the target precision.
 */
export async function calibrateThresholds(store: IndexStore, space: VectorSpace, options: CalibrationOptions): Promise<CalibrationResult> {
  requireSpaceModel(space, options.embedder);
  const settings = {
    sampleVectors: options.sampleVectors ?? DEFAULTS.sampleVectors,
    maxPairs: options.maxPairs ?? DEFAULTS.maxPairs,
    lexicalOverlapLimit: options.lexicalOverlapLimit ?? DEFAULTS.lexicalOverlapLimit,
    similarPercentile: options.similarPercentile ?? DEFAULTS.similarPercentile,
    duplicateSamples: options.duplicateSamples ?? DEFAULTS.duplicateSamples,
    precisionTarget: options.precisionTarget ?? DEFAULTS.precisionTarget,
    duplicatePrior: options.duplicatePrior ?? DEFAULTS.duplicatePrior,
  };
  const textOf = options.textOf ?? embeddingText;
  const contents = sampleContents(store, space, settings.sampleVectors);
  const unrelatedPairs = unrelatedFrom(contents, settings);
  if (unrelatedPairs.similarities.length < 10) {
    throw new CoreError('calibration', 
      'too-few-vectors',
      `Space ${space.id} (${space.modelId}) has ${unrelatedPairs.similarities.length} unrelated pairs among ${contents.length} sampled vectors; at least 10 are needed. Index more files (or finish indexing) and calibrate again.`,
    );
  }
  const unrelated = [...unrelatedPairs.similarities].sort((a, b) => a - b);
  const similarValue = percentile(unrelated, settings.similarPercentile);
  const sameFile = [...unrelatedPairs.sameFileSimilarities].sort((a, b) => a - b);
  const negatives = [...unrelated, ...sameFile].sort((a, b) => a - b);
  const unrelatedDetails = {
    definition: 'pairs of sampled stored vectors in no common file, with different texts, whose word sets overlap (Jaccard) by at most lexicalOverlapLimit',
    vectorsSampled: unrelatedPairs.vectorsSampled,
    pairsConsidered: unrelatedPairs.pairsConsidered,
    pairs: unrelated.length,
    excluded: unrelatedPairs.excluded,
    lexicalOverlapLimit: settings.lexicalOverlapLimit,
    similarities: distributionSummary(unrelated),
  };
  const sameFileDetails = {
    definition: 'the same, but within one file: different chunks whose lines do not overlap and that are not pieces of one split chunk',
    pairs: sameFile.length,
    similarities: distributionSummary(sameFile),
  };

  // Known near-duplicates without labels: a chunk's stored vector against its perturbed copy. Every
  // other copy stays in its file, the rest move to another sampled chunk's path, as copies do.
  const candidates = contents.filter((content) => content.chunk.text.split('\n').length >= 3);
  const step = Math.max(1, Math.floor(candidates.length / settings.duplicateSamples));
  const originals: SampledContent[] = [];
  const copies: string[] = [];
  let unchanged = 0;
  for (let index = 0; index < candidates.length && originals.length < settings.duplicateSamples; index += step) {
    const content = candidates[index]!;
    const edited = perturbCode(content.chunk.text, content.chunk.symbol);
    if (edited === undefined) {
      unchanged += 1;
      continue;
    }
    const elsewhere = candidates[(index + step) % candidates.length]!.chunk.path;
    const path = originals.length % 2 === 0 ? content.chunk.path : elsewhere === content.chunk.path ? `copy/${elsewhere}` : elsewhere;
    originals.push(content);
    copies.push(textOf({ ...content.chunk, path, text: edited }));
  }
  options.signal?.throwIfAborted();
  const copyVectors = copies.length > 0 ? (await options.embedder.embed(copies, 'document', options.signal)).vectors : [];
  const perturbed = originals.map((content, index) => cosineSimilarity(content.vector, copyVectors[index]!)).sort((a, b) => a - b);
  const chosen = duplicateThreshold(perturbed, negatives, settings.precisionTarget, settings.duplicatePrior);
  if (!chosen) {
    throw new CoreError('calibration', 
      'too-few-vectors',
      `Space ${space.id} (${space.modelId}) has no chunk of 3 lines or more with identifiers or indentation to perturb, so near-duplicates cannot be calibrated. Index more code and calibrate again.`,
    );
  }

  const similarDetails = {
    method: `percentile ${settings.similarPercentile} of the cosine similarities of unrelated pairs`,
    percentile: settings.similarPercentile,
    modelId: space.modelId,
    unrelated: unrelatedDetails,
  };
  const duplicateDetails = {
    method: 'lowest similarity between a chunk and its perturbed copy at which estimated precision against unrelated pairs (across and within files) reaches the target',
    modelId: space.modelId,
    perturbation: 'identifiers used twice or more and the chunk name renamed (suffix), indentation halved, blank lines and in-body line comments dropped; every other copy placed at another path',
    precisionTarget: settings.precisionTarget,
    prior: settings.duplicatePrior,
    targetMet: chosen.met,
    precision: Math.round(chosen.precision * 10_000) / 10_000,
    recall: Math.round(chosen.truePositiveRate * 10_000) / 10_000,
    falsePositiveRate: chosen.falsePositiveRate,
    perturbedPairs: perturbed.length,
    skippedUnchanged: unchanged,
    perturbedSimilarities: distributionSummary(perturbed),
    unrelated: unrelatedDetails,
    unrelatedWithinFiles: sameFileDetails,
  };
  store.saveCalibration(space.id, 'similar', similarValue, similarDetails);
  store.saveCalibration(space.id, 'duplicate', chosen.value, duplicateDetails);
  return {
    similar: store.calibration(space.id, 'similar')!,
    duplicate: store.calibration(space.id, 'duplicate')!,
    unrelated,
    perturbed,
  };
}

/** The saved calibration of a threshold; throws `not-calibrated` (with the next step) when there is none. */
export function calibrationFor(store: IndexStore, space: VectorSpace, name: ThresholdName): Calibration {
  const calibration = store.calibration(space.id, name);
  if (!calibration) {
    throw new CoreError('calibration', 
      'not-calibrated',
      `The '${name}' threshold of space ${space.id} (${space.modelId}) is not calibrated yet. Run calibrateThresholds on the space (it needs its model loaded) once the space is indexed.`,
    );
  }
  return calibration;
}

/** The calibrated value of a threshold; throws `not-calibrated` (with the next step) when there is none. */
export function thresholdFor(store: IndexStore, space: VectorSpace, name: ThresholdName): number {
  return calibrationFor(store, space, name).value;
}
