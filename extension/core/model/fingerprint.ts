// A model fingerprint names the vector space a model produces. It hashes everything that changes the
// vectors (the ONNX file in use, the tokenizer files, the manifest fields that affect the output, the
// quantization) and nothing else, so a renamed folder or a new display name keeps the same
// fingerprint while a re-exported ONNX file under the same name does not.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { VECTOR_AFFECTING_FIELDS, type ModelManifest } from './manifest.ts';

/** Which weights file of a model folder is used. */
export type Quantization = 'fp32' | 'int8';

export interface FingerprintInputs {
  manifest: ModelManifest;
  quantization: Quantization;
  /** The files whose bytes define the model: role (e.g. `onnx`, `tokenizer.json`) → absolute path. */
  files: Record<string, string>;
}

/** The fingerprint and the per-file hashes it was computed from (kept for diagnostics). */
export interface ModelFingerprint {
  /** 32 hex characters. */
  id: string;
  fileHashes: Record<string, string>;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Computes the fingerprint of a model as it will be run. */
export async function fingerprintModel(inputs: FingerprintInputs): Promise<ModelFingerprint> {
  const roles = Object.keys(inputs.files).sort();
  const fileHashes: Record<string, string> = {};
  for (const role of roles) fileHashes[role] = await sha256File(inputs.files[role]!);
  return { id: fingerprintFromHashes(inputs.manifest, inputs.quantization, fileHashes), fileHashes };
}

/** The fingerprint from already-known file hashes. */
export function fingerprintFromHashes(manifest: ModelManifest, quantization: Quantization, fileHashes: Record<string, string>): string {
  const affecting = Object.fromEntries(VECTOR_AFFECTING_FIELDS.map((field) => [field, manifest[field]]));
  const canonical = JSON.stringify({
    version: 1,
    quantization,
    manifest: affecting,
    files: Object.keys(fileHashes)
      .sort()
      .map((role) => [role, fileHashes[role]]),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/**
 * What the file system says about a model file without reading it: a replaced file (renamed over,
 * copied over, re-downloaded) has another inode, size, mtime or ctime. Cheap enough to check before
 * every batch of vectors is handed out under a fingerprint that was hashed from the old bytes.
 */
export interface FileStamp {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  inode: number;
}

/** The stamp of a file, or undefined when it no longer exists. */
export function stampFile(file: string): FileStamp | undefined {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats && { path: file, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, inode: stats.ino };
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.inode === b.inode;
}
