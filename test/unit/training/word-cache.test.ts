import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../../extension/core/random.ts';
import { UNKNOWN_ID, Vocabulary } from '../../../extension/core/training/tokenizer.ts';
import { HASH_PRIME, HASH_SEED, WordIdCache } from '../../../extension/core/training/word-cache.ts';

/** The hash the tokenizer computes for a word as it scans it (ASCII upper case counted as lower case). */
function hashOf(word: string): number {
  let hash = HASH_SEED;
  for (let index = 0; index < word.length; index++) {
    const code = word.charCodeAt(index);
    hash = Math.imul(hash ^ (code >= 65 && code <= 90 ? code + 32 : code), HASH_PRIME);
  }
  return hash;
}

test('a cached word is found by its characters in place, upper-case ASCII as lower-case; equal hashes are told apart', () => {
  const cache = new WordIdCache();
  const text = 'xx parse PARSE parsed';
  const entry = cache.add(text, 3, 8, hashOf('parse'), [7, 8]);
  assert.equal(cache.find(text, 9, 14, hashOf('PARSE')), entry, 'PARSE is parse lower-cased');
  assert.equal(cache.find(text, 15, 21, hashOf('parsed')), -1);
  // Two words under one hash (a collision): each finds its own entry.
  const other = cache.add('vocab', 0, 5, hashOf('parse'), [9]);
  assert.equal(cache.find('parse', 0, 5, hashOf('parse')), entry);
  assert.equal(cache.find('vocab', 0, 5, hashOf('parse')), other);
  assert.deepEqual([...cache.ids.subarray(cache.idStart[entry]!, cache.idStart[entry]! + cache.idLength[entry]!)], [7, 8]);
});

test('the cache grows past its first size keeping every word, and is cleared at its bounds, never past them', () => {
  const growing = new WordIdCache();
  const words = Array.from({ length: 20_000 }, (_, index) => `word${index.toString(36)}`);
  words.forEach((word, index) => growing.add(word, 0, word.length, hashOf(word), [index]));
  assert.equal(growing.size, words.length);
  assert.equal(growing.clears, 0);
  words.forEach((word, index) => {
    const entry = growing.find(word, 0, word.length, hashOf(word));
    assert.equal(growing.ids[growing.idStart[entry]!], index, word);
  });

  for (const limits of [{ entries: 16, characters: 1 << 20, ids: 1 << 20 }, { entries: 1 << 20, characters: 40, ids: 1 << 20 }, { entries: 1 << 20, characters: 1 << 20, ids: 5 }]) {
    const bounded = new WordIdCache(limits);
    let held = { words: 0, characters: 0, ids: 0 };
    for (const [index, word] of words.slice(0, 500).entries()) {
      if (bounded.find(word, 0, word.length, hashOf(word)) >= 0) continue;
      const clearsBefore = bounded.clears;
      bounded.add(word, 0, word.length, hashOf(word), [index, index]);
      if (bounded.clears > clearsBefore) held = { words: 0, characters: 0, ids: 0 };
      held = { words: held.words + 1, characters: held.characters + word.length, ids: held.ids + 2 };
      assert.equal(bounded.size, held.words);
      assert.ok(held.words <= limits.entries && held.characters <= limits.characters && held.ids <= limits.ids, JSON.stringify({ limits, held }));
    }
    assert.ok(bounded.clears > 10, `${bounded.clears} clears under ${JSON.stringify(limits)}`);
  }
});

test('a vocabulary with a tiny word cache gives the ids of one with the default cache, on many distinct words', () => {
  const tokens = ['[PAD]', '[UNK]', 'get', 'set', 'value', 'cookie', 'jar', 'x', '##s', '##jar', '##1', '##2', '##3', '1', '2', '3'];
  const roomy = new Vocabulary(tokens);
  const tiny = new Vocabulary(tokens, { entries: 4, characters: 32, ids: 8 });
  const random = seededRandom(7);
  const parts = ['get', 'Set', 'value', 'cookie', 'jar', 'x', 's', '1', '23', 'zz', 'COOKIE', '_', ' ', '\n', '-', 'é'];
  for (let text = 0; text < 300; text++) {
    const value = Array.from({ length: 40 }, () => parts[Math.floor(random() * parts.length)]).join('');
    assert.deepEqual(tiny.encode(value), roomy.encode(value), value);
    assert.equal(tiny.countTokens(value), roomy.encode(value).length);
  }
  assert.ok(tiny.wordCache.clears > 50, `the tiny cache was cleared ${tiny.wordCache.clears} times`);
  assert.ok(tiny.wordCache.size <= 4);
  assert.deepEqual(roomy.encode('cookiejars'), [roomy.id('cookie'), roomy.id('##jar'), roomy.id('##s')]);
  assert.deepEqual(roomy.encode(`x${'s'.repeat(40)}`), [UNKNOWN_ID], 'longer than 40 characters: unknown, uncached');
});

test('encodeInto writes at most the room it is given and counts the rest', () => {
  const vocabulary = new Vocabulary(['[PAD]', '[UNK]', 'a', 'b', 'c']);
  const out = new Int32Array(2);
  assert.equal(vocabulary.encodeInto('a b c a', out), 4);
  assert.deepEqual([...out], [vocabulary.id('a'), vocabulary.id('b')]);
  assert.deepEqual(vocabulary.encode('a b c a', 3), [2, 3, 4]);
  assert.equal(vocabulary.countTokens('a b c a zz'), 5);
});
