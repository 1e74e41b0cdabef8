// The walk: depth-first over each root, sorted within a folder, yielding files while it goes.

import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  createContext,
  decideEntry,
  entryKind,
  listFolder,
  openFolder,
  presentIgnoreFiles,
  resolveRoot,
  skipForError,
  type Decision,
  type DiscoveryContext,
  type Folder,
} from './entries.ts';
import { descendTo } from './classify.ts';
import {
  SKIP_REASONS,
  type DiscoveredFile,
  type DiscoveryOptions,
  type DiscoverySummary,
  type SkippedEntry,
  type SkipReason,
  type WalkTarget,
} from './types.ts';

const DEFAULT_CONCURRENCY = 32;
// How long the walk may hold the event loop before it gives it back: with blocking file access always, and with
// async access too, where entries decided on their names alone (a folder of pictures) need no I/O to wait for.
const SLICE_MS = 10;
const DEFAULT_EXAMPLES_PER_REASON = 5;

/**
 * Walks the targets and yields the files to index, in a reproducible order; `summary()` counts the skips.
 * Iterating again starts a new walk and a new summary.
 */
export function discoverFiles(targets: readonly WalkTarget[], options: DiscoveryOptions = {}): FileDiscovery {
  return new FileDiscovery(targets, options);
}

/** A walk over one or more roots: an async iterable of files plus the running summary. */
export class FileDiscovery implements AsyncIterable<DiscoveredFile> {
  private readonly targets: readonly WalkTarget[];
  private readonly options: DiscoveryOptions;
  private tally: Tally;

  constructor(targets: readonly WalkTarget[], options: DiscoveryOptions = {}) {
    this.targets = [...targets];
    this.options = options;
    this.tally = new Tally(options);
  }

  /** The counts so far; final (with `complete: true`) once iteration has finished. */
  summary(): DiscoverySummary {
    return this.tally.snapshot();
  }

  [Symbol.asyncIterator](): AsyncIterator<DiscoveredFile> {
    this.tally = new Tally(this.options);
    return walk(this.targets, this.options, this.tally);
  }
}

