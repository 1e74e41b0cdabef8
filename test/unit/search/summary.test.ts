import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkSummary, docLine } from '../../../extension/core/search/summary.ts';
import { withoutHtmlComments } from '../../../extension/core/text/meaningful-lines.ts';

// The section of an API page written the way Node's and undici's docs are: metadata in an HTML comment under the heading.
const NODE_STYLE_SECTION = [
  '### `new RetryHandler(options, retryHandlers)`',
  '',
  '<!-- YAML',
  'added: v5.28.0',
  'changes:',
  '  - version: v7.0.0',
  '-->',
  '',
  '* `options` {DispatchOptions} The dispatch options for the request. Extended with retries.',
].join('\n');

test('a section summary is its first line of prose, not the metadata of an HTML comment', () => {
  const summary = chunkSummary({ text: NODE_STYLE_SECTION, startLine: 42, kind: 'section', definition: undefined, docComment: undefined, signature: undefined });
  assert.equal(summary, '`options` {DispatchOptions} The dispatch options for the request. Extended with retries.');
});

test('a one-line HTML comment before a page title is skipped, and a quoted line loses its quote marks', () => {
  const text = '<!--introduced_in=v6.7.0-->\n# RetryAgent\n<!--type=module-->\n\n> Stability: 2 - Stable\n\nA dispatcher that retries.';
  assert.equal(chunkSummary({ text, startLine: 1, kind: 'section', definition: undefined, docComment: undefined, signature: undefined }), 'Stability: 2 - Stable');
});

test("a section's anchor or image line gives way to its first sentence; a tag around words is kept", () => {
  // fastify's docs/Reference/Hooks.md puts an anchor above each heading.
  const anchored = '<a id="route-hooks"></a>\n## Route level hooks\n\nYou can declare one or more custom lifecycle hooks.';
  assert.equal(chunkSummary({ text: anchored, startLine: 657, kind: 'section', definition: undefined, docComment: undefined, signature: undefined }), 'You can declare one or more custom lifecycle hooks.');
  const titled = '<h1 align="center">Fastify</h1>\n<img src="logo.png" width="200">\n\n## Factory';
  assert.equal(chunkSummary({ text: titled, startLine: 1, kind: 'section', definition: undefined, docComment: undefined, signature: undefined }), '<h1 align="center">Fastify</h1>');
});

test('a list item as a section summary is shown without its marker', () => {
  const layout = '## Layout\n\n- `server/` — the HTTP server (Go)\n- `src/config/` — loading the configuration';
  assert.equal(chunkSummary({ text: layout, startLine: 6, kind: 'section', definition: undefined, docComment: undefined, signature: undefined }), '`server/` — the HTTP server (Go)');
  const steps = '## Install\n\n1. Run `npm install`.\n2. Start it.';
  assert.equal(chunkSummary({ text: steps, startLine: 1, kind: 'section', definition: undefined, docComment: undefined, signature: undefined }), 'Run `npm install`.');
});

test('a doc comment that is only a link gives way to the signature', () => {
  const chunk = {
    text: '// https://websockets.spec.whatwg.org/#interface-definition\nclass WebSocket extends EventTarget {\n  #events = {}\n}',
    startLine: 64,
    kind: 'class' as const,
    definition: { line: 65, startLine: 64 },
    docComment: '// https://websockets.spec.whatwg.org/#interface-definition',
    signature: 'class WebSocket extends EventTarget',
  };
  assert.equal(chunkSummary(chunk as Parameters<typeof chunkSummary>[0]), 'class WebSocket extends EventTarget');
  const described = { ...chunk, docComment: '// The WebSocket interface, see https://websockets.spec.whatwg.org/' };
  assert.equal(chunkSummary(described as Parameters<typeof chunkSummary>[0]), 'The WebSocket interface, see https://websockets.spec.whatwg.org/');
});

test('HTML comments are blanked line for line, and the text around them stays', () => {
  const lines = ['before <!-- a', 'b', 'c --> after <!-- d --> end', '<!---->x'];
  assert.deepEqual(withoutHtmlComments(lines), ['before ', '', ' after  end', 'x']);
  assert.equal(withoutHtmlComments(lines).length, lines.length);
});

test("a statements chunk's summary skips the file's licence header", () => {
  const text = '// Copyright 2017 The Gorilla WebSocket Authors. All rights reserved.\n// Use of this source code is governed by a BSD-style\n// license that can be found in the LICENSE file.\n\npackage websocket\n\nimport "compress/flate"\n';
  assert.equal(chunkSummary({ text, startLine: 1, kind: 'statements', definition: undefined, docComment: undefined, signature: undefined }), 'package websocket');
  const code = 'const licenseKey = readLicense();';
  assert.equal(chunkSummary({ text: code, startLine: 1, kind: 'statements', definition: undefined, docComment: undefined, signature: undefined }), code, 'code that names a licence is not a header');
});

test("a statements chunk's summary skips a bundler's folding markers", () => {
  const text = '//#endregion\n//#region src/adapter/bun/index.ts\nconst upgradeWebSocket = createBunWebSocket();';
  assert.equal(chunkSummary({ text, startLine: 40, kind: 'statements', definition: undefined, docComment: undefined, signature: undefined }), 'const upgradeWebSocket = createBunWebSocket();');
});

test("a statements chunk's summary is its first statement after 'use strict' and the imports", () => {
  // pino's lib/redaction.js: every result of a CommonJS file's first lines said 'use strict'.
  const text = "'use strict'\n\nconst Redact = require('@pinojs/redact')\nconst { redactFmtSym } = require('./symbols')\n\nconst CENSOR = '[Redacted]'\n";
  assert.equal(chunkSummary({ text, startLine: 1, kind: 'statements', definition: undefined, docComment: undefined, signature: undefined }), "const CENSOR = '[Redacted]'");
  const importsOnly = "import {\n  a,\n} from './a';\nimport b from './b';\n";
  assert.equal(chunkSummary({ text: importsOnly, startLine: 1, kind: 'statements', definition: undefined, docComment: undefined, signature: undefined }), 'import {');
});

test("a doc line skips a folding marker above the doc comment", () => {
  // knex's query compiler: `//#region Delete` then the method's JSDoc.
  const docComment = '//#region Delete\n/**\n * Compiles a `delete` query.\n */';
  assert.equal(docLine({ text: 'del() {}', startLine: 10, definition: { startLine: 10, line: 14, headEndLine: undefined }, docComment }), 'Compiles a `delete` query.');
});
