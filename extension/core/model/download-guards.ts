// What a model download refuses or gives up on (download.ts): endpoints that are not HTTPS (plain HTTP only on a
// loopback address, for tests), repository ids and file paths that could leave the storage folder, and requests
// that receive nothing for too long.
import path from 'node:path';
import { CoreError } from '../errors.ts';
import type { HubCatalogEntry } from './catalog.ts';

/** Aborts a request when nothing arrives for a while; `touch` on every chunk. */
export class IdleTimer {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  readonly signal: AbortSignal;
  fired = false;
  private readonly milliseconds: number;

  constructor(milliseconds: number, outer?: AbortSignal) {
    this.milliseconds = milliseconds;
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
    this.touch();
  }

  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new DOMException('idle', 'TimeoutError'));
    }, this.milliseconds);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function checkUrl(url: string, what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new CoreError('download', 'insecure-endpoint', `${what} "${url}" is not a URL. Set it to an https:// address.`, { cause: error });
  }
  if (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname))) return parsed;
  throw new CoreError('download', 
    'insecure-endpoint',
    `${what} ${parsed.origin} is not HTTPS. Models are downloaded over HTTPS only (plain HTTP only from 127.0.0.1 or localhost, for tests); use an https:// address.`,
  );
}

export function checkEndpoint(endpoint: string): string {
  checkUrl(endpoint, 'The download endpoint');
  return endpoint.replace(/\/+$/, '');
}

/** Rejects repository names and file paths that could leave the storage folder. */
export function checkRepository(entry: HubCatalogEntry): void {
  if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(entry.repo) || entry.repo.includes('..')) {
    throw new CoreError('download', 'not-found', `"${entry.repo}" is not a Hugging Face repository id (owner/name). Correct the model setting.`);
  }
  const paths = [...entry.files.map((file) => file.path), ...Object.values(entry.onnx).flat()];
  for (const file of paths) {
    if (path.isAbsolute(file) || file.split('/').some((segment) => segment === '..' || segment === '')) {
      throw new TypeError(`Catalog entry ${entry.id} names an unsafe file path: ${file}`);
    }
  }
}
