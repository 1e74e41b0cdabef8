// Golden files: one realistic fixture per language, its chunks summarised next to it. Rewrite the goldens with
// UPDATE_GOLDEN=1 node --test test/unit/chunking/ and review the diff by eye.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createChunker, languageForPath, type Chunk } from '../../../extension/core/chunking/index.ts';
import {
  assertEveryLineCovered,
  assertFitsWindow,
  assertPartsConsistent,
  assertTextFromSource,
  countWords,
} from './helpers.ts';

const fixtureRoot = fileURLToPath(new URL('../../fixtures/chunking/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
// A small line limit so that the goldens show a split function too.
const window = { maxTokens: 512, overlapTokens: 32, countTokens: countWords, maxChunkLines: 40 };

function summarise(chunk: Chunk): Record<string, unknown> {
  return {
    kind: chunk.kind,
    symbol: chunk.symbol,
    scope: chunk.scope,
    signature: chunk.signature,
    lines: [chunk.startLine, chunk.endLine],
    part: chunk.part === undefined ? undefined : [chunk.part.index, chunk.part.count],
    // Where the definition starts, its signature line, and an outline's last head line.
    definition: chunk.definition === undefined ? undefined : [chunk.definition.startLine, chunk.definition.line, chunk.definition.headEndLine ?? null],
    // The doc comment's first line with words in it, enough to see which comment was attached.
    doc: chunk.docComment?.split('\n').find((line) => /\w/.test(line))?.trim(),
  };
}

function goldenText(chunks: readonly Chunk[]): string {
  return `[\n${chunks.map((chunk) => `  ${JSON.stringify(summarise(chunk))}`).join(',\n')}\n]\n`;
}

const fixtures = readdirSync(fixtureRoot, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((directory) =>
    readdirSync(join(fixtureRoot, directory.name))
      .filter((name) => !name.endsWith('.golden.json'))
      .map((name) => ({ language: directory.name, name, file: join(fixtureRoot, directory.name, name) })),
  );

describe('chunking golden files', () => {
  const chunker = createChunker(window);
  after(() => chunker.dispose());

  it('has a fixture for every language', () => {
    const languages = new Set(fixtures.map((fixture) => languageForPath(fixture.name)));
    for (const language of ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp', 'ruby', 'php', 'markdown', 'text']) {
      assert.ok(languages.has(language as never), `no fixture for ${language}`);
    }
  });

  for (const fixture of fixtures) {
    describe(`${fixture.language}/${fixture.name}`, () => {
      const text = readFileSync(fixture.file, 'utf8');
      const path = `src/${fixture.name}`;
      let chunks: Chunk[] = [];

      it('matches its golden file', async () => {
        chunks = await chunker.chunkFile(path, text);
        const golden = `${fixture.file}.golden.json`;
        const actual = goldenText(chunks);
        if (update || !existsSync(golden)) writeFileSync(golden, actual);
        assert.equal(actual, readFileSync(golden, 'utf8'));
      });

      it('puts every non-blank line in a chunk', () => assertEveryLineCovered(chunks, text));

      it('takes each chunk text from its lines', () => {
        for (const chunk of chunks) assertTextFromSource(chunk, text);
      });

      it('fits every chunk in the window', () => assertFitsWindow(chunks, window));

      it('numbers the parts of split chunks', () => assertPartsConsistent(chunks));

      it('records the path and language', () => {
        for (const chunk of chunks) {
          assert.equal(chunk.path, path);
          assert.equal(chunk.language, languageForPath(fixture.name));
        }
      });
    });
  }
});
