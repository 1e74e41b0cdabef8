// The models that can be evaluated without a download: the offline models that ship with the
// extension, catalog models downloaded earlier into the model storage folder, a configured model
// folder, and the model that built the index. Reads the disk only; never touches the network.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CATALOG } from '../model/catalog.ts';
import { findDownload } from '../model/download.ts';
import type { Quantization } from '../model/fingerprint.ts';
import { loadManifest } from '../model/manifest.ts';
import { ONNX_FILES } from '../model/onnx-files.ts';
import type { InstalledModel } from './types.ts';

/** Where `installedModels` looks. */
export interface InstalledModelsOptions {
  /** The folder holding the offline models (`models/` of the extension or the repository); none when undefined. */
  bundledModelsDirectory?: string;
  /** The folder Hub downloads are kept under (`{storage}/models/{owner}--{name}/{commit}`); none when undefined. */
  storageDirectory?: string;
  /** A model folder the settings name (`semanticSearch.model.path`). */
  customDirectory?: string;
  /** The quantization preferred where a model has both (default int8, the settings' default). */
  quantization?: Quantization;
  /** The model that built the index: listed (with its quantization) even when it is none of the above. */
  current?: { directory: string; quantization: Quantization | undefined };
}

/** Whether a folder holds an ONNX graph of the quantization (the names the runtime looks for). */
function hasOnnx(directory: string, quantization: Quantization): boolean {
  return ONNX_FILES[quantization].some((name) => existsSync(path.join(directory, name)));
}

/** The quantization to load a folder with: the preferred one when its file is there, else the other. */
function availableQuantization(directory: string, preferred: Quantization): Quantization | undefined {
  if (hasOnnx(directory, preferred)) return preferred;
  const other: Quantization = preferred === 'int8' ? 'fp32' : 'int8';
  return hasOnnx(directory, other) ? other : undefined;
}

function sameDirectory(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}

/** A folder's display name: its manifest's, or the folder's name when it has none that loads. */
function folderDisplayName(directory: string): string {
  try {
    return loadManifest(directory).manifest.displayName;
  } catch {
    return path.basename(directory);
  }
}

/**
 * Every model that loads without a download, in catalog order (bundled, then downloaded Hub models),
 * then the configured folder and the index's own model when they are neither. The index's model is
 * listed with the quantization it was built with, so its figures are those of the vectors searched now.
 */
export function installedModels(options: InstalledModelsOptions): InstalledModel[] {
  const preferred = options.quantization ?? 'int8';
  const models: InstalledModel[] = [];
  const quantizationFor = (directory: string): Quantization | undefined =>
    options.current && sameDirectory(options.current.directory, directory) && options.current.quantization && hasOnnx(directory, options.current.quantization)
      ? options.current.quantization
      : availableQuantization(directory, preferred);
  for (const entry of CATALOG) {
    if (entry.kind === 'bundled' && options.bundledModelsDirectory) {
      const directory = path.join(options.bundledModelsDirectory, entry.id);
      const quantization = existsSync(directory) ? quantizationFor(directory) : undefined;
      if (quantization) models.push({ name: entry.id, displayName: entry.displayName, directory, quantization, source: 'bundled' });
    } else if (entry.kind === 'hub' && options.storageDirectory) {
      const found = findDownload(options.storageDirectory, entry.repo, entry.revision, []);
      const quantization = found && quantizationFor(found.directory);
      if (found && quantization) models.push({ name: entry.id, displayName: entry.displayName, directory: found.directory, modelId: entry.repo, quantization, source: 'hub' });
    }
  }
  for (const directory of [options.customDirectory, options.current?.directory]) {
    if (!directory || !existsSync(directory) || models.some((model) => sameDirectory(model.directory, directory))) continue;
    const quantization = quantizationFor(directory);
    if (quantization) models.push({ name: path.resolve(directory), displayName: folderDisplayName(directory), directory: path.resolve(directory), quantization, source: 'folder' });
  }
  return models;
}
