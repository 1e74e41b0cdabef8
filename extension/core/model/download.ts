// Downloads a catalog model from the Hugging Face Hub into the extension's storage, one folder per
// commit, so that what was downloaded is exactly one consistent revision of the repository and a
// model's fingerprint (which hashes the files) changes when the files do.
//
// The Hub's conventions this relies on: `GET {endpoint}/{repo}/resolve/{revision}/{path}` serves a
// file; a HEAD there answers, without following redirects, with `X-Repo-Commit` (the commit the
// revision resolved to), the size (`X-Linked-Size` for LFS files, else `Content-Length`) and an ETag
// (`X-Linked-Etag`, the SHA-256 of an LFS file's content; for small files `ETag` is a git blob id).
// LFS files are redirected to a CDN, which honours `Range`.
//
// What is trusted: the endpoint (HTTPS, or plain HTTP on a loopback address for tests) says which files
// there are, their sizes and, for LFS files, their SHA-256. Bytes may come from another host only when a
// SHA-256 from the endpoint checks them: a file known only by its size is downloaded from the endpoint's own
// origin, and a redirect elsewhere is refused. The CDN's hosts are not listed, so a new one the Hub adopts
// works, while whatever it serves must still hash to what the endpoint said.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { abortError, CoreError, isCoreError } from '../errors.ts';
import type { HubCatalogEntry } from './catalog.ts';
import { sha256File, type Quantization } from './fingerprint.ts';
import { MANIFEST_FILE, type ModelManifest } from './manifest.ts';
import { IdleTimer, checkEndpoint, checkRepository, checkUrl } from './download-guards.ts';

/** The record a complete download leaves in its folder (written last). */
export const DOWNLOAD_RECORD_FILE = 'semsearch-download.json';
/** The setting that turns downloads off; named in the `offline` error. */
export const OFFLINE_SETTING = 'semanticSearch.model.offline';
export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/**
 * Where a downloaded ONNX file is saved: the names the runtime looks for first, whatever the
 * repository calls it, so a folder never holds two candidates for one quantization.
 */
const ONNX_LOCAL_PATH: Record<Quantization, string> = { fp32: 'onnx/model.onnx', int8: 'onnx/model_quantized.onnx' };
const PARTIAL_SUFFIX = '.partial';
const PROGRESS_INTERVAL_MILLISECONDS = 100;
const MAX_REDIRECTS = 10;

/** Where a download stands; `bytes` and `totalBytes` count all files of the download together. */
export interface DownloadProgress {
  /** The repository path of the file being fetched (or the last one finished). */
  file: string;
  bytes: number;
  totalBytes: number;
  filesDone: number;
  filesTotal: number;
}

export interface DownloadOptions {
  /** The extension's global storage (or the CLI's cache); models land in `{storageDirectory}/models/`. */
  storageDirectory: string;
  /** The Hub, or a mirror with the same URL layout. HTTPS only, except http://127.0.0.1 and http://localhost. */
  endpoint?: string;
  /** A branch, tag or commit; defaults to the entry's (`main`). */
  revision?: string;
  /** Which ONNX files to fetch. */
  quantizations: Quantization[];
  /** Aborting keeps the partial files, so the next call resumes them. */
  signal?: AbortSignal;
  /** Called at most every 100 ms, and whenever a file is finished. */
  onProgress?: (progress: DownloadProgress) => void;
  fetch?: typeof fetch;
  /** Refuse to use the network; a complete earlier download is still returned. */
  offline?: boolean;
  /** Resolve the revision again even when a complete download of it exists (to pick up a moved branch). */
  refresh?: boolean;
  /** Failed requests in a row, without any byte arriving, before giving up (default 4). */
  retries?: number;
  /** The first wait before a retry, doubled each time (default 1000 ms). */
  retryDelayMilliseconds?: number;
  /** A request that receives nothing for this long is dropped and retried (default 30 s). */
  idleTimeoutMilliseconds?: number;
}

