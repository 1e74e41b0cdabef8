// A typed snapshot of the extension's settings, and the list of keys whose change means the index
// must be rebuilt. Handlers treat "no event" as "everything changed" and run once at start-up.
import * as vscode from 'vscode';
import type { DeviceSetting } from '../core/embedding/providers.ts';
import { DEFAULT_MODEL_ID } from '../core/model/catalog.ts';
import { DEFAULT_ENDPOINT } from '../core/model/download.ts';
import type { Quantization } from '../core/model/fingerprint.ts';
import type { SearchMode } from '../core/search/search.ts';

export const SECTION = 'semanticSearch';

export interface Settings {
  model: {
    /** A catalog id (bundled or Hugging Face), or `custom` to use `path`. */
    name: string;
    /** A Hugging Face model folder on disk (used when name is `custom`). */
    path: string;
    /** Whether `path` came from the workspace's own settings (ignored in an untrusted workspace). */
    pathFromWorkspace: boolean;
    quantization: Quantization;
    device: DeviceSetting;
    threads: number;
    /** Never download: a Hub model must already be in the extension's storage. */
    offline: boolean;
    /** Where Hub models are downloaded from (a user-level setting only). */
    hubEndpoint: string;
    /** The Hub revision to download; empty for the catalog's. */
    revision: string;
  };
  indexing: {
    autoIndex: boolean;
    include: string[];
    exclude: string[];
    maxFileSize: number;
    useGitIgnore: boolean;
  };
  chunking: { maxLines: number; overlapTokens: number };
  search: { resultCount: number; mode: SearchMode; /** Unset: the model's measured weight. */ denseWeight: number | undefined; lexicalWeight: number; expandCalls: boolean };
  migration: { autoCutover: boolean; qualityMargin: number; retentionDays: number };
  storage: { kind: 'float32' | 'int8' | 'binary'; rescore: 'float32' | 'int8'; dimensions: number; oversampling: number };
}

/** Settings whose change invalidates the index (a new vector space is built while the old one serves). */
export const REINDEX_KEYS = [
  'model.name',
  'model.path',
  'model.quantization',
  // Another commit may bring other weights or tokenizer files (the fingerprint tells; an unchanged one reuses the index).
  'model.revision',
  'chunking.maxLines',
  'chunking.overlapTokens',
  'indexing.include',
  'indexing.exclude',
  'indexing.maxFileSize',
  'indexing.useGitIgnore',
  'storage.kind',
  'storage.rescore',
  'storage.dimensions',
  'storage.oversampling',
] as const;

/** Settings that only restart the model (same vectors, another way to compute them). */
export const RELOAD_MODEL_KEYS = ['model.device', 'model.threads'] as const;

export function readSettings(): Settings {
  const configuration = vscode.workspace.getConfiguration(SECTION);
  const pathInspection = configuration.inspect<string>('model.path');
  return {
    model: {
      name: configuration.get<string>('model.name', DEFAULT_MODEL_ID),
      path: configuration.get<string>('model.path', ''),
      pathFromWorkspace: Boolean(pathInspection?.workspaceValue || pathInspection?.workspaceFolderValue),
      quantization: configuration.get<Quantization>('model.quantization', 'int8'),
      device: configuration.get<DeviceSetting>('model.device', 'auto'),
      threads: configuration.get<number>('model.threads', 0),
      offline: configuration.get<boolean>('model.offline', false),
      hubEndpoint: configuration.get<string>('model.hubEndpoint', DEFAULT_ENDPOINT),
      revision: configuration.get<string>('model.revision', ''),
    },
    indexing: {
      autoIndex: configuration.get<boolean>('indexing.autoIndex', true),
      include: configuration.get<string[]>('indexing.include', []),
      exclude: configuration.get<string[]>('indexing.exclude', []),
      maxFileSize: configuration.get<number>('indexing.maxFileSize', 1_048_576),
      useGitIgnore: configuration.get<boolean>('indexing.useGitIgnore', true),
    },
    chunking: {
      maxLines: configuration.get<number>('chunking.maxLines', 150),
      overlapTokens: configuration.get<number>('chunking.overlapTokens', 16),
    },
    search: {
      resultCount: configuration.get<number>('search.resultCount', 20),
      mode: configuration.get<SearchMode>('search.mode', 'hybrid'),
      denseWeight: configuration.get<number | null>('search.denseWeight', null) ?? undefined,
      lexicalWeight: configuration.get<number>('search.lexicalWeight', 1),
      expandCalls: configuration.get<boolean>('search.expandCalls', false),
    },
    storage: {
      kind: configuration.get<'float32' | 'int8' | 'binary'>('storage.kind', 'float32'),
      rescore: configuration.get<'float32' | 'int8'>('storage.rescore', 'float32'),
      dimensions: configuration.get<number>('storage.dimensions', 0),
      oversampling: configuration.get<number>('storage.oversampling', 0),
    },
    migration: {
      autoCutover: configuration.get<boolean>('migration.autoCutover', true),
      qualityMargin: configuration.get<number>('migration.qualityMargin', 0.05),
      retentionDays: configuration.get<number>('migration.retentionDays', 7),
    },
  };
}

/** Whether a configuration change touches any of the given keys (all keys when there is no event). */
export function affects(event: vscode.ConfigurationChangeEvent | undefined, keys: readonly string[]): boolean {
  return event === undefined || keys.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}