async function* walk(targets: readonly WalkTarget[], options: DiscoveryOptions, tally: Tally): AsyncGenerator<DiscoveredFile> {
  const signal = options.signal;
  signal?.throwIfAborted();
  const context = createContext(options);
  // Blocking calls run one at a time anyway, so they get no look-ahead.
  const limiter = new Limiter(context.files.blocking ? 1 : Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
  const pacer = new Pacer();
  for (const target of targets) {
    const rootPath = typeof target === 'string' ? target : target.root;
    const resolved = await resolveRoot(context, rootPath);
    signal?.throwIfAborted();
    if ('skip' in resolved) {
      tally.skip(resolved.skip);
      continue;
    }
    let opened: Folder | undefined;
    if (typeof target !== 'string') {
      const rootFolder = await openFolder(context, resolved.root, undefined, resolved.root.root, '', resolved.identity, undefined);
      const below = await descendTo(context, rootFolder, target.folder);
      signal?.throwIfAborted();
      if ('reason' in below) {
        tally.skip(below);
        continue;
      }
      opened = below;
    }
    const place: FolderPlace = opened ?? {
      root: resolved.root,
      path: resolved.root.root,
      relativePath: '',
      identity: resolved.identity,
      parent: undefined,
    };
    for await (const file of walkFolder(context, place, opened, limiter, pacer, tally, signal)) {
      tally.file(file);
      yield file;
      signal?.throwIfAborted();
    }
  }
  tally.complete = true;
}

/** Where a folder is, before its own ignore files have been read. */
type FolderPlace = Pick<Folder, 'root' | 'path' | 'relativePath' | 'identity' | 'parent'>;

async function* walkFolder(
  context: DiscoveryContext,
  place: FolderPlace,
  opened: Folder | undefined,
  limiter: Limiter,
  pacer: Pacer,
  tally: Tally,
  signal: AbortSignal | undefined,
): AsyncGenerator<DiscoveredFile> {
  let entries;
  try {
    entries = await listFolder(context, place.path);
  } catch (error) {
    tally.skip(skipForError(place.root, place.relativePath, true, error));
    return;
  }
  signal?.throwIfAborted();
  // The listing says which ignore files exist, so missing ones are never tried.
  const folder =
    opened ??
    (await openFolder(context, place.root, place.parent, place.path, place.relativePath, place.identity, presentIgnoreFiles(entries)));

  // Entries are checked ahead of the one being yielded, a bounded number at a time, and taken in order.
  const lookahead = context.files.blocking ? 1 : limiter.size * 2;
  const pending: (Promise<Decision> | undefined)[] = new Array(entries.length);
  let started = 0;
  for (let index = 0; index < entries.length; index += 1) {
    while (started < entries.length && started < index + lookahead) {
      const entry = entries[started]!;
      const task = limiter.run(() => decideEntry(context, folder, entry.name, entryKind(entry)));
      // Abandoned on abort; the walk itself still sees any failure through `await` below.
      task.catch(() => undefined);
      pending[started] = task;
      started += 1;
    }
    await pacer.breathe();
    signal?.throwIfAborted();
    const decision = await pending[index]!;
    pending[index] = undefined;
    signal?.throwIfAborted();
    if (decision.type === 'skip') {
      tally.skip(decision.skip);
    } else if (decision.type === 'file') {
      yield decision.file;
    } else {
      const child: FolderPlace = {
        root: folder.root,
        path: decision.path,
        relativePath: decision.relativePath,
        identity: decision.identity,
        parent: folder,
      };
      yield* walkFolder(context, child, undefined, limiter, pacer, tally, signal);
    }
  }
}

/** Counts what the walk found and skipped, and keeps a few examples per reason. */
class Tally {
  files = 0;
  bytes = 0;
  complete = false;
  private readonly counts: Record<SkipReason, number>;
  private readonly examples: Record<SkipReason, SkippedEntry[]>;
  private readonly examplesPerReason: number;
  private readonly onSkip: ((skip: SkippedEntry) => void) | undefined;

  constructor(options: DiscoveryOptions) {
    this.examplesPerReason = Math.max(0, options.examplesPerReason ?? DEFAULT_EXAMPLES_PER_REASON);
    this.onSkip = options.onSkip;
    this.counts = Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;
    this.examples = Object.fromEntries(SKIP_REASONS.map((reason) => [reason, []])) as unknown as Record<SkipReason, SkippedEntry[]>;
  }

  file(file: DiscoveredFile): void {
    this.files += 1;
    this.bytes += file.size;
  }

  skip(skip: SkippedEntry): void {
    this.counts[skip.reason] += 1;
    const examples = this.examples[skip.reason];
    if (examples.length < this.examplesPerReason) examples.push(skip);
    this.onSkip?.(skip);
  }

  snapshot(): DiscoverySummary {
    let skippedTotal = 0;
    for (const reason of SKIP_REASONS) skippedTotal += this.counts[reason];
    return {
      files: this.files,
      bytes: this.bytes,
      skipped: { ...this.counts },
      skippedTotal,
      examples: Object.fromEntries(SKIP_REASONS.map((reason) => [reason, [...this.examples[reason]]])) as unknown as Record<
        SkipReason,
        readonly SkippedEntry[]
      >,
      complete: this.complete,
    };
  }
}

/**
 * Gives the event loop back every `SLICE_MS`. Awaiting async file calls is not enough: entries skipped on their
 * names resolve in microtasks, and timers and messages (an abort, a cancel) wait for the whole folder.
 */
class Pacer {
  private sliceStart = performance.now();

  async breathe(): Promise<void> {
    if (performance.now() - this.sliceStart < SLICE_MS) return;
    await nextTurn();
    this.sliceStart = performance.now();
  }
}

/** At most `size` tasks run at once; the rest wait in order. Bounds open files and sample buffers. */
class Limiter {
  readonly size: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.size = size;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiting one, so no newcomer can slip in between.
    if (this.active < this.size) this.active += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active -= 1;
    }
  }
}
