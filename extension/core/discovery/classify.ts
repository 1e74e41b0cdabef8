// One path at a time, for a file watcher: the walk's checks applied from the root down to the path.

import path from 'node:path';
import { createContext, decideEntry, openFolder, resolveRoot, type DiscoveryContext, type Folder } from './entries.ts';
import { IgnoreRuleCache } from './ignore-rules.ts';
import type { Classification, DiscoveryOptions, SkippedEntry } from './types.ts';

/**
 * Goes from an opened folder down to a folder below it (`folder` is relative to `start`), opening each one
 * on the way with the walk's checks; returns the skip when one of them would not be walked.
 */
export async function descendTo(context: DiscoveryContext, start: Folder, folder: string): Promise<Folder | SkippedEntry> {
  const segments = splitRelative(folder);
  if (segments === undefined) return outsideRoot(start, folder);
  let current = start;
  for (const segment of segments) {
    const decision = await decideEntry(context, current, segment, 'unknown');
    if (decision.type === 'skip') return decision.skip;
    if (decision.type === 'file') {
      return { root: current.root.root, relativePath: decision.file.relativePath, reason: 'vanished', isFolder: false, detail: 'not a folder' };
    }
    current = await openFolder(context, current.root, current, decision.path, decision.relativePath, decision.identity, undefined);
  }
  return current;
}

/**
 * Decides single paths with the walk's rules, for incremental updates. Owns an `IgnoreRuleCache`
 * (or uses `options.ignoreCache`); call `invalidate` when an ignore file changes.
 */
export class FileClassifier {
  /** The parsed ignore files; pass it to `discoverFiles` as `ignoreCache` to share them with a walk. */
  readonly ignoreCache: IgnoreRuleCache;
  private readonly context: DiscoveryContext;

  constructor(options: DiscoveryOptions = {}) {
    this.ignoreCache = options.ignoreCache ?? new IgnoreRuleCache();
    this.context = createContext({ ...options, ignoreCache: this.ignoreCache });
  }

  /**
   * Whether the walk would yield `relativePath` (with '/' separators) under `root`, and if not, why.
   * A path that no longer exists is a 'vanished' skip, so a deletion event can be classified too.
   */
  async classify(root: string, relativePath: string, signal?: AbortSignal): Promise<Classification> {
    signal?.throwIfAborted();
    const resolved = await resolveRoot(this.context, root);
    if ('skip' in resolved) return { kind: 'skip', skip: resolved.skip };
    const rootFolder = await openFolder(this.context, resolved.root, undefined, resolved.root.root, '', resolved.identity, undefined);
    const segments = splitRelative(relativePath);
    if (segments === undefined) return { kind: 'skip', skip: outsideRoot(rootFolder, relativePath) };
    if (segments.length === 0) return { kind: 'folder', root: rootFolder.root.root, relativePath: '' };
    signal?.throwIfAborted();
    const parent = await descendTo(this.context, rootFolder, segments.slice(0, -1).join('/'));
    if ('reason' in parent) return { kind: 'skip', skip: parent };
    signal?.throwIfAborted();
    const decision = await decideEntry(this.context, parent, segments[segments.length - 1]!, 'unknown');
    if (decision.type === 'skip') return { kind: 'skip', skip: decision.skip };
    if (decision.type === 'folder') return { kind: 'folder', root: rootFolder.root.root, relativePath: decision.relativePath };
    return { kind: 'index', file: decision.file };
  }

  /** Forgets cached ignore rules for a changed ignore file, or for a folder and everything below it. */
  invalidate(changedPath: string): void {
    this.ignoreCache.invalidate(changedPath);
  }
}

/** One-off `FileClassifier.classify`; a watcher should keep a `FileClassifier` so ignore files are parsed once. */
export function classifyFile(root: string, relativePath: string, options: DiscoveryOptions = {}): Promise<Classification> {
  return new FileClassifier(options).classify(root, relativePath, options.signal);
}

// Splits a root-relative path into names; undefined when it climbs out of the root or is absolute.
function splitRelative(relativePath: string): string[] | undefined {
  const slashed = path.sep === '\\' ? relativePath.replaceAll('\\', '/') : relativePath;
  if (slashed.startsWith('/') || path.isAbsolute(relativePath)) return undefined;
  const segments: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else {
      segments.push(segment);
    }
  }
  return segments;
}

function outsideRoot(folder: Folder, relativePath: string): SkippedEntry {
  return { root: folder.root.root, relativePath, reason: 'outside-root', isFolder: false, detail: 'the path leads out of the root' };
}