/** One file of a complete download. */
export interface DownloadedFile {
  /** Path in the model folder. */
  path: string;
  /** Path in the repository (differs for an ONNX file saved under the runtime's name). */
  remotePath: string;
  size: number;
  sha256: string;
  /** What the bytes were checked against: the Hub's SHA-256 (LFS files) or only the size (small files, whose ETag is a git blob id). */
  verifiedBy: 'sha256' | 'size';
  /** For an ONNX file, the quantization it serves. */
  quantization?: Quantization;
}

/** The content of `semsearch-download.json`. */
export interface DownloadRecord {
  schemaVersion: 1;
  repo: string;
  /** The revision asked for, e.g. `main`. */
  revision: string;
  /** The commit it resolved to; every file comes from it. */
  commit: string;
  endpoint: string;
  completedAt: string;
  quantizations: Quantization[];
  files: DownloadedFile[];
  /** Optional files the repository does not have at this commit. */
  absentOptionalFiles: string[];
}

export interface DownloadedModel {
  /** The model folder: load it with `EmbeddingRuntime.load({ modelDirectory })`. */
  directory: string;
  record: DownloadRecord;
  /** The manifest written to the folder, `source` naming the repository, revision and commit. */
  manifest: ModelManifest;
  /** Repository paths fetched by this call; empty when the folder was already complete. */
  fetchedFiles: string[];
}

/** `{storageDirectory}/models/{owner}--{name}`: the folder holding one sub-folder per downloaded commit. */
export function repositoryDirectory(storageDirectory: string, repo: string): string {
  return path.join(storageDirectory, 'models', repo.replace('/', '--'));
}

/**
 * The newest complete download of a repository at a revision (a name as asked for, or a commit)
 * that holds the given quantizations, judged by its record and the sizes of its files on disk.
 */
export function findDownload(storageDirectory: string, repo: string, revision: string, quantizations: readonly Quantization[]): { directory: string; record: DownloadRecord } | undefined {
  const parent = repositoryDirectory(storageDirectory, repo);
  if (!existsSync(parent)) return undefined;
  let best: { directory: string; record: DownloadRecord } | undefined;
  for (const name of readdirSync(parent)) {
    const directory = path.join(parent, name);
    const record = readRecord(directory);
    if (!record || record.repo !== repo || (record.revision !== revision && record.commit !== revision.toLowerCase())) continue;
    if (!quantizations.every((quantization) => record.quantizations.includes(quantization))) continue;
    if (!filesIntact(directory, record)) continue;
    if (!best || record.completedAt > best.record.completedAt) best = { directory, record };
  }
  return best;
}

function readRecord(directory: string): DownloadRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(path.join(directory, DOWNLOAD_RECORD_FILE), 'utf8')) as DownloadRecord;
    return record.schemaVersion === 1 && Array.isArray(record.files) && Array.isArray(record.quantizations) ? record : undefined;
  } catch {
    return undefined; // No record, or a damaged one: the folder is not a complete download.
  }
}

function filesIntact(directory: string, record: DownloadRecord): boolean {
  return record.files.every((file) => {
    try {
      return statSync(path.join(directory, file.path)).size === file.size;
    } catch {
      return false;
    }
  });
}

/** What the Hub said about one file at the commit. */
interface PlannedFile {
  remotePath: string;
  localPath: string;
  size: number;
  /** The content's SHA-256 when the Hub gave one. */
  sha256: string | undefined;
  quantization?: Quantization;
  /** Where to GET it: the file at the pinned commit. */
  url: string;
}

/** A failure worth another try (a dropped connection, a 5xx, a 429). */
class TransientFailure extends Error {}

/**
 * Downloads a Hub model's files at one commit into `{storageDirectory}/models/{owner}--{name}/{commit}/`,
 * verifying each, and writes the catalog's manifest and a download record there. A complete earlier
 * download of the same revision is returned without any request.
 */
