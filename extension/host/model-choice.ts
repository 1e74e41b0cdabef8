// Which model folder the settings select: a bundled model, a model folder on disk, or a catalog
// model from the Hugging Face Hub that is downloaded (or still needs downloading) in the extension's
// storage. Free of the vscode module, so it is tested in plain Node.
import path from 'node:path';
import { CATALOG, catalogEntry, type CatalogEntry, type HubCatalogEntry } from '../core/model/catalog.ts';
import { DEFAULT_QUANTIZATION, locateCatalogModel } from '../core/model/model-location.ts';
import { DEFAULT_ENDPOINT, OFFLINE_SETTING, type DownloadProgress } from '../core/model/download.ts';
import type { Quantization } from '../core/model/fingerprint.ts';
import type { InstalledModelsOptions } from '../core/evaluation/installed-models.ts';

/** The offline models that ship with the extension. */
export const BUNDLED_MODELS = CATALOG.filter((entry) => entry.kind === 'bundled').map((entry) => entry.id);

/** The setting that names the model; "Pick Another Model" opens the settings there. */
export const MODEL_NAME_SETTING = 'semanticSearch.model.name';

/** The model settings this needs (the Hub ones may be left out: quantization int8, online, the Hub, the catalog's revision). */
export interface ModelSettings {
  name: string;
  path: string;
  pathFromWorkspace: boolean;
  quantization?: Quantization;
  offline?: boolean;
  hubEndpoint?: string;
  /** A branch, tag or commit; empty for the catalog's. */
  revision?: string;
}

/** Where the models are: the extension's own folder, and its global storage (Hub downloads under `models/`). */
export interface ModelLocations {
  extensionPath: string;
  /** The extension's global storage; without it no Hub model can be used. */
  storageDirectory?: string;
  /** Whether the workspace is trusted (a workspace's model folder is not loaded otherwise). */
  trusted: boolean;
}

/** What the settings select. */
export type ModelChoice =
  | {
      kind: 'ready';
      directory: string;
      /** The Hub repository, for a downloaded model. */
      modelId?: string;
      /** The catalog entry; undefined for a custom folder. */
      entry?: CatalogEntry;
    }
  | {
      kind: 'needs-download';
      entry: HubCatalogEntry;
      /** The revision to download (the setting, or the catalog's). */
      revision: string;
      quantization: Quantization;
      /** The endpoint, without a trailing slash. */
      endpoint: string;
      /** Its host, for the question "Download … from huggingface.co?". */
      host: string;
      storageDirectory: string;
      /** What the download will roughly weigh (all files; less when an earlier download of the revision is completed). */
      approximateBytes: number;
    }
  | { kind: 'problem'; problem: string };

/** The model the settings select, without touching the network. */
export function chooseModel(settings: { model: ModelSettings }, locations: ModelLocations): ModelChoice {
  const model = settings.model;
  if (model.name === 'custom') {
    // VS Code already hides a restricted setting's workspace value in an untrusted workspace; saying so
    // explains why the configured folder is not used.
    if (model.pathFromWorkspace && !locations.trusted) {
      return { kind: 'problem', problem: 'This workspace is not trusted, so the model folder its settings name (semanticSearch.model.path) is not loaded. Trust the workspace, or set the model in your user settings.' };
    }
    if (!model.path) return { kind: 'problem', problem: 'The model is set to "custom" but semanticSearch.model.path is empty. Set it to a Hugging Face model folder.' };
    return { kind: 'ready', directory: model.path };
  }
  // Only catalog ids (or their Hub repositories): a path here would bypass the trust rule on model.path.
  const entry = catalogEntry(model.name);
  if (!entry || entry.kind === 'custom') {
    return { kind: 'problem', problem: `Unknown model "${model.name}". Choose one of ${CATALOG.map((candidate) => candidate.id).join(', ')} in ${MODEL_NAME_SETTING}.` };
  }
  if (entry.kind === 'hub' && !locations.storageDirectory) return { kind: 'problem', problem: `${entry.displayName} must be downloaded, and the extension has no storage folder to keep it in. Pick a bundled model.` };
  const location = locateCatalogModel(entry.id, {
    bundledModelsDirectory: path.join(locations.extensionPath, 'models'),
    // Read for Hub models only, and those returned above without one.
    storageDirectory: locations.storageDirectory ?? '',
    quantization: model.quantization,
    revision: model.revision,
  });
  if (location.kind === 'ready') return location.modelId ? { kind: 'ready', directory: location.directory, modelId: location.modelId, entry } : { kind: 'ready', directory: location.directory, entry };
  if (location.kind !== 'needs-download') throw new TypeError(`catalog entry ${entry.id} was not found in the catalog`);
  const { quantization, revision } = location;
  const approximateBytes = location.entry.approximateBytes[quantization];
  if (model.offline) {
    return { kind: 'problem', problem: `${entry.displayName} is not downloaded and ${OFFLINE_SETTING} forbids downloads. Turn it off, or pick an offline model.` };
  }
  const endpoint = checkEndpoint(model.hubEndpoint?.trim() || DEFAULT_ENDPOINT);
  if ('problem' in endpoint) return { kind: 'problem', problem: endpoint.problem };
  return { kind: 'needs-download', entry: location.entry, revision, quantization, endpoint: endpoint.url, host: endpoint.host, storageDirectory: locations.storageDirectory!, approximateBytes };
}

