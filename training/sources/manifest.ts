// The pinned list of source packages the training corpus is made from (training/corpus-manifest.json).
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Which kind of source a package is, which decides where its files are and what is read from them. */
export type PackageFamily = 'npm' | 'python' | 'go' | 'rust' | 'node' | 'doc';

export interface ManifestPackage {
  registry: 'npm' | 'debian';
  family: PackageFamily;
  name: string;
  version: string;
  /** SHA-256 of the downloaded file (the .tgz or the .deb), hex. */
  sha256: string;
  /** The downloaded file's name. */
  file: string;
  license: string;
  /** Debian only: the source package. */
  source?: string;
  /** Why it was chosen: its rank by the selection's measure (downloads a month, reverse dependencies). */
  rank: number;
  measure: number;
}

export interface CorpusManifest {
  schemaVersion: 1;
  /** How the packages were chosen, in words (also in training/README.md). */
  selection: string;
  distribution: string;
  packages: ManifestPackage[];
}

export const MANIFEST_PATH = path.resolve(import.meta.dirname, '..', 'corpus-manifest.json');

export function readManifest(file = MANIFEST_PATH): CorpusManifest {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as CorpusManifest;
  if (manifest.schemaVersion !== 1 || !Array.isArray(manifest.packages)) throw new Error(`${file} is not a corpus manifest (schemaVersion 1)`);
  return manifest;
}

/** Stable text: one package per line, so a diff of the manifest reads package by package. */
export function manifestText(manifest: CorpusManifest): string {
  const head = JSON.stringify({ ...manifest, packages: [] }, null, 2).replace(/"packages": \[\]\n}$/, '"packages": [\n');
  return `${head}${manifest.packages.map((entry) => `    ${JSON.stringify(entry)}`).join(',\n')}\n  ]\n}\n`;
}
