// Watches a folder tree for `semsearch watch`: reports every file or folder created, changed or removed,
// by its path relative to the root ('/' separators).
//
// Why not `fs.watch(root, { recursive: true })` everywhere: on Linux Node emulates it with one inotify
// watch per file, and a file deleted and recreated before Node looks at the event (a save by rename, an
// event loop busy indexing) keeps the watch of the deleted file: none of its later saves is reported,
// and the index silently stops following it. Watching every folder instead reports each change of an
// entry by name, whatever happens to the entry's inode. macOS and Windows watch recursively natively.
import { readdirSync, statSync, watch, type Dirent, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface TreeWatcherOptions {
  /** Called for each path that changed (a file, or a folder created, replaced or removed). */
  onChange: (relativePath: string) => void;
  /** Folders and files not to watch or report (e.g. `.git`). */
  skip: (relativePath: string) => boolean;
  /** A folder that could not be watched (e.g. the system's limit of watches reached). */
  onError: (relativePath: string, error: Error) => void;
}

export interface TreeWatcher {
  close(): void;
}

/** Starts watching `root`; events begin at once. */
export function watchTree(root: string, options: TreeWatcherOptions): TreeWatcher {
  if (process.platform !== 'linux') {
    const watcher = watch(root, { recursive: true }, (_event, filename) => {
      if (!filename) return;
      const relativePath = filename.split(path.sep).join('/');
      if (!options.skip(relativePath)) options.onChange(relativePath);
    });
    return { close: () => watcher.close() };
  }
  return new FolderWatches(root, options);
}

/** One non-recursive watch per folder (Linux), kept in step as folders come and go. */
class FolderWatches implements TreeWatcher {
  private readonly root: string;
  private readonly options: TreeWatcherOptions;
  /** The watch of each folder ('' is the root) and the inode it watches. */
  private readonly watches = new Map<string, { watcher: FSWatcher; inode: number }>();
  private closed = false;

  constructor(root: string, options: TreeWatcherOptions) {
    this.root = root;
    this.options = options;
    this.add('');
  }

  close(): void {
    this.closed = true;
    for (const { watcher } of this.watches.values()) watcher.close();
    this.watches.clear();
  }

  /** Watches a folder and the folders under it. */
  private add(folder: string): void {
    if (this.closed || this.watches.has(folder)) return;
    const absolute = path.join(this.root, folder);
    let inode: number;
    let watcher: FSWatcher;
    try {
      inode = statSync(absolute).ino;
      watcher = watch(absolute, (_event, name) => this.changed(folder, name));
    } catch (error) {
      // Gone already: its parent's event says so.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'ENOTDIR') this.options.onError(folder, error as Error);
      return;
    }
    // A watched folder that is removed ends its watch; the parent's event reports the removal.
    watcher.on('error', () => this.remove(folder));
    this.watches.set(folder, { watcher, inode });
    let entries: Dirent[];
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory() && !this.options.skip(child)) this.add(child);
    }
  }

  /** Stops watching a folder and everything under it. */
  private remove(folder: string): void {
    for (const [watched, { watcher }] of this.watches) {
      if (watched === folder || watched.startsWith(`${folder}/`)) {
        watcher.close();
        this.watches.delete(watched);
      }
    }
  }

  private changed(folder: string, name: string | Buffer | null): void {
    if (this.closed) return;
    if (name === null) {
      // The entry is unknown: report the folder, which the indexer then walks.
      this.options.onChange(folder);
      return;
    }
    const child = folder === '' ? String(name) : `${folder}/${String(name)}`;
    if (this.options.skip(child)) return;
    this.follow(child);
    this.options.onChange(child);
  }

  /** Keeps the watches right for an entry that changed: a new or replaced folder is watched afresh; a removed one no longer. */
  private follow(child: string): void {
    let inode: number | undefined;
    try {
      const stats = statSync(path.join(this.root, child));
      inode = stats.isDirectory() ? stats.ino : undefined;
    } catch {
      inode = undefined;
    }
    const watched = this.watches.get(child);
    if (watched && watched.inode === inode) return;
    this.remove(child);
    if (inode !== undefined) this.add(child);
  }
}
