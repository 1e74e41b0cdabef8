import assert from 'node:assert/strict';
import { test } from 'node:test';
import { candidateFeatures, FEATURE_INDEX, FEATURE_NAMES, wordWeights, type FeatureCandidate, type FeatureName } from '../../../../extension/core/search/ranking/features.ts';
import { analyzeQuery } from '../../../../extension/core/search/ranking/query-shape.ts';
import type { StoredChunk } from '../../../../extension/core/store/index-store.ts';

let nextId = 1;
function candidate(path: string, extra: Partial<StoredChunk> = {}, scores: Partial<FeatureCandidate> = {}): FeatureCandidate {
  const chunk: StoredChunk = {
    id: nextId++, path, chunker: 'c', contentHash: `h${nextId}`, startLine: 1, endLine: 10, language: 'go', kind: 'function',
    symbol: undefined, scope: [], signature: undefined, docComment: undefined, part: undefined, text: '', lexicalEndLine: 10,
    definition: { startLine: 1, line: 1, headEndLine: undefined }, ...extra,
  };
  return { folder: '', chunk, dense: undefined, lexical: 1, fused: 0.01, ranks: { lexical: 0 }, ...scores };
}
const feature = (rows: Float64Array, row: number, name: FeatureName) => rows[row * FEATURE_NAMES.length + FEATURE_INDEX[name]]!;

test('a chunk defining the name the query spells is marked, exactly, qualified, or as the words joined', () => {
  const pool = [
    candidate('command.go', { kind: 'class', symbol: 'Command' }),
    candidate('args.go', { symbol: 'Command', kind: 'statements' }),
    candidate('base.rb', { kind: 'class', symbol: 'Base', scope: ['Sinatra'] }),
    candidate('other.rb', { kind: 'class', symbol: 'Base', scope: ['Rack'] }),
    candidate('handler.ts', { symbol: 'fetchRequestHandler' }),
  ];
  const exact = candidateFeatures(analyzeQuery('Command'), pool);
  assert.equal(feature(exact, 0, 'definesExact'), 1);
  assert.equal(feature(exact, 1, 'definesExact'), 0, 'statements groups define no one name');
  const qualified = candidateFeatures(analyzeQuery('Sinatra::Base'), pool);
  assert.equal(feature(qualified, 2, 'definesQualified'), 1);
  assert.equal(feature(qualified, 3, 'definesQualified'), 0, 'another scope');
  const joined = candidateFeatures(analyzeQuery('fetch request handler'), pool);
  assert.equal(feature(joined, 4, 'definesJoined'), 1);
});

test('in a sentence, only the names it writes as code mark a definition', () => {
  const pool = [candidate('context.go', { symbol: 'ShouldBindQuery' }), candidate('check.py', { symbol: 'check' })];
  const rows = candidateFeatures(analyzeQuery('ShouldBindQuery is a shortcut to check the query'), pool);
  assert.equal(feature(rows, 0, 'definesCodeName'), 1);
  assert.equal(feature(rows, 1, 'definesCodeName'), 0, '"check" is a plain word of the sentence');
  assert.equal(feature(rows, 1, 'definesExact'), 1, 'while every token spelled is an exact name');
});

test('a name spelled in a sentence counts as much as it is specific: compound names fully, common words little', () => {
  const pool = [candidate('context.go', { symbol: 'ShouldBindQuery' }), candidate('html.py', { symbol: 'html' }), candidate('bins.py', { symbol: 'bins' })];
  const statistics = { frequencies: new Map([['html', 900], ['bin', 3]]), documents: 1000 };
  const rows = candidateFeatures(analyzeQuery('ShouldBindQuery writes html bins'), pool, statistics);
  assert.equal(feature(rows, 0, 'definesSpecific'), 1);
  assert.ok(feature(rows, 1, 'definesSpecific') < 0.05, 'a word 900 of 1000 documents hold');
  assert.ok(feature(rows, 2, 'definesSpecific') > 0.6, 'a rare word');
  assert.equal(feature(candidateFeatures(analyzeQuery('what is it'), [candidate('is.py', { symbol: 'is' })], statistics), 0, 'definesSpecific'), 0, 'a stop word');
});

test('file coherence: several candidates of one file lift it; later pieces of a file are counted down', () => {
  const pool = [candidate('a.go'), candidate('b.go'), candidate('a.go'), candidate('a.go')];
  const rows = candidateFeatures(analyzeQuery('parse config'), pool);
  assert.equal(feature(rows, 0, 'fileCandidates'), Math.log2(4));
  assert.equal(feature(rows, 1, 'fileCandidates'), 1);
  assert.ok(feature(rows, 0, 'fileSupport') > feature(rows, 1, 'fileSupport'), 'a file with more strong pieces has more support');
  assert.deepEqual([0, 2, 3].map((row) => feature(rows, row, 'bestInFile')), [1, 0, 0]);
  assert.deepEqual([0, 2, 3].map((row) => feature(rows, row, 'filePosition')), [0, 1, Math.log2(3)]);
});

