// Fixture trees for the discovery tests: built in a temp folder from a nested object, removed afterwards.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { discoverFiles } from '../../../extension/core/discovery/index.ts';
import type { DiscoveryOptions, DiscoverySummary, SkippedEntry, WalkTarget } from '../../../extension/core/discovery/index.ts';
import { restorePermissions } from '../../helpers/permissions.ts';

/** A folder: names map to file contents (string or bytes) or to sub-folders. */
export interface TreeSpec {
  readonly [name: string]: string | Uint8Array | TreeSpec;
}

/** Writes a tree under `folder`. */
export function writeTree(folder: string, spec: TreeSpec): void {
  fs.mkdirSync(folder, { recursive: true });
  for (const [name, value] of Object.entries(spec)) {
    const target = path.join(folder, name);
    if (typeof value === 'string' || value instanceof Uint8Array) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, value);
    } else {
      writeTree(target, value);
    }
  }
}

/** Builds a tree in a fresh temp folder, runs `body`, and removes the folder (restoring permissions first). */
export async function withTree<T>(spec: TreeSpec, body: (root: string) => Promise<T>): Promise<T> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'discovery-test-'));
  try {
    writeTree(root, spec);
    return await body(root);
  } finally {
    restorePermissions(root);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The result of one whole walk. */
export interface WalkResult {
  readonly files: string[];
  readonly skips: SkippedEntry[];
  readonly summary: DiscoverySummary;
}

/** Walks to the end and collects relative paths, skips (in order) and the summary. */
export async function walkAll(targets: readonly WalkTarget[], options: DiscoveryOptions = {}): Promise<WalkResult> {
  const skips: SkippedEntry[] = [];
  const discovery = discoverFiles(targets, {
    ...options,
    onSkip: (skip) => {
      skips.push(skip);
      options.onSkip?.(skip);
    },
  });
  const files: string[] = [];
  for await (const file of discovery) files.push(file.relativePath);
  return { files, skips, summary: discovery.summary() };
}

/** The reason a path was skipped for, or undefined when it was not. */
export function reasonFor(result: WalkResult, relativePath: string): string | undefined {
  return result.skips.find((skip) => skip.relativePath === relativePath)?.reason;
}

/** Whether this process can ignore file permissions (root), which makes chmod-based tests meaningless. */
export function permissionsAreBypassed(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Whether symlinks can be created here (not always on Windows). */
export function canSymlink(): boolean {
  return process.platform !== 'win32';
}
