// Relations: what each chunk defines, calls and imports, read from the syntax tree. Each expectation below was
// written by hand from the source next to it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createChunker, RELATIONS_VERSION, type Chunk, type ChunkRelations } from '../../../extension/core/chunking/index.ts';
import { countCharacters, countWords } from './helpers.ts';

const fixtureRoot = fileURLToPath(new URL('../../fixtures/chunking/', import.meta.url));

/** Relations by chunk, keyed `kind symbol@startLine` so a failure says which chunk. */
function relationsByChunk(chunks: readonly Chunk[]): Record<string, ChunkRelations> {
  return Object.fromEntries(chunks.map((chunk) => [`${chunk.kind} ${chunk.symbol ?? '-'}@${chunk.startLine}`, chunk.relations]));
}

const none: ChunkRelations = { defines: [], calls: [], imports: [] };

describe('chunk relations', () => {
  const warnings: string[] = [];
  const chunker = createChunker({ maxTokens: 512, overlapTokens: 32, countTokens: countWords, maxChunkLines: 40, logger: { warn: (message) => warnings.push(message) } });
  after(() => chunker.dispose());

  it('Python: imports with their names, constants, calls by their last identifier, no builtins', async () => {
    const text = [
      'import os.path',
      'from .codec import decode as unpack, Frame',
      '',
      'LIMIT = 10',
      '',
      '',
      'def read_all(stream):',
      '    """Read every frame."""',
      '    frames = [Frame(chunk) for chunk in stream]',
      '    data = stream.buffer.read(LIMIT)',
      '    print(len(frames))',
      '    return unpack(os.path.join(data))',
      '',
      '',
      'class Reader:',
      '    size = 4',
      '',
      '    def peek(self): return self._next()',
      '',
      '    def consume(self, count):',
      '        super().__init__()',
      '        items = self.peek()',
      '        return read_all(items)[:count]',
    ].join('\n');
    const chunks = await chunker.chunkFile('pkg/reader.py', text);
    assert.deepEqual(relationsByChunk(chunks), {
      'statements -@1': { defines: ['LIMIT'], calls: [], imports: ['os.path', '.codec', 'decode', 'Frame'] },
      'function read_all@7': { defines: ['read_all'], calls: ['Frame', 'read', 'unpack', 'join'], imports: [] },
      'class Reader@15': { defines: ['Reader', 'size', 'peek'], calls: ['_next'], imports: [] },
      'method consume@20': { defines: ['consume'], calls: ['peek', 'read_all'], imports: [] },
    });
  });

  it('Go: import paths, grouped constants and types, calls, struct literals and no builtins', async () => {
    const text = [
      'package server',
      '',
      'import (',
      '\t"net/http"',
      '\tlog "github.com/sirupsen/logrus"',
      ')',
      '',
      'const (',
      '\tdefaultPort = 8080',
      '\tmaxConns, minConns = 10, 1',
      ')',
      '',
      'type Handler func(w http.ResponseWriter)',
      '',
      '// Start runs the server.',
      'func Start(addr string) error {',
      '\tsrv := &http.Server{Addr: addr}',
      '\tconns := make([]int, 0, maxConns)',
      '\tlog.Infof("listening on %s", addr)',
      '\treturn srv.ListenAndServe(len(conns))',
      '}',
      '',
      'func (s *State) Reset() {',
      '\ts.items = nil',
      '\ts.clear()',
      '}',
    ].join('\n');
    const chunks = await chunker.chunkFile('server/start.go', text);
    assert.deepEqual(relationsByChunk(chunks), {
      'statements -@1': { defines: ['defaultPort', 'maxConns', 'minConns', 'Handler'], calls: [], imports: ['net/http', 'github.com/sirupsen/logrus'] },
      'function Start@15': { defines: ['Start'], calls: ['Server', 'Infof', 'ListenAndServe'], imports: [] },
      'method Reset@23': { defines: ['Reset'], calls: ['clear'], imports: [] },
    });
  });

  it('JavaScript: imports, require, dynamic import, new, optional calls and JSX components', async () => {
    const text = [
      "import EventEmitter, { once, on as listen } from 'node:events';",
      "const { join } = require('node:path');",
      'export const DEFAULTS = { retries: 3 }, NAME = "bus";',
      '',
      'export class Bus extends EventEmitter {',
      '  publish(topic, payload) {',
      '    const event = new Message(topic, payload);',
      '    this.#log?.(event);',
      '    return this.emit(topic, event);',
      '  }',
      '}',
      '',
      'export async function load(path) {',
      "  const plugin = await import('./plugin.js');",
      '  return plugin.default.start(join(path), new URL(path));',
      '}',
      '',
      'function View() {',
      '  return <Panel title="x"><div /><Row.Item /></Panel>;',
      '}',
    ].join('\n');
    const chunks = await chunker.chunkFile('src/bus.jsx', text);
    assert.deepEqual(relationsByChunk(chunks), {
      'statements -@1': { defines: ['DEFAULTS', 'NAME'], calls: [], imports: ['EventEmitter', 'once', 'on', 'node:events', 'node:path'] },
      'class Bus@5': { defines: ['Bus'], calls: [], imports: [] },
      'method publish@6': { defines: ['publish'], calls: ['Message', '#log', 'emit'], imports: [] },
      'function load@13': { defines: ['load'], calls: ['start', 'join', 'URL'], imports: ['./plugin.js'] },
      'function View@18': { defines: ['View'], calls: ['Panel'], imports: [] },
    });
  });

  it('TypeScript: type-only imports, import = require, exported declarations, small helpers grouped', async () => {
    const text = [
      "import type { Options } from './options.ts';",
      "import fs = require('node:fs');",
      "export * from './util.ts';",
      'export type Mode = "fast" | "safe";',
      'const cache = new Map<string, number>();',
      'const double = (n: number) => twice(n);',
      'export function parse(input: string, options: Options): number {',
      '  const value = Number.parseInt(input.trim(), 10);',
      '  validate<number>(value, options);',
      '  return cache.get(input) ?? double(value);',
      '}',
    ].join('\n');
    const chunks = await chunker.chunkFile('src/parse.ts', text);
    assert.deepEqual(relationsByChunk(chunks), {
      'statements -@1': { defines: ['Mode', 'cache', 'double'], calls: ['twice'], imports: ['Options', './options.ts', 'node:fs', './util.ts'] },
      'function parse@7': { defines: ['parse'], calls: ['parseInt', 'trim', 'validate', 'get', 'double'], imports: [] },
    });
  });

  it('the fixtures: a class chunk keeps its small members, each method its own calls', async () => {
    const go = relationsByChunk(await chunker.chunkFile('src/engine.go', readFileSync(`${fixtureRoot}go/engine.go`, 'utf8')));
    assert.deepEqual(go['method Run@65'], { defines: ['Run'], calls: ['Lock', 'Unlock', 'Server', 'Is', 'ListenAndServe'], imports: [] });
    assert.deepEqual(go['function New@46'], { defines: ['New'], calls: ['Engine'], imports: [] });
    const python = relationsByChunk(await chunker.chunkFile('src/packets.py', readFileSync(`${fixtureRoot}python/packets.py`, 'utf8')));
    assert.deepEqual(python['method packets@73'], { defines: ['packets'], calls: ['parse', 'Packet'], imports: [] });
    assert.deepEqual(python['class Header@21']!.defines, ['Header', 'version', 'flags', 'length', 'to_bytes']);
  });

  it('gives every piece of a split function its symbol and only the calls on its own lines', async () => {
    const body = Array.from({ length: 60 }, (_, index) => `  step${index}(value);`);
    const text = ['export function pipeline(value: number) {', ...body, '}'].join('\n');
    const chunks = await chunker.chunkFile('src/pipeline.ts', text);
    assert.ok(chunks.length >= 2, 'the function is split');
    const calls = chunks.flatMap((chunk) => chunk.relations.calls);
    for (const chunk of chunks) assert.deepEqual(chunk.relations.defines, ['pipeline']);
    // Overlapping pieces share a few calls; together they hold every one, each piece only its own lines'.
    assert.deepEqual([...new Set(calls)], body.map((_, index) => `step${index}`));
    for (const chunk of chunks) {
      for (const call of chunk.relations.calls) assert.ok(chunk.text.includes(`${call}(`), `${call} is on a line of its piece`);
    }
  });

  it('Markdown sections and line windows have empty relations', async () => {
    for (const chunk of await chunker.chunkFile('docs/guide.md', '# Guide\n\nCall `parse(x)` first.\n\n## More\n\nimport os\n')) assert.deepEqual(chunk.relations, none);
    for (const chunk of await chunker.chunkFile('notes.txt', 'parse(x)\nimport os\n')) assert.deepEqual(chunk.relations, none);
  });

  it('compiles the relation query of every syntax language (no warning), and says which version it is', async () => {
    const samples: [string, string][] = [
      ['a.rs', 'use std::io::{self, Read};\nfn main() { let x = Vec::new(); run(x); }\n'],
      ['A.java', 'import java.util.List;\nclass A { void f() { g(); new B(); } }\n'],
      ['a.c', '#include <stdio.h>\nint main(void) { return run(1); }\n'],
      ['a.cpp', '#include "a.h"\nnamespace n { int f() { return g::h(new T()); } }\n'],
      ['A.cs', 'using System.IO;\nclass A { void F() { G(); new B(); } }\n'],
      ['a.rb', "require 'json'\ndef f\n  g(1)\nend\n"],
      ['a.php', '<?php\nuse App\\Models\\User;\nfunction f() { g(); $u->save(); new User(); }\n'],
      ['a.tsx', "import React from 'react';\nexport const A = () => <B />;\n"],
    ];
    for (const [path, text] of samples) {
      const chunks = await chunker.chunkFile(path, text);
      assert.ok(chunks.some((chunk) => chunk.relations.calls.length > 0 || chunk.relations.imports.length > 0), `${path} has relations`);
    }
    assert.deepEqual(warnings, []);
    assert.equal(RELATIONS_VERSION, 2, "2: chunks also record where their definition and signature are");
  });

  it('stays fast and finds calls on 5,000-deep nesting without recursion', async () => {
    // A deadline far above the parse time: on a loaded machine the default 5 s cut the relations off (by design).
    const robust = createChunker({ maxTokens: 256, overlapTokens: 32, countTokens: countCharacters, maxChunkLines: 150, parseTimeoutMs: 60_000 });
    try {
      const depth = 5000;
      const started = performance.now();
      const calls = await robust.chunkFile('src/deep.ts', `const x = ${'f('.repeat(depth)}1${')'.repeat(depth)};\n`);
      const nested = await robust.chunkFile('src/deep.py', `${Array.from({ length: depth }, (_, level) => `${' '.repeat(level)}if x:`).join('\n')}\n${' '.repeat(depth)}run()\n`);
      assert.ok(performance.now() - started < 60_000, 'no pathological slowdown');
      assert.ok(calls.some((chunk) => chunk.relations.calls.includes('f')));
      assert.ok(nested.some((chunk) => chunk.relations.calls.includes('run')));
      for (const chunk of [...calls, ...nested]) assert.ok(chunk.relations.calls.length <= 200);
    } finally {
      robust.dispose();
    }
  });
});
