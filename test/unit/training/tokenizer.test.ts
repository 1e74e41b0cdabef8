import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { tokenizerJson } from '../../../extension/core/training/tokenizer-json.ts';
import { UNKNOWN_ID, Vocabulary, words } from '../../../extension/core/training/tokenizer.ts';
import { WordCounter, buildVocabulary } from '../../../extension/core/training/vocabulary-builder.ts';

const EVAL_SETS = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'eval', 'sets');

test('identifiers split on case, acronyms, digits, underscores and hyphens, lower-cased', () => {
  assert.deepEqual(words('parseHTTPHeader extract_cookies_to_jar kebab-case sha256Sum XMLHttpRequest'), [
    'parse', 'http', 'header', 'extract', 'cookies', 'to', 'jar', 'kebab', 'case', 'sha', '256', 'sum', 'xml', 'http', 'request',
  ]);
  // The non-ASCII path (NFKC, Unicode classes) agrees with the ASCII fast path on ASCII words.
  assert.deepEqual(words('parseHTTPHeader ﬁle ２５６'), ['parse', 'http', 'header', 'file', '256']);
});

test('WordPiece keeps known words whole and cuts unseen ones into known pieces; unknown characters are [UNK]', () => {
  const vocabulary = new Vocabulary(['[PAD]', '[UNK]', 'cookie', 'jar', 'getattr', 'c', 'o', 'k', 'i', 'e', '##jar', '##e', '##s']);
  const id = (token: string) => vocabulary.id(token)!;
  assert.deepEqual(vocabulary.encode('getattr cookiejar cookies'), [id('getattr'), id('cookie'), id('##jar'), id('cookie'), id('##s')]);
  assert.deepEqual(vocabulary.encode('zzz'), [UNKNOWN_ID]);
  assert.deepEqual(vocabulary.encode(`${'cookie'.repeat(7)}`), [UNKNOWN_ID], 'a word longer than 40 characters is unknown');
});

test('tokenizer.json run by @huggingface/tokenizers gives the TypeScript tokenizer\'s ids on real code and prose', (context) => {
  if (!existsSync(EVAL_SETS)) {
    context.skip('../shared/eval is absent: no real repository to tokenize');
    return;
  }
  const files: string[] = [];
  const collect = (directory: string, pattern: RegExp, limit: number) => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= limit) return;
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) collect(full, pattern, limit);
      else if (pattern.test(entry.name)) files.push(full);
    }
  };
  collect(path.join(EVAL_SETS, 'code-rich', 'corpus'), /\.py$/, 40);
  collect(path.join(EVAL_SETS, 'code-gin', 'corpus'), /\.go$/, 70);
  collect(path.join(EVAL_SETS, 'code-eslint', 'corpus', 'lib'), /\.js$/, 110);
  collect(path.join(EVAL_SETS, 'docs-fastapi', 'corpus', 'docs'), /\.md$/, 150);
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  // A small vocabulary, so that many words are cut into pieces or unknown: every WordPiece path is exercised.
  const counter = new WordCounter();
  for (const text of texts.slice(0, 30)) counter.add(text);
  const vocabulary = buildVocabulary(counter.counts, { words: 3000, continuations: 800, minimumCount: 2, minimumCharacterCount: 3 });
  const reference = new Tokenizer(tokenizerJson(vocabulary), {});
  const extra = 'café naïve ﬁle ２５６ İstanbul Straße ΑΒΓ 中文字符 [UNK] [PAD] utf8Reader a_b-c.d 😀 x²';
  let lines = 0;
  let pieces = 0;
  for (const text of [...texts, extra]) {
    for (const line of text.split('\n')) {
      const expected = reference.encode(line, { add_special_tokens: false }).ids;
      const actual = vocabulary.encode(line);
      lines++;
      pieces += actual.filter((id) => vocabulary.tokens[id]!.startsWith('##') || id === UNKNOWN_ID).length;
      assert.deepEqual(actual, expected, `line ${JSON.stringify(line)}`);
    }
  }
  assert.ok(lines > 10_000 && pieces > 1000, `${lines} lines, ${pieces} pieces or unknown words compared`);
  // Whole texts: the fast path takes a line outside ASCII alone through the general steps, and must give
  // what the general steps give on the whole text (nothing joins across a line break).
  const mixed = [
    ...texts.filter((text) => /[^\x00-\x7f]/.test(text)),
    `${extra}\nplain asciiLine HTTPServer\nΑΣ.Α ΟΔΟΣ\ne\u0301tude <\u0338 last_ascii_wordﬁ\nnext`,
    'ascii first\nthen naïveParser\r\nand ascii again',
  ];
  assert.ok(mixed.length > 20, `${mixed.length} texts with characters outside ASCII`);
  for (const text of mixed) {
    assert.deepEqual(vocabulary.encode(text), reference.encode(text, { add_special_tokens: false }).ids, `text ${JSON.stringify(text.slice(0, 80))}`);
    assert.equal(vocabulary.countTokens(text), vocabulary.encode(text).length);
  }
});
