import assert from 'node:assert/strict';
import { test } from 'node:test';
import { printHits } from '../../../extension/cli/hits-output.ts';
import type { SearchHit } from '../../../extension/core/search/search.ts';

/** What printHits writes for the hits, as lines. */
function printed(hits: SearchHit[]): string[] {
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stdout.write;
  try {
    printHits(hits);
  } finally {
    process.stdout.write = write;
  }
  return written.join('').split('\n').filter((line) => line !== '');
}

test('a section preview skips HTML comment metadata and does not repeat the summary line', () => {
  const hit = {
    path: 'docs/api/RetryHandler.md', startLine: 42, endLine: 50, language: 'markdown', kind: 'section',
    scope: ['RetryHandler'], symbol: '`new RetryHandler(options)`', chunkIds: [1], scores: { relevance: 0.19 },
    summary: '`options` {DispatchOptions} The dispatch options for the request.',
    snippet: '### `new RetryHandler(options)`\n\n<!-- YAML\nadded: v5.28.0\n-->\n\n* `options` {DispatchOptions} The dispatch options for the request.\n  an optional `retryOptions` field.',
  } as unknown as SearchHit;
  const lines = printed([hit]);
  assert.match(lines[0]!, /^ 1\. docs\/api\/RetryHandler\.md:42-50/);
  assert.deepEqual(lines.slice(1).map((line) => line.trim()), [
    '`options` {DispatchOptions} The dispatch options for the request.',
    '### `new RetryHandler(options)`',
    'an optional `retryOptions` field.',
  ]);
});

test('a preview keeps a line that goes on past the summary', () => {
  const hit = {
    path: 'src/types.ts', startLine: 4914, endLine: 4914, language: 'typescript', kind: 'type', symbol: 'CustomParams', scope: [],
    chunkIds: [2], scores: { relevance: 0.07 }, summary: 'type CustomParams =',
    snippet: 'type CustomParams = CustomErrorParams & { fatal?: boolean };',
  } as unknown as SearchHit;
  assert.deepEqual(printed([hit]).slice(1).map((line) => line.trim()), ['type CustomParams =', 'type CustomParams = CustomErrorParams & { fatal?: boolean };']);
});

test("a preview leaves out every line of the summary's sentence", () => {
  const hit = {
    path: 'src/re_trait.rs', startLine: 150, endLine: 154, language: 'rust', kind: 'method', symbol: 'find_iter', scope: ['RegularExpression'],
    chunkIds: [3], scores: { relevance: 0.24 }, summary: 'Returns an iterator over all non-overlapping successive leftmost-first matches.',
    snippet: '/// Returns an iterator over all non-overlapping successive leftmost-first\n/// matches.\nfn find_iter(self, text: &Self::Text) -> Matches<\'_, Self> {',
  } as unknown as SearchHit;
  assert.deepEqual(printed([hit]).slice(2).map((line) => line.trim()), ["fn find_iter(self, text: &Self::Text) -> Matches<'_, Self> {"]);
});

test("a section preview leaves out an anchor line between the heading and the text", () => {
  // fastify's docs/Reference/Routes.md: `### Shorthand declaration` then `<a id="shorthand-declaration"></a>`.
  const hit = {
    path: 'docs/Reference/Routes.md', startLine: 174, endLine: 180, language: 'markdown', kind: 'section', scope: ['Routes'],
    symbol: 'Shorthand declaration', chunkIds: [3], scores: { relevance: 0.15 }, summary: 'The above route declaration is more *Hapi*-like.',
    snippet: '### Shorthand declaration\n<a id="shorthand-declaration"></a>\n\nThe above route declaration is more *Hapi*-like.\nFastify also offers shorthand methods.',
  } as unknown as SearchHit;
  assert.deepEqual(printed([hit]).slice(1).map((line) => line.trim()), [
    'The above route declaration is more *Hapi*-like.',
    '### Shorthand declaration',
    'Fastify also offers shorthand methods.',
  ]);
});

test("a statements preview shows what follows the imports, and an import block still shows its imports", () => {
  const hit = {
    path: 'lib/redaction.js', startLine: 1, endLine: 10, language: 'javascript', kind: 'statements', scope: [], chunkIds: [4],
    scores: { relevance: 0.06 }, summary: "Custom rx regex equivalent to fast-redact's rx",
    snippet: "'use strict'\n\nconst Redact = require('@pinojs/redact')\n\n// Custom rx regex equivalent to fast-redact's rx\nconst rx = /[^.[\\]]+/g\nconst CENSOR = '[Redacted]'",
  } as unknown as SearchHit;
  assert.deepEqual(printed([hit]).slice(1).map((line) => line.trim()), ["Custom rx regex equivalent to fast-redact's rx", 'const rx = /[^.[\\]]+/g', "const CENSOR = '[Redacted]'"]);
  const imports = { ...hit, summary: "import { a } from './a';", snippet: "import { a } from './a';\nimport b from './b';" } as unknown as SearchHit;
  assert.deepEqual(printed([imports]).slice(1).map((line) => line.trim()), ["import { a } from './a';", "import b from './b';"]);
});
