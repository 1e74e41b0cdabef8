// Canary texts: a fixed set embedded once per model fingerprint and re-embedded at start-up. A model
// whose files are byte-for-byte the same can still produce other vectors (a new onnxruntime, another
// execution provider); and files replaced under the same model name produce a new fingerprint whose
// vectors may or may not differ. Comparing canaries measures both, so a drift is seen, not guessed.
import { createHash } from 'node:crypto';
import type { IndexStore } from '../store/index-store.ts';
import type { EmbeddingPurpose } from '../embedding/tokenization.ts';
import { cosineSimilarity } from '../store/quantization.ts';

/** Fixed texts: code in several languages, prose, a query. Changing them changes `CANARY_TEXTS_HASH`. */
export const CANARY_TEXTS: readonly string[] = [
  'function parseHeader(line) { return line.split(":").map((part) => part.trim()); }',
  'def read_config(path):\n    with open(path) as handle:\n        return json.load(handle)',
  'func SortUsersByAge(users []User) { sort.Slice(users, func(i, j int) bool { return users[i].Age < users[j].Age }) }',
  'public class OrderRepository { public Order findById(long id) { return orders.get(id); } }',
  'fn discount(price: u64, percent: u8) -> u64 { price * (100 - percent as u64) / 100 }',
  '## Installation\n\nInstall the package with npm and import it in your project.',
  'Retries a failed network request with exponential backoff and jitter.',
  'how do I connect to the database',
  'SELECT name, email FROM users WHERE created_at > now() - interval \'7 days\';',
  'The weather forecast says it will rain tomorrow afternoon.',
];

export const CANARY_TEXTS_HASH = createHash('sha256').update(JSON.stringify(CANARY_TEXTS)).digest('hex').slice(0, 16);

/** Lowest acceptable cosine between a canary's stored and fresh vector. int8 models vary ~0.001 with batch composition. */
export const CANARY_TOLERANCE = 0.995;

export interface CanaryEmbedder {
  readonly info: { fingerprint: string };
  embed(texts: readonly string[], purpose: EmbeddingPurpose, signal?: AbortSignal): Promise<{ vectors: Float32Array[] }>;
}

export type CanaryCheck =
  /** First time this fingerprint is seen: its canaries were stored. */
  | { status: 'recorded' }
  /** Fresh vectors match the stored ones. */
  | { status: 'stable'; minimumCosine: number }
  /** Same fingerprint, other vectors: the runtime changed what the model computes. */
  | { status: 'drifted'; minimumCosine: number };

/** The lowest cosine between two lists of canary vectors of the same dimensions (NaN when they differ). */
export function minimumCosine(stored: readonly Float32Array[], fresh: readonly Float32Array[]): number {
  if (stored.length !== fresh.length || stored.some((vector, index) => vector.length !== fresh[index]!.length)) return Number.NaN;
  return Math.min(...stored.map((vector, index) => cosineSimilarity(vector, fresh[index]!)));
}

/** Embeds the canaries with the model and compares them with what was stored for its fingerprint. */
export async function checkCanaries(store: IndexStore, embedder: CanaryEmbedder, signal?: AbortSignal): Promise<CanaryCheck> {
  const { vectors } = await embedder.embed(CANARY_TEXTS, 'document', signal);
  const stored = store.canaries(embedder.info.fingerprint);
  if (!stored || stored.textsHash !== CANARY_TEXTS_HASH) {
    store.saveCanaries(embedder.info.fingerprint, CANARY_TEXTS_HASH, vectors);
    return { status: 'recorded' };
  }
  const lowest = minimumCosine(stored.vectors, vectors);
  return lowest >= CANARY_TOLERANCE ? { status: 'stable', minimumCosine: lowest } : { status: 'drifted', minimumCosine: lowest };
}

/**
 * How far two fingerprints' canaries are apart (e.g. an old and a new copy of a model under one
 * name), or undefined when either was never recorded or their dimensions differ.
 */
export function canaryDrift(store: IndexStore, fromFingerprint: string, toFingerprint: string): number | undefined {
  const from = store.canaries(fromFingerprint);
  const to = store.canaries(toFingerprint);
  if (!from || !to || from.textsHash !== to.textsHash) return undefined;
  const lowest = minimumCosine(from.vectors, to.vectors);
  return Number.isNaN(lowest) ? undefined : 1 - lowest;
}
