import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identifierParts, lexicalQuery, lexicalWords, queryNames, queryWords, symbolQuery, withoutNearUniversalWords } from '../../../extension/core/search/lexical.ts';

test('identifiers are indexed whole and by their parts', () => {
  assert.deepEqual(identifierParts('parseHTTPHeader'), ['parse', 'http', 'header']);
  assert.deepEqual(identifierParts('get_HTTPStatus2'), ['get', 'http', 'status', '2']);
  assert.deepEqual(lexicalWords('parseHTTPHeader(x)'), ['parsehttpheader', 'pars', 'http', 'header', 'x']);
  assert.deepEqual(lexicalWords('handlers parsing HandlerNames'), ['handler', 'pars', 'handlernames', 'handler', 'name'], 'plain words and parts are stemmed, a whole identifier is not');
  assert.deepEqual(lexicalWords('kebab-case'), ['kebab', 'case']);
});

test('query words drop stop words unless nothing else is left', () => {
  assert.deepEqual(queryWords('how to read the file'), ['read', 'file']);
  assert.deepEqual(queryWords('what does this return'), ['return'], 'stop words are matched before stemming (does, this)');
  assert.deepEqual(queryWords('how to'), ['how', 'to']);
  assert.equal(lexicalQuery([]), undefined);
  assert.equal(lexicalQuery(['parse', 'http']), '"parse" OR "http"');
});

test('near-universal words are dropped from queries on large indexes only, keeping the rarest', () => {
  const frequencies = new Map([['return', 90_000], ['parse', 300], ['value', 40_000]]);
  assert.deepEqual(withoutNearUniversalWords(['return', 'parse', 'value'], frequencies, 100_000), ['parse']);
  assert.deepEqual(withoutNearUniversalWords(['return', 'value'], frequencies, 100_000), ['value'], 'the rarest stays when all are common');
  assert.deepEqual(withoutNearUniversalWords(['return', 'parse'], frequencies, 10_000), ['return', 'parse'], 'small indexes keep everything');
});

test('query names are the compound identifiers a query spells, whole', () => {
  assert.deepEqual(queryNames('GetUint returns the value of get_HTTPStatus()'), ['getuint', 'gethttpstatus']);
  assert.deepEqual(queryNames('how to validate a struct'), [], 'plain words name nothing');
  assert.equal(symbolQuery([]), undefined);
  assert.equal(symbolQuery(['getuint']), 'symbol : ("getuint")');
});
