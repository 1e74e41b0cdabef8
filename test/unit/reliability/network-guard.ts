// Preloaded (`node --import`) into a child process by the trust tests: every way Node code can reach the
// network (fetch, http(s) requests, TCP and TLS sockets, UDP, DNS) is replaced by a function that appends
// what was attempted to the file named by SEMSEARCH_NETWORK_LOG, one JSON line each, and then throws, so
// an attempt both fails and is seen. Native code (onnxruntime's own uploads) does not go through these;
// the tests check its footprint separately.
import { appendFileSync } from 'node:fs';
import dgram from 'node:dgram';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

const log = process.env.SEMSEARCH_NETWORK_LOG;
if (!log) throw new Error('network-guard.ts needs SEMSEARCH_NETWORK_LOG');

function describe(args: unknown[]): string {
  const first = args[0];
  if (typeof first === 'string' || first instanceof URL) return String(first);
  if (first && typeof first === 'object') {
    const { href, url, host, hostname, port, path } = first as Record<string, unknown>;
    return String(href ?? url ?? `${String(hostname ?? host ?? '')}:${String(port ?? '')}${typeof path === 'string' ? path : ''}`);
  }
  return String(first);
}

/** A stand-in for a network function of type T that records the attempt and throws. */
function refuse<T>(api: string): T {
  const refused = (...args: unknown[]): never => {
    appendFileSync(log!, `${JSON.stringify({ api, target: describe(args), pid: process.pid })}\n`);
    throw new Error(`network-guard: ${api} is not allowed here`);
  };
  return refused as unknown as T;
}

globalThis.fetch = refuse<typeof fetch>('fetch');
http.request = refuse<typeof http.request>('http.request');
http.get = refuse<typeof http.get>('http.get');
https.request = refuse<typeof https.request>('https.request');
https.get = refuse<typeof https.get>('https.get');
net.connect = refuse<typeof net.connect>('net.connect');
net.createConnection = refuse<typeof net.createConnection>('net.createConnection');
net.Socket.prototype.connect = refuse<typeof net.Socket.prototype.connect>('net.Socket.connect');
tls.connect = refuse<typeof tls.connect>('tls.connect');
dgram.createSocket = refuse<typeof dgram.createSocket>('dgram.createSocket');
dns.lookup = refuse<typeof dns.lookup>('dns.lookup');
dns.resolve = refuse<typeof dns.resolve>('dns.resolve');
dns.promises.lookup = refuse<typeof dns.promises.lookup>('dns.promises.lookup');
dns.promises.resolve = refuse<typeof dns.promises.resolve>('dns.promises.resolve');
// `import { request } from 'node:http'` reads the ES module's own copies: bring them in line.
syncBuiltinESMExports();
