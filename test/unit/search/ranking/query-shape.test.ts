import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeQuery, normalName } from '../../../../extension/core/search/ranking/query-shape.ts';

test('one identifier, a qualified name or a few code-like tokens are symbol queries; questions and phrases are words', () => {
  for (const query of ['RouterGroup', 'response', 'render_template', 'Sinatra::Base', 'app.listen', 'parseHTTPHeader()', 'Monolog\\Logger', 'getUser setUser']) {
    assert.equal(analyzeQuery(query).shape, 'symbol', query);
  }
  for (const query of ['how are routes registered', 'panic recovery middleware', 'session management', 'where is GetUint called from']) {
    assert.equal(analyzeQuery(query).shape, 'words', query);
  }
});

test('names: each token exactly, qualified names with their qualifier, and the words joined', () => {
  const qualified = analyzeQuery('Sinatra::Base');
  assert.deepEqual(qualified.qualifiedNames, [{ name: 'base', qualifier: 'sinatra' }]);
  assert.deepEqual(analyzeQuery('a.b.parse').qualifiedNames, [{ name: 'parse', qualifier: 'b' }]);
  assert.deepEqual(analyzeQuery('GetUint value').exactNames.map((entry) => entry.name), ['getuint', 'value']);
  assert.equal(analyzeQuery('fetch request handler').joinedName, 'fetchrequesthandler');
  assert.equal(analyzeQuery('how does the application context push and pop around requests').joinedName, undefined, 'a sentence is not a name');
  assert.equal(normalName('get_HTTPStatus'), 'gethttpstatus');
});

test('names written as code in a sentence: identifier-shaped tokens, calls, backticks and qualified names, not plain words', () => {
  const names = (query: string) => analyzeQuery(query).codeNames;
  assert.deepEqual(names('ShouldBindQuery is a shortcut for binding the query'), ['shouldbindquery']);
  assert.deepEqual(names('AbortWithStatusJSON calls Abort() and then `JSON` internally'), ['abortwithstatusjson', 'abort', 'json']);
  assert.deepEqual(names('use render_template with app.route'), ['rendertemplate', 'route']);
  assert.deepEqual(names('python check if a variable is iterable'), [], 'plain words are prose, even where a function bears their name');
});

test('the words the features match are stemmed like the index, without the wholes of compound tokens', () => {
  const { words } = analyzeQuery('parsing HTTPHeaders for routes');
  assert.ok(words.includes('pars') && words.includes('rout') && words.includes('header'), words.join(' '));
  assert.ok(!words.includes('httpheaders'), 'the whole of a compound token is a name, not a word');
  assert.ok(!words.includes('for'), 'stop words are dropped');
});
