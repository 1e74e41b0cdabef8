// Reports on a folder's index: calibrated thresholds, duplicate code, the storage options compared, and the
// installed models judged on the folder's own code.
import path from 'node:path';
import { CoreError, isCoreError } from '../errors.ts';
import type { InstalledModelsOptions } from '../evaluation/installed-models.ts';
import { evaluateModels as evaluate, type EvaluationProgress, type ModelEvaluationReport } from '../evaluation/model-evaluation.ts';
import { calibrateThresholds, type ThresholdName } from '../migration/calibration.ts';
import { findDuplicates, type DuplicatesResult } from '../migration/find-duplicates.ts';
import { compareStorage, evaluationCandidates } from '../operations/reports.ts';
import type { TradeoffReport } from '../tradeoffs/types.ts';
import { loadModel, type ServiceCore } from './service-core.ts';

/**
 * The calibrated value of a threshold in the active index of a folder, calibrating it first when
 * it never was (the first find-similar or duplicate search after an index is built).
 */
export async function calibratedThreshold(core: ServiceCore, key: string, name: ThresholdName, signal?: AbortSignal): Promise<number | undefined> {
  const entry = core.folders.get(key);
  const index = entry && (await core.openFolder(entry).catch(() => undefined));
  const space = index?.store.activeSpace();
  if (!index || !space) return undefined;
  const saved = index.store.calibration(space.id, name);
  if (saved) return saved.value;
  const embedder = await core.servingEmbedder(space.modelFingerprint);
  if (!embedder) return undefined;
  try {
    const result = await calibrateThresholds(index.store, space, { embedder, signal });
    return result[name].value;
  } catch (error) {
    // Too small an index has no meaningful threshold: the feature then shows unfiltered results.
    if (isCoreError(error, 'calibration')) {
      core.events.log('info', `${entry.spec.name}: ${error.message}`);
      return undefined;
    }
    throw error;
  }
}

/** Exact and near-duplicate code in each folder's active index, at the index's calibrated `duplicate` threshold. */
export async function duplicates(core: ServiceCore, options: { keys?: readonly string[]; signal?: AbortSignal; onProgress?: (examined: number, total: number) => void } = {}): Promise<{ folder: string; name: string; result: DuplicatesResult | undefined; problem: string | undefined }[]> {
  const results: { folder: string; name: string; result: DuplicatesResult | undefined; problem: string | undefined }[] = [];
  for (const entry of core.entries(options.keys)) {
    const index = await core.openFolder(entry).catch(() => undefined);
    const space = index?.store.activeSpace();
    if (!index || !space) {
      results.push({ folder: entry.spec.key, name: entry.spec.name, result: undefined, problem: 'not indexed yet' });
      continue;
    }
    const threshold = await calibratedThreshold(core, entry.spec.key, 'duplicate', options.signal);
    if (threshold === undefined) {
      results.push({ folder: entry.spec.key, name: entry.spec.name, result: undefined, problem: 'too little code is indexed to calibrate what counts as a duplicate' });
      continue;
    }
    const result = await findDuplicates(index.store, space, { threshold, signal: options.signal, onProgress: (progress) => options.onProgress?.(progress.examined, progress.total) });
    results.push({ folder: entry.spec.key, name: entry.spec.name, result, problem: undefined });
  }
  return results;
}

/**
 * Measures every storage option of a folder's active index (the first folder when none is named)
 * on its own vectors and doc comments, and recommends one. Waits for a running index run first, so
 * the spaces it builds for measuring are not collected under it.
 */
export async function tradeoffs(core: ServiceCore, options: { key?: string; signal?: AbortSignal; onProgress?: (done: number, total: number, message: string) => void } = {}): Promise<{ folder: string; name: string; report: TradeoffReport }> {
  const entry = options.key ? core.folders.get(options.key) : [...core.folders.values()][0];
  if (!entry) throw new CoreError('migration', 'no-folder', 'Open a folder to compare storage options on its index.');
  await entry.run?.done;
  const index = await core.openFolder(entry);
  const active = index.store.activeSpace();
  if (!active) throw new CoreError('migration', 'no-index', `${entry.spec.name} has no index yet: index it, then compare storage options.`);
  const embedder = await core.servingEmbedder(active.modelFingerprint);
  if (!embedder) throw new CoreError('migration', 'model-not-loaded', `The model of ${entry.spec.name}'s index (${active.modelId}) cannot be loaded to embed the queries.`);
  const report = await compareStorage({ store: index.store, embedder, recentQueries: core.recentQueries, signal: options.signal, onProgress: options.onProgress });
  return { folder: entry.spec.key, name: entry.spec.name, report };
}

/** What `evaluateModels` is asked: the folder (the first when none is named), where the installed models are, and the pool's size. */
export interface ModelEvaluationOptions {
  key?: string;
  /** Where installed models are (the index's own model is added from its space). */
  locations: Omit<InstalledModelsOptions, 'current'>;
  queries?: number;
  distractors?: number;
  signal?: AbortSignal;
  onProgress?: (progress: EvaluationProgress) => void;
}

/**
 * Judges every installed model (and its storage options) on a folder's own documented code (the
 * first folder when none is named). Models load one at a time beside the indexer's, which is reused
 * for its own folder; nothing is downloaded. Waits for a running index run first, so the pool is
 * drawn from a settled index.
 */
export async function evaluateModels(core: ServiceCore, options: ModelEvaluationOptions): Promise<{ folder: string; name: string; report: ModelEvaluationReport }> {
  const entry = options.key ? core.folders.get(options.key) : [...core.folders.values()][0];
  if (!entry) throw new CoreError('migration', 'no-folder', 'Open a folder to find the model that suits its code.');
  await entry.run?.done;
  const index = await core.openFolder(entry);
  const settings = core.requireSettings();
  const models = evaluationCandidates(index.store, options.locations);
  const shared = core.runtime;
  const report = await evaluate({
    store: index.store,
    models,
    loadModel: async (candidate) => {
      // The indexer's own model is already loaded: lend it, and leave it running afterwards.
      if (shared && path.resolve(shared.info.modelDirectory) === path.resolve(candidate.directory) && shared.info.quantization === candidate.quantization) {
        return { info: shared.info, embed: (texts, purpose, signal) => shared.embed(texts, purpose, signal), dispose: async () => undefined };
      }
      return loadModel(settings, { modelDirectory: candidate.directory, modelId: candidate.modelId, quantization: candidate.quantization }, core.events);
    },
    queries: options.queries,
    distractors: options.distractors,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return { folder: entry.spec.key, name: entry.spec.name, report };
}
