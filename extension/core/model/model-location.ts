// Where the model a name selects is: one answer for the CLI (`--model NAME`), the editor's settings
// (`semanticSearch.model.name`) and the index worker, so "bge-small" means the same folder everywhere.
// No network: a Hub model not downloaded yet is reported as such; the caller downloads it (or says why not).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CATALOG, catalogEntry, resolveCatalogModel, type BundledCatalogEntry, type HubCatalogEntry } from './catalog.ts';
import type { Quantization } from './fingerprint.ts';
import { spaceDetails } from './space-details.ts';

/** The model weights used unless a setting or option names others: int8, a quarter of fp32's size, near its quality. */
export const DEFAULT_QUANTIZATION: Quantization = 'int8';

/** Where a catalog model is. */
export type CatalogModelLocation =
  | { kind: 'ready'; directory: string; entry: BundledCatalogEntry | HubCatalogEntry; /** The Hub repository of a downloaded model. */ modelId?: string }
  | { kind: 'needs-download'; entry: HubCatalogEntry; revision: string; quantization: Quantization }
  /** The name is no bundled or Hub model of the catalog (`custom`, a path, a typo). */
  | { kind: 'not-in-catalog' };

export interface ModelFolders {
  /** The folder of the offline models (`models/` of the checkout or the extension). */
  bundledModelsDirectory: string;
  /** Where Hub downloads are kept (they lie under its `models/`). */
  storageDirectory: string;
  /** Only a download holding these weights counts; default int8. */
  quantization?: Quantization;
  /** A branch, tag or commit; default (and when blank) the catalog's. */
  revision?: string;
}

/**
 * A catalog model named by its id (or its Hub repository): its bundled folder, its downloaded folder, or the
 * download it needs. A bundled folder is returned whether or not it exists yet (`npm run models` builds it).
 */
export function locateCatalogModel(name: string, folders: ModelFolders): CatalogModelLocation {
  const entry = catalogEntry(name);
  if (!entry || entry.kind === 'custom') return { kind: 'not-in-catalog' };
  if (entry.kind === 'bundled') return { kind: 'ready', directory: path.join(folders.bundledModelsDirectory, entry.id), entry };
  const quantization = folders.quantization ?? DEFAULT_QUANTIZATION;
  const revision = folders.revision?.trim() || entry.revision;
  const resolved = resolveCatalogModel(entry.id, folders.storageDirectory, { quantization, revision });
  if (resolved.kind !== 'hub') throw new TypeError(`catalog entry ${entry.id} did not resolve to a Hub model`);
  if (resolved.directory) return { kind: 'ready', directory: resolved.directory, modelId: entry.repo, entry };
  return { kind: 'needs-download', entry, revision, quantization };
}

/** The ids of the catalog's bundled and Hub models, for "choose one of …" messages. */
export function catalogModelIds(): string[] {
  return CATALOG.filter((entry) => entry.kind !== 'custom').map((entry) => entry.id);
}

/** The model folder and weights a vector space was built with (recorded in its details). */
export function spaceModel(space: { details: Record<string, unknown> }): { modelDirectory: string | undefined; quantization: Quantization | undefined } {
  const details = spaceDetails(space);
  return { modelDirectory: details.modelDirectory, quantization: details.quantization };
}

/**
 * The model an index's space was built with, when its folder is still there: what a command that names no
 * model loads, so its queries are embedded in the same vector space as the index.
 */
export function indexedModel(space: { details: Record<string, unknown> } | undefined): { modelDirectory: string; quantization: Quantization | undefined } | undefined {
  const model = space && spaceModel(space);
  return model?.modelDirectory && existsSync(model.modelDirectory) ? { modelDirectory: model.modelDirectory, quantization: model.quantization } : undefined;
}
