// Prose units: headings of Markdown/MDX, reST and AsciiDoc; sections cut at paragraphs with the heading path
// kept; short sections merged; overlapping windows where there are no headings. Real files come from the
// evaluation corpora (../shared/eval, skipped when absent) and from the npm package asciidoctor (a fixture).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createChunker } from '../../../extension/core/chunking/index.ts';
import { proseHeadings } from '../../../extension/core/chunking/headings.ts';
import { languageForPath, proseFormat } from '../../../extension/core/chunking/languages.ts';
import { PROSE_DEFAULTS, proseDrafts } from '../../../extension/core/chunking/prose.ts';
import { assertEveryLineCovered, countWords, sourceLines } from './helpers.ts';

const EVAL = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'eval', 'sets');
const FIXTURES = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'prose');
const unmerged = { ...PROSE_DEFAULTS, mergeBelowChars: 0 };

function titles(text: string, format: Parameters<typeof proseHeadings>[1]): string[] {
  return proseHeadings(sourceLines(text), format).map((heading) => `${heading.row + 1} ${heading.level} ${heading.text}`);
}

describe('prose headings', () => {
  it('reads Markdown ATX and setext headings, skips fences, comments and front matter', () => {
    const text = [
      '---', 'title: x', '---', //                                      1-3 front matter
      'Guide', '=====', //                                               4-5 setext level 1
      'Text.', '',
      'Install { #install }', '-------', //                              8-9 setext level 2, anchor kept (it helps lexical search)
      '<!--', '# not a heading', '-->', //                               10-12
      '```md', '## fenced', '```', //                                     13-15
      '## Usage {#usage}', //                                            16
      'Some paragraph', 'still the paragraph', '---', //                 17-19: a thematic break after a paragraph line, not a title
    ].join('\n');
    assert.deepEqual(titles(text, 'markdown'), ['4 1 Guide', '8 2 Install { #install }', '16 2 Usage {#usage}']);
  });

  it('reads reST titles by adornment style in order of appearance, overlined ones included', () => {
    const text = [
      '=====', 'Title', '=====', '', //                                   1-3 overline + underline: level 1
      'Intro::', '', '    Indented', '    --------', '', //              an indented line in a literal block is not a title
      'Section', '-------', '', 'Text.', '', //                           10-11: level 2
      'Sub', '~~~', '', //                                                15-16: level 3
      'Other', '-----', //                                                18-19: level 2 again
      '', '----', '', //                                                  a transition between blank lines
    ].join('\n');
    assert.deepEqual(titles(text, 'rst'), ['1 1 Title', '10 2 Section', '15 3 Sub', '18 2 Other']);
  });

  it('reads AsciiDoc titles outside delimited blocks', () => {
    const text = ['= Book', ':toc:', '', '== Chapter', '----', '== in a listing', '----', '=== Part', '....', '= literal', '....'].join('\n');
    assert.deepEqual(titles(text, 'asciidoc'), ['1 1 Book', '4 2 Chapter', '8 3 Part']);
  });

  it('finds the titles of a real AsciiDoc file (asciidoctor syntax reference) and none of its examples', () => {
    const text = readFileSync(path.join(FIXTURES, 'asciidoctor-syntax.adoc'), 'utf8');
    const found = proseHeadings(sourceLines(text), 'asciidoc');
    assert.equal(found[0]!.text, 'AsciiDoc Syntax');
    assert.ok(found.some((heading) => heading.text === 'Sections' && heading.level === 3));
    // The "Sections" example lists `= Document Title (Level 0)` … indented: literal text, not titles.
    assert.ok(!found.some((heading) => heading.text.startsWith('Level') || heading.text.startsWith('Document Title')));
    assert.ok(found.every((heading) => /^=+ \S/.test(sourceLines(text)[heading.row]!)));
  });

  for (const [set, corpus] of [['docs-fastapi', 'docs-fastapi/corpus'], ['docs-eslint', 'code-eslint/corpus']] as const) {
    const queries = path.join(EVAL, set, 'dev', 'queries.jsonl');
    it(`finds the heading of every ${set} dev target where the evaluation set's own parser did`, { skip: existsSync(queries) ? false : `${queries} is absent` }, () => {
      const targets = readFileSync(queries, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { query: string; path: string; start_line: number; heading_line?: number });
      const plain = (title: string) => title.replace(/\s*\{\s*#[^}]*\}\s*$/, '').replace(/[`*]|<[^>]+>/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim();
      for (const target of targets) {
        const lines = sourceLines(readFileSync(path.join(EVAL, corpus, target.path), 'utf8'));
        const headingRow = (target.heading_line ?? target.start_line - 1) - 1;
        const heading = proseHeadings(lines, 'markdown').find((found) => found.row === headingRow);
        assert.ok(heading, `${target.path}:${headingRow + 1} (${target.query}) is not recognised as a heading`);
        assert.equal(plain(heading.text), target.query);
      }
    });
  }

  const richDocs = path.join(EVAL, 'code-rich', 'corpus', 'docs', 'source', 'console.rst');
  it('reads the titles of a real reST file (rich docs/source/console.rst)', { skip: existsSync(richDocs) ? false : `${richDocs} is absent` }, () => {
    const found = proseHeadings(sourceLines(readFileSync(richDocs, 'utf8')), 'rst');
    assert.deepEqual(found.slice(0, 3).map((heading) => `${heading.level} ${heading.text}`), ['1 Console API', '2 Attributes', '2 Color systems']);
    assert.ok(found.some((heading) => heading.text === 'Exporting SVGs' && heading.level === 3));
    assert.ok(found.length >= 15);
  });
});

describe('prose units', () => {
  it('cuts a long section at paragraph boundaries, overlapping, every piece with the heading path as scope', () => {
    const paragraph = (index: number) => [`Paragraph ${index} says one thing about the setup in a few words.`, `And one more line of it.`];
    const lines = ['# Guide', '', '## Setup', '', ...Array.from({ length: 40 }, (_, index) => [...paragraph(index), '']).flat()];
    const drafts = proseDrafts(lines, 'markdown', { ...unmerged, maxChars: 600, overlapChars: 200 });
    assert.ok(drafts.length > 4);
    for (const draft of drafts) {
      assert.deepEqual(draft.scope, ['Guide', 'Setup']);
      assert.equal(draft.symbol, 'Setup');
      const first = draft.lines[0]!.text;
      const last = draft.lines.at(-1)!.text;
      // Cut at paragraph boundaries: a piece starts with a paragraph's first line (or the heading) and ends with its last.
      assert.ok(first.startsWith('Paragraph') || first.startsWith('#'), first);
      assert.ok(last.startsWith('And one more'), last);
      assert.ok(draft.lines.map((line) => line.text).join('\n').length <= 600);
    }
    // Consecutive pieces overlap (repeat the last paragraph of the one before), without repeating all of it.
    for (let index = 1; index < drafts.length; index++) {
      assert.ok(drafts[index]!.lines[0]!.row <= drafts[index - 1]!.lines.at(-1)!.row);
      assert.ok(drafts[index]!.lines[0]!.row > drafts[index - 1]!.lines[0]!.row);
    }
  });

  it('never cuts inside a fenced code block', () => {
    const code = ['```python', ...Array.from({ length: 30 }, (_, index) => `x${index} = ${index}`), '', 'y = 1', '```'];
    const lines = ['# Code', 'Intro.', '', ...code, '', 'After.'];
    const drafts = proseDrafts(lines, 'markdown', { ...unmerged, maxChars: 100, overlapChars: 0 });
    const fence = drafts.find((draft) => draft.lines.some((line) => line.text === '```python'))!;
    assert.equal(fence.lines.at(-1)!.text, '```');
  });

  it('cuts a section under a setext heading, and a paragraph beyond the limits, within the limits', () => {
    // A Markdown line of ==== is a setext underline, not an AsciiDoc block delimiter swallowing the file.
    const lines = ['Title', '=====', '', ...Array.from({ length: 100 }, (_, index) => `item ${index}`), '', 'Next', '=====', 'text'];
    const drafts = proseDrafts(lines, 'markdown', { ...unmerged, maxLines: 30, overlapChars: 0 });
    assert.ok(drafts.every((draft) => draft.lines.length <= 30), drafts.map((draft) => draft.lines.length).join(','));
    assert.equal(drafts.at(-1)!.symbol, 'Next');
  });

  it('merges short neighbouring sections until the unit is long enough', () => {
    const lines = ['# A', 'a.', '# B', 'b.', '# C', 'c'.repeat(60), '# D', 'd'.repeat(60)];
    const drafts = proseDrafts(lines, 'markdown', { ...PROSE_DEFAULTS, mergeBelowChars: 40 });
    assert.deepEqual(drafts.map((draft) => `${draft.lines[0]!.row + 1}-${draft.lines.at(-1)!.row + 1} ${draft.symbol}`), ['1-6 C', '7-8 D']);
  });

  it('cuts text without headings (a .txt file, the text before the first heading) into overlapping windows', () => {
    const lines = Array.from({ length: 50 }, (_, index) => `line ${index + 1}`);
    const drafts = proseDrafts(lines, 'plain', { ...PROSE_DEFAULTS, windowLines: 20, windowStep: 10 });
    assert.deepEqual(drafts.map((draft) => [draft.lines[0]!.row + 1, draft.lines.at(-1)!.row + 1]), [[1, 20], [11, 30], [21, 40], [31, 50]]);
    assert.ok(drafts.every((draft) => draft.symbol === undefined && draft.scope.length === 0 && draft.kind === 'section'));
    const preamble = proseDrafts(['Intro 1', 'Intro 2', 'Intro 3', '# Title', 'Body'], 'markdown', { ...unmerged, windowLines: 2, windowStep: 1 });
    assert.deepEqual(preamble.map((draft) => `${draft.lines[0]!.row + 1}-${draft.lines.at(-1)!.row + 1} ${draft.symbol ?? '-'}`), ['1-2 -', '2-3 -', '4-5 Title']);
  });

  it('chooses prose for Markdown, MDX, reST, AsciiDoc and .txt files, not for data files', () => {
    const formats = ['a.md', 'a.mdx', 'a.rst', 'a.adoc', 'notes.txt', 'README', 'config.json', 'ci.yml', 'a.py'].map((file) => proseFormat(file, languageForPath(file)) ?? '-');
    assert.deepEqual(formats, ['markdown', 'markdown', 'rst', 'asciidoc', 'plain', 'plain', '-', '-', '-']);
  });

  describe('through the chunker', () => {
    const chunker = createChunker({ maxTokens: 512, overlapTokens: 16, countTokens: countWords, prose: { formats: ['markdown', 'rst', 'asciidoc', 'plain'] } });
    after(() => chunker.dispose());

    it('gives reST and AsciiDoc files sections whose scope is the heading path, with exact line ranges', async () => {
      const rst = ['Guide', '=====', '', 'Intro text that is long enough.', '', 'Install', '-------', '', 'Install text.'].join('\n');
      const chunks = await chunker.chunkFile('docs/guide.rst', rst);
      assert.ok(chunks.every((chunk) => chunk.kind === 'section' && chunk.language === 'restructuredtext'));
      assert.ok(chunks.some((chunk) => chunk.scope.join(' > ') === 'Guide > Install'));
      for (const chunk of chunks) assert.equal(chunk.text, sourceLines(rst).slice(chunk.startLine - 1, chunk.endLine).join('\n'));
      assertEveryLineCovered(chunks, rst);
      const adoc = readFileSync(path.join(FIXTURES, 'asciidoctor-syntax.adoc'), 'utf8');
      const adocChunks = await chunker.chunkFile('syntax.adoc', adoc);
      assert.ok(adocChunks.every((chunk) => chunk.language === 'asciidoc' && chunk.scope[0] === 'AsciiDoc Syntax'));
      assertEveryLineCovered(adocChunks, adoc);
    });

    it('keeps reST in line windows unless asked: as sections they lowered code-rich (search README, docs table)', async () => {
      const plain = createChunker({ maxTokens: 512, overlapTokens: 16, countTokens: countWords });
      try {
        const chunks = await plain.chunkFile('docs/guide.rst', ['Guide', '=====', '', 'Text.'].join('\n'));
        assert.deepEqual(chunks.map((chunk) => `${chunk.kind} ${chunk.language}`), ['window restructuredtext']);
        assert.notEqual(plain.fingerprint, chunker.fingerprint);
      } finally {
        plain.dispose();
      }
    });
  });
});