export async function downloadModel(entry: HubCatalogEntry, options: DownloadOptions): Promise<DownloadedModel> {
  const endpoint = checkEndpoint(options.endpoint ?? DEFAULT_ENDPOINT);
  checkRepository(entry);
  const revision = options.revision ?? entry.revision;
  const quantizations = [...new Set(options.quantizations)];
  if (quantizations.length === 0) throw new TypeError('downloadModel needs at least one quantization');
  options.signal?.throwIfAborted();

  const complete = findDownload(options.storageDirectory, entry.repo, revision, quantizations);
  if (complete && !options.refresh) {
    return { directory: complete.directory, record: complete.record, manifest: sourcedManifest(entry, complete.record), fetchedFiles: [] };
  }
  if (options.offline) {
    throw new CoreError('download', 
      'offline',
      `${entry.displayName} is not downloaded yet and downloads are turned off (setting ${OFFLINE_SETTING}). Turn that setting off to download it (${formatMegabytes(estimate(entry, quantizations))}), or choose a bundled model.`,
    );
  }
  // A download of the revision that lacks a quantization is completed from its own commit, so the folder stays one revision.
  const earlier = options.refresh ? undefined : findDownload(options.storageDirectory, entry.repo, revision, []);
  return new Downloader(entry, endpoint, revision, quantizations, options).run(earlier?.record);
}

class Downloader {
  private readonly fetch: typeof fetch;
  private readonly retries: number;
  private readonly retryDelay: number;
  private readonly idleTimeout: number;
  private lastProgress = 0;
  private readonly entry: HubCatalogEntry;
  private readonly endpoint: string;
  private readonly revision: string;
  private readonly quantizations: Quantization[];
  private readonly options: DownloadOptions;

  constructor(entry: HubCatalogEntry, endpoint: string, revision: string, quantizations: Quantization[], options: DownloadOptions) {
    this.entry = entry;
    this.endpoint = endpoint;
    this.revision = revision;
    this.quantizations = quantizations;
    this.options = options;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.retries = options.retries ?? 4;
    this.retryDelay = options.retryDelayMilliseconds ?? 1000;
    this.idleTimeout = options.idleTimeoutMilliseconds ?? 30_000;
  }

