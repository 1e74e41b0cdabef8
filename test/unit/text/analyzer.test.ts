// Issue 19 item 3: the lexical analyzer sits below both the store and search, versioned, so a schema migration
// calls the analyzer version it was written for. Version 1 is frozen: the golden words below are what schema
// 6 and 7 wrote into every index; a change to them must be a new version, not an edit of version 1.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyzer, ANALYZER_VERSION, identifierParts, lexicalText, lexicalWords } from '../../../extension/core/text/analyzer.ts';
import { lexicalUnits, LEXICAL_UNITS_VERSION } from '../../../extension/core/text/lexical-units.ts';
import * as search from '../../../extension/core/search/lexical.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

test('analyzer version 1 gives the words schema 6 and 7 wrote (golden)', () => {
  const v1 = analyzer(1);
  assert.equal(v1.version, 1);
  assert.deepEqual(
    v1.words('parseHTTPHeader handlers get_HTTPStatus2 naïve café_au_lait $scope x1y2'),
    ['parsehttpheader', 'pars', 'http', 'header', 'handler', 'gethttpstatus2', 'get', 'http', 'statu', '2', 'naïve', 'caféaulait', 'café', 'au', 'lait', 'scope', 'x1y2', 'x', '1', 'y', '2'],
  );
  assert.equal(v1.text('HandlerNames'), 'handlernames handler name', 'a whole identifier is never stemmed');
  assert.deepEqual(v1.tokens('a.b(c_d, $e)'), ['a', 'b', 'c_d', '$e']);
  assert.deepEqual(v1.identifierParts('get_HTTPStatus2'), ['get', 'http', 'status', '2']);
});

test('the current analyzer is what the store writes and search reads', () => {
  const current = analyzer(ANALYZER_VERSION);
  const sample = 'func (c *Context) ShouldBindJSON(obj any) error // parses the request body';
  assert.deepEqual(lexicalWords(sample), current.words(sample));
  assert.equal(lexicalText(sample), current.text(sample));
  assert.deepEqual(identifierParts('ShouldBindJSON'), current.identifierParts('ShouldBindJSON'));
  // search/lexical.ts re-exports the same functions and builds query words from the same analyzer.
  assert.equal(search.lexicalWords, lexicalWords);
  assert.deepEqual(search.queryWords('how does ShouldBindJSON parse bodies'), ['shouldbindjson', 'should', 'bind', 'json', 'pars', 'bodi']);
});

test('an unknown version is refused rather than guessed', () => {
  assert.throws(() => analyzer(ANALYZER_VERSION + 1), RangeError);
  assert.throws(() => lexicalUnits([], LEXICAL_UNITS_VERSION + 1), RangeError);
});

test('the store imports nothing from search (text analysis lies below both)', () => {
  const storeFolder = path.join(ROOT, 'extension', 'core', 'store');
  for (const file of readdirSync(storeFolder).filter((name) => name.endsWith('.ts'))) {
    assert.doesNotMatch(readFileSync(path.join(storeFolder, file), 'utf8'), /from '\.\.\/search\//, `store/${file} imports search/`);
  }
  const schema = readFileSync(path.join(storeFolder, 'schema.ts'), 'utf8');
  assert.equal((schema.match(/analyzer\(1\)/g) ?? []).length, 2, 'schema 6 and 7 name analyzer version 1');
});

test('text() is words() joined, on real code and on characters outside ASCII', (context) => {
  const v1 = analyzer(1);
  const texts = [
    'café naïve ﬁle ２５６ İstanbul Straße ΑΒΓ 中文字符 😀x 𝒳abc a_b-c.d $x __init__ _ $ x² \ud800x',
    '', '___', 'é', '😀', 'a😀b', 'x\n\ty',
  ];
  const sources = path.resolve(ROOT, '..', 'shared', 'eval', 'sets', 'code-eslint', 'corpus-stripped', 'lib', 'rules');
  try {
    for (const name of readdirSync(sources).filter((file) => file.endsWith('.js')).sort().slice(0, 150)) texts.push(readFileSync(path.join(sources, name), 'utf8'));
  } catch {
    context.diagnostic('../shared/eval is absent: checked on the fixed texts only');
  }
  for (const text of texts) assert.equal(v1.text(text), v1.words(text).join(' '), JSON.stringify(text.slice(0, 60)));
});
