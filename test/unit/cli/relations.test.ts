// semsearch search --relations and --expand-calls, end to end: index a small project with the GloVe model, then
// ask for a function's callers and callees, and for the definitions its top results call.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { semsearch } from './run-cli.ts';

const FILES: Record<string, string> = {
  'src/http/server.ts': `import { parseHeaders } from './headers.ts';

/** Handles an incoming request: reads its headers and answers it. */
export function handleRequest(raw: string): string {
  const headers = parseHeaders(raw);
  const status = headers.size > 0 ? 200 : 400;
  return \`HTTP/1.1 \${status}\`;
}
`,
  'src/http/headers.ts': `/** Splits raw bytes into header fields. */
export function parseHeaders(raw: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of raw.split('\\n')) fields.set(line.split(':')[0]!, line);
  return fields;
}
`,
  // Found by the query on its own words, so that the list holds a result other than the callee in second place
  // and the callee comes there only by expansion, whatever the ranker makes of parseHeaders.
  'src/http/client.ts': `/** Handles an outgoing request: sends it and returns the answer. */
export function sendRequest(request: string): string {
  return request.trim();
}
`,
  'src/main.ts': `import { handleRequest } from './http/server.ts';

/** Starts the program and answers one request. */
export function main(): void {
  const answer = handleRequest('Host: example.org');
  process.stdout.write(answer);
}
`,
};

describe('semsearch search --relations and --expand-calls', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-relations-'));
  for (const [relative, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  }
  const database = path.join(root, '..', `${path.basename(root)}.db`);
  const query = 'handle an incoming request';

  test('index, then --relations prints each result\'s callers and callees', () => {
    const indexed = semsearch('index', root, '--db', database, '--model', 'glove-100d', '--quantization', 'fp32');
    assert.equal(indexed.code, 0, indexed.stderr);
    const found = semsearch('search', query, '--db', database, '--k', '1', '--relations');
    assert.equal(found.code, 0, found.stderr);
    const lines = found.stdout.split('\n');
    assert.match(lines[0]!, /^ 1\. src\/http\/server\.ts:\d+-\d+ {2}handleRequest/);
    assert.ok(lines.includes('      callers: main (src/main.ts:3)'), found.stdout);
    assert.ok(lines.includes('      callees: parseHeaders (src/http/headers.ts:1)'), found.stdout);
  });

  test('--json --relations adds the callers and callees of each result', () => {
    const found = semsearch('search', query, '--db', database, '--k', '1', '--relations', '--json');
    assert.equal(found.code, 0, found.stderr);
    const [result] = (JSON.parse(found.stdout) as { results: { symbol: string; callers: unknown[]; callees: unknown[] }[] }).results;
    assert.equal(result!.symbol, 'handleRequest');
    assert.deepEqual(result!.callers, [{ name: 'handleRequest', path: 'src/main.ts', start_line: 3, end_line: 7, symbol: 'main', kind: 'function', proximity: 'elsewhere' }]);
    assert.deepEqual(result!.callees, [{ name: 'parseHeaders', path: 'src/http/headers.ts', start_line: 1, end_line: 6, symbol: 'parseHeaders', kind: 'function', proximity: 'same-directory' }]);
  });

  test('--expand-calls puts the callee after its caller, in text, --json and --batch', () => {
    const text = semsearch('search', query, '--db', database, '--k', '2', '--expand-calls', '--expand-hits', '1');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ 2\. src\/http\/headers\.ts:1-6 {2}parseHeaders .* called as parseHeaders\(\) by result 1$/m);
    const json = JSON.parse(semsearch('search', query, '--db', database, '--k', '2', '--expand-calls', '--json').stdout) as { results: { symbol: string; via?: { name: string } }[] };
    assert.deepEqual(json.results.map((result) => [result.symbol, result.via?.name ?? null]), [['handleRequest', null], ['parseHeaders', 'parseHeaders']]);

    const batch = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-')), 'queries.jsonl');
    writeFileSync(batch, `${JSON.stringify({ id: 'q1', query })}\n`);
    const lines = (flags: string[]) => {
      const out = `${batch}.${flags.length}.out`;
      const run = semsearch('search', '--batch', batch, '--db', database, '--k', '2', '--out', out, ...flags);
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(readFileSync(out, 'utf8')) as { id: string; results: { path: string; start_line: number; end_line: number; score: number; via?: unknown }[] };
    };
    const expanded = lines(['--expand-calls']);
    assert.equal(expanded.results[1]!.path, 'src/http/headers.ts');
    assert.ok(expanded.results[1]!.via);
    assert.ok(lines([]).results.every((result) => result.via === undefined));
  });

  test('--expand-hits without --expand-calls is a usage mistake', () => {
    const wrong = semsearch('search', query, '--db', database, '--expand-hits', '2');
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--expand-hits goes with --expand-calls/);
  });
});