/** The model folder the settings select, or why none can be used now (a Hub model not yet downloaded included). */
export function resolveModelDirectory(settings: { model: ModelSettings }, extensionPath: string, trusted: boolean, storageDirectory?: string): { directory: string; modelId?: string } | { problem: string } {
  const choice = chooseModel(settings, { extensionPath, storageDirectory, trusted });
  if (choice.kind === 'ready') return choice.modelId ? { directory: choice.directory, modelId: choice.modelId } : { directory: choice.directory };
  if (choice.kind === 'problem') return { problem: choice.problem };
  return { problem: `${choice.entry.displayName} is not downloaded yet (${formatMegabytes(choice.approximateBytes, true)} from ${choice.host}).` };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The endpoint setting checked before the user is asked anything. The downloader enforces the same
 * rule (HTTPS, or plain HTTP from the loopback for tests) on the endpoint and every redirect.
 */
function checkEndpoint(endpoint: string): { url: string; host: string } | { problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(endpoint);
  } catch {
    return { problem: `semanticSearch.model.hubEndpoint "${endpoint}" is not a URL. Set it to an https:// address, or clear it for ${DEFAULT_ENDPOINT}.` };
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname))) {
    return { problem: `semanticSearch.model.hubEndpoint ${parsed.origin} is not HTTPS, and models are downloaded over HTTPS only. Use an https:// address, or clear it for ${DEFAULT_ENDPOINT}.` };
  }
  return { url: endpoint.replace(/\/+$/, ''), host: parsed.host };
}

/** Megabytes for people: `24 MB`, or `~24 MB` for an estimate; one decimal below 10 MB. */
export function formatMegabytes(bytes: number, approximate = false): string {
  const megabytes = bytes / 1_000_000;
  const text = megabytes < 10 ? (Math.round(megabytes * 10) / 10).toFixed(1) : String(Math.round(megabytes));
  return `${approximate ? '~' : ''}${text} MB`;
}

/** The question asked before a download. */
export function downloadQuestion(choice: Extract<ModelChoice, { kind: 'needs-download' }>): string {
  return `Download ${choice.entry.displayName} (${formatMegabytes(choice.approximateBytes, true)}) from ${choice.host}?`;
}

/** A progress line: `onnx/model_quantized.onnx — 12.5 of 24 MB`. */
export function downloadProgressMessage(progress: DownloadProgress): string {
  return `${progress.file} — ${formatMegabytes(progress.bytes).replace(/ MB$/, '')} of ${formatMegabytes(progress.totalBytes)}`;
}

/**
 * Where "Which model suits my code?" looks for models that load without a download: the bundled ones,
 * Hub downloads in the extension's storage, and the settings' model folder (when the workspace may name
 * it: the same trust rule as `chooseModel`). The quantization preferred is the settings'.
 */
export function evaluationLocations(settings: { model: ModelSettings }, locations: ModelLocations): Omit<InstalledModelsOptions, 'current'> {
  const model = settings.model;
  const folderAllowed = model.name === 'custom' && model.path !== '' && (!model.pathFromWorkspace || locations.trusted);
  return {
    bundledModelsDirectory: path.join(locations.extensionPath, 'models'),
    ...(locations.storageDirectory ? { storageDirectory: locations.storageDirectory } : {}),
    ...(folderAllowed ? { customDirectory: model.path } : {}),
    quantization: model.quantization ?? DEFAULT_QUANTIZATION,
  };
}
