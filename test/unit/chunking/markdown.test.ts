// Markdown chunking: one section per heading, outside code fences and front matter. Section boundaries are
// checked without merging short sections (prose.ts merges them by default; prose.test.ts covers that).

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createChunker, type Chunk } from '../../../extension/core/chunking/index.ts';
import { PROSE_DEFAULTS, proseDrafts } from '../../../extension/core/chunking/prose.ts';
import { resultExtent } from '../../../extension/core/search/results.ts';
import type { StoredChunk } from '../../../extension/core/store/index-store.ts';
import { assertEveryLineCovered, assertPartsConsistent, countWords } from './helpers.ts';

function outline(chunks: readonly Chunk[]): string[] {
  return chunks.map(
    (chunk) => `${chunk.startLine}-${chunk.endLine} ${chunk.symbol ?? '(preamble)'} [${chunk.scope.join(' > ')}]`,
  );
}

/**
 * Sections of a Markdown text, short ones not merged, as `outline` prints chunks: the lines each holds of its own
 * (an outline's subsection titles, elided lines, aside).
 */
function sections(text: string): string[] {
  return proseDrafts(text.split('\n'), 'markdown', { ...PROSE_DEFAULTS, mergeBelowChars: 0 }).map((draft) => {
    const own = draft.lines.filter((line) => !line.elided);
    return `${own[0]!.row + 1}-${own.at(-1)!.row + 1} ${draft.symbol ?? '(preamble)'} [${draft.scope.join(' > ')}]`;
  });
}

describe('markdown sections', () => {
  const chunker = createChunker({ maxTokens: 512, overlapTokens: 16, countTokens: countWords });
  after(() => chunker.dispose());

  it('runs a section from its heading to the next heading of any level, with the heading chain as scope', async () => {
    const text = [
      'Intro text.', //                    1
      '# Guide', //                        2
      'Guide text.', //                    3
      '## Install', //                     4
      'Install text.', //                  5
      '### Linux', //                      6
      'Linux text.', //                    7
      '## Usage', //                       8
      'Usage text.', //                    9
      '# Reference', //                    10
      'Reference text.', //                11
    ].join('\n');
    const chunks = await chunker.chunkFile('docs/guide.md', text);
    assert.deepEqual(sections(text), [
      '1-1 (preamble) []',
      '2-3 Guide [Guide]',
      '4-5 Install [Guide > Install]',
      '6-7 Linux [Guide > Install > Linux]',
      '8-9 Usage [Guide > Usage]',
      '10-11 Reference [Reference]',
    ]);
    assert.ok(chunks.every((chunk) => chunk.kind === 'section' && chunk.language === 'markdown'));
    assert.equal(proseDrafts(text.split('\n'), 'markdown', { ...PROSE_DEFAULTS, mergeBelowChars: 0 })[2]!.signature, '## Install');
    assertEveryLineCovered(chunks, text);
  });

  it('ignores headings inside fenced code blocks and front matter', async () => {
    const text = [
      '---',
      '# yaml comment',
      '---',
      '# Real',
      '```python',
      '# a comment, not a heading',
      '```',
      '~~~~',
      '## not a heading',
      '~~~', // too short to close a four-tilde fence
      '## still not a heading',
      '~~~~~',
      '## Second',
      'text',
    ].join('\n');
    assert.deepEqual(sections(text), ['1-3 (preamble) []', '4-12 Real [Real]', '13-14 Second [Real > Second]']);
  });

  it('reads heading text like CommonMark: closing hashes dropped, a space required, at most three spaces of indent', async () => {
    const text = ['## Settings ##', 'a', '#hashtag', '   ### Indented', 'b', '    # code block', 'c'].join('\n');
    assert.deepEqual(sections(text), ['1-3 Settings [Settings]', '4-7 Indented [Settings > Indented]']);
  });

  it('merges a heading without text into its first subsection, but not into a sibling', async () => {
    const text = ['# API', '', '## Client', 'Client text.', '## Empty', '## Server', 'Server text.'].join('\n');
    assert.deepEqual(sections(text), [
      '1-4 Client [API > Client]',
      '5-5 Empty [API > Empty]',
      '6-7 Server [API > Server]',
    ]);
  });

  it('splits a long section into parts that keep its heading', async () => {
    const paragraphs = Array.from({ length: 80 }, (_, index) => `Paragraph ${index} explains one more detail of the setup.`);
    const text = ['# Setup', ...paragraphs].join('\n');
    const small = createChunker({ maxTokens: 120, overlapTokens: 20, countTokens: countWords });
    try {
      const chunks = await small.chunkFile('setup.md', text);
      assert.ok(chunks.length > 3);
      assertPartsConsistent(chunks);
      assert.ok(chunks.every((chunk) => chunk.symbol === 'Setup' && chunk.signature === '# Setup'));
      assertEveryLineCovered(chunks, text);
    } finally {
      small.dispose();
    }
  });

  it('lists the titles of a section\'s subsections after its text, and reports only its own lines', async () => {
    const text = [
      '# Deployment', //                                  1
      'Concepts of deploying.', //                        2
      '## Running on Startup', //                         3
      'Keep the API running.', //                         4
      '### Run Automatically on Startup', //              5
      'Start the server with the machine.', //            6
      '#### Details', //                                  7
      'More.', //                                         8
      '### Example Tools to Run at Startup { #tools }', // 9
      'Docker, systemd.', //                              10
      '## Restarts', //                                   11
      'Restart after a crash.', //                        12
    ].join('\n');
    const drafts = proseDrafts(text.split('\n'), 'markdown', { ...PROSE_DEFAULTS, mergeBelowChars: 0 });
    const running = drafts.find((draft) => draft.symbol === 'Running on Startup')!;
    assert.deepEqual(
      running.lines.map((line) => [line.row + 1, line.text, line.elided]),
      [
        [3, '## Running on Startup', false],
        [4, 'Keep the API running.', false],
        [5, '### Run Automatically on Startup', true],
        [9, '### Example Tools to Run at Startup', true],
      ],
      'its direct subsections only, not "Details" one level further down; titles without their MkDocs attribute lists',
    );
    assert.deepEqual(running.definition, { row: 2, headEndRow: 3 });
    assert.equal(drafts.find((draft) => draft.symbol === 'Deployment')!.definition?.headEndRow, undefined, 'a page title lists nothing: it would name every section of its page');
    assert.equal(drafts.find((draft) => draft.symbol === 'Restarts')!.definition?.headEndRow, undefined, 'no subsections');

    const chunks = await chunker.chunkFile('docs/deployment.md', text);
    const chunk = chunks.find((entry) => entry.symbol === 'Running on Startup')!;
    assert.match(chunk.text, /Example Tools to Run at Startup/, 'the titles are part of what is searched');
    assert.deepEqual(resultExtent({ ...chunk, id: 1, chunker: 'c', contentHash: 'h', lexicalEndLine: chunk.endLine } satisfies StoredChunk), { startLine: 3, endLine: 4, openLine: 3 }, 'the result is the section\'s own lines');
    assertEveryLineCovered(chunks, text);
  });

  it('gives a file without headings one section', async () => {
    const chunks = await chunker.chunkFile('CHANGELOG.md', 'Just some notes.\n\nMore notes.\n');
    assert.deepEqual(outline(chunks), ['1-3 (preamble) []']);
  });
});