  async run(earlier: DownloadRecord | undefined): Promise<DownloadedModel> {
    const { entry } = this;
    const firstRequired = entry.files.find((file) => !file.optional);
    if (!firstRequired) throw new TypeError(`Catalog entry ${entry.id} names no required file`);

    // One commit for every file: the revision is resolved once (or taken from an earlier partial set).
    let commit = earlier?.commit;
    const planned: PlannedFile[] = [];
    if (!commit) {
      const first = await this.fileMetadata(firstRequired.path, this.revision);
      if (!first) throw this.missing(firstRequired.path, this.revision);
      commit = first.commit ?? (/^[0-9a-f]{40}$/i.test(this.revision) ? this.revision.toLowerCase() : undefined);
      if (!commit || !/^[0-9a-f]{40}$/i.test(commit)) {
        throw new CoreError('download', 'http-error', `${this.endpoint} did not say which commit ${entry.repo}@${this.revision} is (no valid X-Repo-Commit header), so a consistent set of files cannot be downloaded. Check the endpoint setting.`);
      }
      commit = commit.toLowerCase();
      planned.push({ remotePath: firstRequired.path, localPath: firstRequired.path, size: first.size, sha256: first.sha256, url: this.fileUrl(firstRequired.path, commit) });
    }
    const pinned = commit;

    const rest = await Promise.all([
      ...entry.files
        .filter((file) => !planned.some((done) => done.remotePath === file.path))
        .map(async (file): Promise<PlannedFile | { absent: string }> => {
          const metadata = await this.fileMetadata(file.path, pinned);
          if (!metadata && !file.optional) throw this.missing(file.path, pinned);
          return metadata ? { remotePath: file.path, localPath: file.path, size: metadata.size, sha256: metadata.sha256, url: this.fileUrl(file.path, pinned) } : { absent: file.path };
        }),
      ...this.quantizations.map(async (quantization): Promise<PlannedFile> => {
        for (const candidate of entry.onnx[quantization]) {
          const metadata = await this.fileMetadata(candidate, pinned);
          if (metadata) return { remotePath: candidate, localPath: ONNX_LOCAL_PATH[quantization], size: metadata.size, sha256: metadata.sha256, quantization, url: this.fileUrl(candidate, pinned) };
        }
        throw new CoreError('download', 
          'not-found',
          `${entry.repo} has no ${quantization} ONNX file at commit ${pinned.slice(0, 12)} (looked for ${entry.onnx[quantization].join(', ')}). Choose the other quantization or another model.`,
        );
      }),
    ]);
    const absentOptionalFiles: string[] = [];
    for (const item of rest) {
      if ('absent' in item) absentOptionalFiles.push(item.absent);
      else planned.push(item);
    }
    const directory = path.join(repositoryDirectory(this.options.storageDirectory, entry.repo), pinned);
    await mkdir(directory, { recursive: true });
    // What the commit's folder already holds, verified by an earlier call (the same folder as `earlier`, or one a refresh found unchanged).
    const previous = readRecord(directory);
    const previousFiles = previous && previous.repo === entry.repo && filesIntact(directory, previous) ? previous.files : [];
    // ONNX files for other quantizations stay part of the set.
    const kept = previousFiles.filter((file) => file.quantization && !this.quantizations.includes(file.quantization));
    const files: DownloadedFile[] = [];
    const fetchedFiles: string[] = [];
    const totalBytes = planned.reduce((sum, file) => sum + file.size, 0);
    let doneBytes = 0;
    for (const [index, file] of planned.entries()) {
      const report = (bytes: number, force = false) =>
        this.progress({ file: file.remotePath, bytes: doneBytes + bytes, totalBytes, filesDone: index, filesTotal: planned.length }, force);
      const reused = previousFiles.find((known) => known.path === file.localPath && known.remotePath === file.remotePath && known.size === file.size && (!file.sha256 || known.sha256 === file.sha256));
      const result = await this.obtain(directory, file, reused, report);
      if (result.fetched) fetchedFiles.push(file.remotePath);
      files.push(result.file);
      doneBytes += file.size;
      this.progress({ file: file.remotePath, bytes: doneBytes, totalBytes, filesDone: index + 1, filesTotal: planned.length }, true);
    }

    const record: DownloadRecord = {
      schemaVersion: 1,
      repo: entry.repo,
      revision: earlier?.revision ?? this.revision,
      commit: pinned,
      endpoint: this.endpoint,
      completedAt: new Date().toISOString(),
      quantizations: [...new Set([...this.quantizations, ...kept.map((file) => file.quantization!)])].sort(),
      files: [...files, ...kept],
      absentOptionalFiles,
    };
    const manifest = sourcedManifest(entry, record);
    await writeAtomically(path.join(directory, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    // Written last: a folder without it is never taken for a complete download.
    await writeAtomically(path.join(directory, DOWNLOAD_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    return { directory, record, manifest, fetchedFiles };
  }

  /** The file in the folder, verified: reused, finished from a partial, or fetched. */
  private async obtain(directory: string, file: PlannedFile, reused: DownloadedFile | undefined, report: (bytes: number, force?: boolean) => void): Promise<{ file: DownloadedFile; fetched: boolean }> {
    const target = path.join(directory, file.localPath);
    const verifiedBy = file.sha256 ? 'sha256' : 'size';
    const existing = await stat(target).catch(() => undefined);
    if (existing?.size === file.size) {
      // Renamed into place only after verification, by this call's predecessor; a recorded hash spares reading it again.
      const sha256 = reused?.sha256 ?? (await sha256File(target));
      if (!file.sha256 || sha256 === file.sha256) {
        return { file: { path: file.localPath, remotePath: file.remotePath, size: file.size, sha256, verifiedBy, ...(file.quantization ? { quantization: file.quantization } : {}) }, fetched: false };
      }
    }
    if (existing) await rm(target, { force: true });

    const partial = target + PARTIAL_SUFFIX;
    await mkdir(path.dirname(partial), { recursive: true });
    await this.fetchToPartial(file, partial, report);
    const size = (await stat(partial)).size;
    if (size !== file.size) {
      await rm(partial, { force: true });
      throw new CoreError('download', 'size-mismatch', `${file.remotePath} of ${this.entry.repo} arrived with ${size} bytes instead of ${file.size}. The partial file was deleted; download again.`);
    }
    const sha256 = await sha256File(partial);
    if (file.sha256 && sha256 !== file.sha256) {
      await rm(partial, { force: true });
      throw new CoreError('download', 
        'checksum-mismatch',
        `${file.remotePath} of ${this.entry.repo} does not match the SHA-256 the Hub gave for it (got ${sha256.slice(0, 12)}…, expected ${file.sha256.slice(0, 12)}…). It was deleted; download again, and check any proxy between you and ${new URL(this.endpoint).host} if it happens again.`,
      );
    }
    await rename(partial, target);
    return { file: { path: file.localPath, remotePath: file.remotePath, size: file.size, sha256, verifiedBy, ...(file.quantization ? { quantization: file.quantization } : {}) }, fetched: true };
  }

  /** Fills `partial` up to the file's size, resuming what is there and retrying dropped connections. */
  private async fetchToPartial(file: PlannedFile, partial: string, report: (bytes: number, force?: boolean) => void): Promise<void> {
    if (file.size === 0) return writeFile(partial, '');
    let failures = 0;
    for (;;) {
      let have = (await stat(partial).catch(() => undefined))?.size ?? 0;
      if (have > file.size) {
        await rm(partial, { force: true });
        have = 0;
      }
      if (have === file.size) return;
      const before = have;
      try {
        have = await this.fetchRange(file, partial, have, report);
        if (have === file.size) return;
        throw new TransientFailure(`the connection closed after ${have} of ${file.size} bytes`);
      } catch (error) {
        if (!(error instanceof TransientFailure)) throw error;
        const now = (await stat(partial).catch(() => undefined))?.size ?? 0;
        // A try that brought bytes is progress, not a failure in a row: a long download over a flaky link still finishes.
        failures = now > before ? 1 : failures + 1;
        if (failures > this.retries) {
          throw new CoreError('download', 'network', `Downloading ${file.remotePath} of ${this.entry.repo} failed ${failures} times in a row (${error.message}). The ${now} bytes received are kept; try again to resume.`, { cause: error });
        }
        await this.sleep(this.retryDelay * 2 ** (failures - 1));
      }
    }
  }

  /** One GET from `have` on; returns the partial's size when the body ended. */
  private async fetchRange(file: PlannedFile, partial: string, have: number, report: (bytes: number, force?: boolean) => void): Promise<number> {
    const idle = new IdleTimer(this.idleTimeout, this.options.signal);
    try {
      // Only bytes the endpoint's SHA-256 will check may come from another host (the CDN).
      const follow = file.sha256 ? 'all' : 'same-origin';
      const response = await this.request('GET', file.url, have > 0 ? { range: `bytes=${have}-` } : {}, idle.signal, follow);
      if (response.status === 416) {
        await response.body?.cancel();
        await rm(partial, { force: true });
        throw new TransientFailure('the server refused to resume the partial file');
      }
      this.checkStatus(response, file.remotePath);
      let start = 0;
      if (response.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
        start = range ? Number(range[1]) : -1;
        if (range && range[3] !== '*' && Number(range[3]) !== file.size) {
          await response.body?.cancel();
          await rm(partial, { force: true });
          throw new CoreError('download', 'size-mismatch', `${file.remotePath} of ${this.entry.repo} is ${range[3]} bytes on the server but the Hub said ${file.size}. The partial file was deleted; download again.`);
        }
        if (start !== have) {
          await response.body?.cancel();
          await rm(partial, { force: true });
          throw new TransientFailure(`the server resumed at byte ${start} instead of ${have}`);
        }
      } else {
        const length = Number(response.headers.get('content-length') ?? Number.NaN);
        if (Number.isFinite(length) && length !== file.size) {
          await response.body?.cancel();
          await rm(partial, { force: true });
          throw new CoreError('download', 'size-mismatch', `${file.remotePath} of ${this.entry.repo} is ${length} bytes on the server but the Hub said ${file.size}. Download again.`);
        }
      }
      // A 200 to a range request means the server starts over, and so does the file.
      const handle = await open(partial, start > 0 ? 'a' : 'w');
      let written = start;
      try {
        if (!response.body) return written;
        for await (const chunk of response.body) {
          idle.touch();
          written += chunk.byteLength;
          if (written > file.size) {
            await response.body.cancel().catch(() => undefined);
            await handle.close();
            await rm(partial, { force: true });
            throw new CoreError('download', 'size-mismatch', `${file.remotePath} of ${this.entry.repo} is longer than the ${file.size} bytes the Hub said. The partial file was deleted; download again.`);
          }
          await handle.write(chunk);
          report(written);
        }
      } finally {
        await handle.close().catch(() => undefined);
      }
      return written;
    } catch (error) {
      throw this.classify(error, file.remotePath, idle);
    } finally {
      idle.dispose();
    }
  }

  /** The file's size, SHA-256 and commit from a HEAD; undefined when the repository has no such file. */
  private async fileMetadata(remotePath: string, revision: string): Promise<{ size: number; sha256: string | undefined; commit: string | undefined } | undefined> {
    const url = this.fileUrl(remotePath, revision);
    let failures = 0;
    for (;;) {
      const idle = new IdleTimer(this.idleTimeout, this.options.signal);
      try {
        const response = await this.request('HEAD', url, {}, idle.signal, 'relative');
        const errorCode = response.headers.get('x-error-code');
        if (errorCode === 'EntryNotFound' || (response.status === 404 && !errorCode)) return undefined;
        if (errorCode === 'RepoNotFound' || errorCode === 'RevisionNotFound') {
          throw new CoreError('download', 
            'not-found',
            errorCode === 'RepoNotFound'
              ? `${new URL(this.endpoint).host} has no public repository ${this.entry.repo}. Check the model name, or choose another model.`
              : `${this.entry.repo} has no revision "${revision}". Check the revision, or leave it empty for ${this.entry.revision}.`,
          );
        }
        this.checkStatus(response, remotePath);
        const size = Number(response.headers.get('x-linked-size') ?? response.headers.get('content-length') ?? Number.NaN);
        if (!Number.isInteger(size) || size < 0) {
          throw new CoreError('download', 'http-error', `${new URL(this.endpoint).host} did not give the size of ${remotePath} in ${this.entry.repo}, so it cannot be verified. Check the endpoint setting.`);
        }
        const etag = (response.headers.get('x-linked-etag') ?? response.headers.get('etag') ?? '').replace(/^W\//, '').replaceAll('"', '').toLowerCase();
        return { size, sha256: /^[0-9a-f]{64}$/.test(etag) ? etag : undefined, commit: response.headers.get('x-repo-commit') ?? undefined };
      } catch (caught) {
        const error = this.classify(caught, remotePath, idle);
        if (!(error instanceof TransientFailure)) throw error;
        failures++;
        if (failures > this.retries) {
          throw new CoreError('download', 'network', `Could not reach ${new URL(this.endpoint).host} for ${this.entry.repo} (${error.message}). Check the connection (or proxy) and try again.`, { cause: error });
        }
        await this.sleep(this.retryDelay * 2 ** (failures - 1));
      } finally {
        idle.dispose();
      }
    }
  }

  /**
   * A request that follows redirects itself, checking each target is HTTPS. `relative` follows only
   * redirects within the endpoint (a renamed repository) and returns a redirect to elsewhere (the
   * CDN), whose headers carry the file's metadata. `same-origin` follows redirects within the
   * endpoint's origin and refuses any other; `all` follows them anywhere (HTTPS still).
   */
  private async request(method: 'GET' | 'HEAD', url: string, headers: Record<string, string>, signal: AbortSignal, follow: 'all' | 'same-origin' | 'relative'): Promise<Response> {
    let current = url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const target = checkUrl(current, 'Redirect target');
      if (follow === 'same-origin' && target.origin !== new URL(this.endpoint).origin) {
        throw new CoreError('download', 
          'insecure-endpoint',
          `${url} redirected to ${target.origin}, but the Hub gave no SHA-256 to check that file by, so it is downloaded only from ${new URL(this.endpoint).origin}. Check the endpoint setting, or any proxy between you and it.`,
        );
      }
      // `identity`: a compressed answer's length is not the file's, and a range of it is not a range of the file.
      const response = await this.fetch(current, { method, headers: { 'accept-encoding': 'identity', ...headers }, redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) return response;
      const relative = !/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('//');
      if (follow === 'relative' && !relative) return response;
      await response.body?.cancel();
      current = new URL(location, current).href;
    }
    throw new CoreError('download', 'http-error', `${url} redirected more than ${MAX_REDIRECTS} times. Check the endpoint setting.`);
  }

  /** Turns an error status into a typed error (or a transient failure worth a retry). */
  private checkStatus(response: Response, remotePath: string): void {
    const { status } = response;
    if (status < 400) return;
    void response.body?.cancel().catch(() => undefined);
    if (status === 429 || status >= 500) throw new TransientFailure(`HTTP ${status}`);
    if (status === 404) throw this.missing(remotePath, this.revision);
    const gated = response.headers.get('x-error-code') === 'GatedRepo' || status === 401 || status === 403;
    throw new CoreError('download', 
      'http-error',
      gated
        ? `${this.entry.repo} refused the download (HTTP ${status}): the repository is gated or private, and downloads here are anonymous. Choose another model, or download it yourself and pick its folder.`
        : `${new URL(this.endpoint).host} answered HTTP ${status} for ${remotePath} of ${this.entry.repo}. Try again later.`,
    );
  }

  /** Sorts a thrown value: the caller's abort, a typed error, or a transient network failure. */
  private classify(error: unknown, remotePath: string, idle: IdleTimer): Error {
    if (this.options.signal?.aborted) return abortError(this.options.signal);
    if (isCoreError(error, 'download') || error instanceof TransientFailure) return error;
    if (idle.fired) return new TransientFailure(`nothing arrived for ${Math.round(this.idleTimeout / 1000)} s`);
    if ((error as { code?: unknown })?.code === 'ENOSPC') {
      return new CoreError('download', 'disk-full', `The disk holding ${this.options.storageDirectory} is full. Free some space and download again; what arrived is kept.`, { cause: error });
    }
    // fetch rejects with a TypeError for every network failure (refused, reset, closed early), its cause saying which.
    if (error instanceof TypeError && error.cause !== undefined) {
      const cause = error.cause as { code?: string; message?: string };
      return new TransientFailure(`${remotePath}: ${cause.code ?? cause.message ?? error.message}`, { cause: error });
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  private missing(remotePath: string, revision: string): CoreError<'download'> {
    return new CoreError('download', 
      'not-found',
      `${this.entry.repo} has no ${remotePath} at ${/^[0-9a-f]{40}$/i.test(revision) ? `commit ${revision.slice(0, 12)}` : `revision "${revision}"`}, which this model needs. Choose another revision or model.`,
    );
  }

  private fileUrl(remotePath: string, revision: string): string {
    const encodedPath = remotePath.split('/').map(encodeURIComponent).join('/');
    return `${this.endpoint}/${this.entry.repo}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
  }

  private progress(progress: DownloadProgress, force: boolean): void {
    if (!this.options.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastProgress < PROGRESS_INTERVAL_MILLISECONDS) return;
    this.lastProgress = now;
    this.options.onProgress(progress);
  }

  private async sleep(milliseconds: number): Promise<void> {
    try {
      await delay(milliseconds, undefined, { signal: this.options.signal });
    } catch {
      throw abortError(this.options.signal);
    }
  }
}

/** The catalog's manifest, its `source` naming where and at which revision the files came from. */
function sourcedManifest(entry: HubCatalogEntry, record: DownloadRecord): ModelManifest {
  return { ...entry.manifest, source: `${record.endpoint}/${record.repo} revision ${record.revision} (commit ${record.commit})`, revision: record.commit };
}

function estimate(entry: HubCatalogEntry, quantizations: Quantization[]): number {
  return quantizations.reduce((sum, quantization) => sum + entry.approximateBytes[quantization], 0);
}

function formatMegabytes(bytes: number): string {
  return `about ${Math.max(1, Math.round(bytes / 1_000_000))} MB`;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}${PARTIAL_SUFFIX}`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}
