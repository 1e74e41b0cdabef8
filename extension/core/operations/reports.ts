// The report operations over one folder's index that both front ends run (`semsearch tradeoffs` and
// `semsearch evaluate`; the editor's Compare Storage Options and Which Model Suits My Code?): what they
// need from the index is gathered here once, so the CLI and the worker ask the same question the same way.
import { installedModels, type InstalledModelsOptions } from '../evaluation/installed-models.ts';
import type { InstalledModel } from '../evaluation/types.ts';
import { spaceModel } from '../model/model-location.ts';
import type { EmbeddingRuntime } from '../embedding/runtime.ts';
import type { IndexStore } from '../store/index-store.ts';
import { compareStorageOptions, type CompareOptions } from '../tradeoffs/compare.ts';
import type { TradeoffReport } from '../tradeoffs/types.ts';

/**
 * Measures every storage option of the index's active space on its own vectors and doc comments (see
 * `compareStorageOptions`), with the queries embedded by `embedder`, the model of the active space.
 */
export function compareStorage(options: Omit<CompareOptions, 'model' | 'embedder'> & { embedder: Pick<EmbeddingRuntime, 'info' | 'embed'> }): Promise<TradeoffReport> {
  const manifest = options.embedder.info.manifest;
  return compareStorageOptions({
    ...options,
    model: { id: manifest.id, dimensions: manifest.dimensions, matryoshka: manifest.matryoshka, matryoshkaDimensions: manifest.matryoshkaDimensions },
  });
}

/**
 * The models "which model suits my code?" can judge on this index without a download: those installed where
 * `locations` say, and the model that built the index (marked current) even when it lies elsewhere.
 */
export function evaluationCandidates(store: IndexStore, locations: Omit<InstalledModelsOptions, 'current'>): InstalledModel[] {
  const active = store.activeSpace();
  const model = active ? spaceModel(active) : undefined;
  return installedModels({ ...locations, current: model?.modelDirectory ? { directory: model.modelDirectory, quantization: model.quantization } : undefined });
}