test('query words in the stem and folders, by prefix for abbreviated names, weighted by rarity', () => {
  const pool = [candidate('flask/config.py'), candidate('src/sessions/store.py')];
  const rows = candidateFeatures(analyzeQuery('configuration loading'), pool);
  assert.ok(feature(rows, 0, 'stemWordShare') > 0, 'config.py answers "configuration"');
  const sessions = candidateFeatures(analyzeQuery('session store'), pool);
  assert.equal(feature(sessions, 1, 'stemWordShare'), 0.5);
  assert.equal(feature(sessions, 1, 'folderWordShare'), 0.5);
  const [common, rare] = wordWeights(['python', 'flatten'], { frequencies: new Map([['python', 900], ['flatten', 3]]), documents: 1000 });
  assert.ok(rare! > 3 * common!, 'a word in most documents weighs far less than a rare one');
  const weighted = candidateFeatures(analyzeQuery('python flatten'), [candidate('a.py', { symbol: 'python_version' }), candidate('b.py', { symbol: 'flatten' })], {
    frequencies: new Map([['python', 900], ['flatten', 3]]), documents: 1000,
  });
  assert.ok(feature(weighted, 1, 'symbolWordShare') > 0.8 && feature(weighted, 0, 'symbolWordShare') < 0.2);
});

test('roles, test code, kinds and sizes', () => {
  const pool = [
    candidate('extract/query.rs', { symbol: 'test_query', scope: ['tests'] }),
    candidate('src/x_test.go'),
    candidate('docs/guide.md', { kind: 'section', language: 'markdown', startLine: 1, endLine: 31 }),
  ];
  const rows = candidateFeatures(analyzeQuery('query'), pool);
  assert.equal(feature(rows, 0, 'testCode'), 1);
  assert.equal(feature(rows, 0, 'testPath'), 0);
  assert.equal(feature(rows, 1, 'testPath'), 1);
  assert.equal(feature(rows, 2, 'kindSection'), 1);
  assert.equal(feature(rows, 2, 'lines'), 5);
});

test('a section whose own heading holds every word of the query is marked by the share of its words the query holds', () => {
  const section = (heading: string) => candidate('docs/validations.md', { kind: 'section', language: 'markdown', symbol: heading, scope: ['Path Parameters', heading], definition: undefined });
  const pool = [
    section('Number validations: greater than or equal'),
    section('Number validations: greater than and less than or equal'),
    section('Number validations: floats, greater than and less than'),
    candidate('params.py', { symbol: 'greater_than_or_equal' }),
  ];
  const rows = candidateFeatures(analyzeQuery('Number validations: greater than or equal'), pool);
  assert.equal(feature(rows, 0, 'headingPrecision'), 1, 'the heading is the query');
  const more = feature(rows, 1, 'headingPrecision');
  assert.ok(more > 0.5 && more < 1, `every word of the query is there, with "less" besides: ${more}`);
  assert.equal(feature(rows, 2, 'headingPrecision'), 0, '"equal" is missing');
  assert.equal(feature(rows, 3, 'headingPrecision'), 0, 'only sections have headings');
  const partial = candidateFeatures(analyzeQuery('greater than or equal to zero'), pool);
  assert.equal(feature(partial, 0, 'headingPrecision'), 0, '"zero" is in no heading');
});

test('of two headings holding all of a short query, the one that says what was typed, stop words too, matches best', () => {
  const section = (heading: string) => candidate('docs/first-steps.md', { kind: 'section', language: 'markdown', symbol: heading, scope: [heading], definition: undefined });
  const pool = [section('OpenAPI'), section('What is OpenAPI for'), section('OpenAPI and JSON Schema')];
  const rows = candidateFeatures(analyzeQuery('What is OpenAPI for'), pool);
  assert.equal(feature(rows, 0, 'headingPrecision'), 1, 'every word of "OpenAPI" is in the query');
  assert.equal(feature(rows, 1, 'headingPrecision'), 1);
  assert.equal(feature(rows, 1, 'headingMatch'), 1, 'the heading is the query');
  assert.ok(feature(rows, 0, 'headingMatch') < 0.5, `"OpenAPI" leaves out most of what was typed: ${feature(rows, 0, 'headingMatch')}`);
  assert.ok(feature(rows, 2, 'headingMatch') < feature(rows, 0, 'headingMatch'), 'more words besides the query lower it further');
});

test('a table of contents is marked as a link list by the share of its lines that are only a link', () => {
  const contents = [
    '## Table of Contents',
    '',
    '- [Node.js 10, 13, and 15 are no longer supported](#drop-old-node)',
    '- [Removed `codeframe` and `table` formatters](#removed-formatters)',
    '  - [Unused disable directives are now fixable](#directives)',
    '1. [Set up](setup.md)',
  ].join('\n');
  const prose = '## Removed formatters\n\nThe `codeframe` and `table` formatters were removed; see [the list](formatters.md).\n\n- use `stylish` instead';
  const pool = [
    candidate('docs/migrate.md', { kind: 'section', language: 'markdown', symbol: 'Table of Contents', text: contents, definition: undefined }),
    candidate('docs/migrate.md', { kind: 'section', language: 'markdown', symbol: 'Removed formatters', text: prose, definition: undefined }),
    candidate('lib/list.js', { kind: 'function', symbol: 'list', text: '- [a](#b)\n- [c](#d)' }),
  ];
  const rows = candidateFeatures(analyzeQuery('Removed codeframe and table formatters'), pool);
  assert.equal(feature(rows, 0, 'linkList'), 1, 'every line under the heading is a lone link');
  assert.equal(feature(rows, 1, 'linkList'), 0, 'a sentence with a link and a list item without one are prose');
  assert.equal(feature(rows, 2, 'linkList'), 0, 'only prose units are lists of links');
});
