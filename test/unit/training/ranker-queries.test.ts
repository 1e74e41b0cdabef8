import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createChunker } from '../../../extension/core/chunking/chunker.ts';
import { buildQueries } from '../../../training/ranker/queries.ts';

const SOURCE = `"""Helpers that read the configuration of a service from text files."""


def read_settings_file(path):
    """Read the settings file and keep the lines that are not empty."""
    with open(path) as handle:
        lines = handle.read().splitlines()
    return [line for line in lines if line]


def merge_settings(first, second):
    """Merge two settings dictionaries, the second one winning on conflicts."""
    merged = dict(first)
    merged.update(second)
    return merged
`;

test('training queries point at their definitions in the stripped copy, whose hidden documentation is gone', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ranker-queries-'));
  const copy = path.join(root, 'copy');
  try {
    mkdirSync(path.join(root, 'source', 'pkg'), { recursive: true });
    writeFileSync(path.join(root, 'source', 'pkg', 'settings.py'), SOURCE);
    const chunker = createChunker({ maxTokens: 512, overlapTokens: 0, countTokens: (text) => Math.ceil(text.length / 4) });
    const queries = await buildQueries('fixture', path.join(root, 'source'), copy, chunker);
    const copied = readFileSync(path.join(copy, 'pkg', 'settings.py'), 'utf8').split('\n');
    const kinds = new Set(queries.map((query) => query.kind));
    for (const kind of ['identifier', 'doc', 'module'] as const) assert.ok(kinds.has(kind), `a ${kind} query: ${JSON.stringify(queries)}`);

    for (const query of queries.filter((entry) => entry.kind === 'doc')) {
      // The sentence asked is no longer in the copy, and the target still starts at the definition's line.
      assert.ok(!copied.some((line) => line.includes(query.query)), `"${query.query}" is hidden`);
      assert.match(copied[query.target.startLine! - 1]!, /^def (read_settings_file|merge_settings)\(/, JSON.stringify(query));
      assert.match(copied[query.target.endLine! - 1]!, /return /, `${query.query} ends on the definition's last line`);
    }
    const module = queries.find((entry) => entry.kind === 'module')!;
    assert.equal(module.query, 'Helpers that read the configuration of a service from text files');
    assert.deepEqual(module.target, { path: 'pkg/settings.py' }, 'a module query is answered by the whole file');
    assert.ok(!copied.some((line) => line.includes('Helpers that read')), 'the module docstring is deleted');
    for (const query of queries.filter((entry) => entry.kind === 'identifier')) {
      assert.match(copied[query.target.startLine! - 1]!, /^def /, JSON.stringify(query));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('heading queries blank their heading in the copy; heading-visible ones, a third of the sections, keep it', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ranker-headings-'));
  const copy = path.join(root, 'copy');
  try {
    mkdirSync(path.join(root, 'source', 'docs'), { recursive: true });
    const topics = ['Reading the settings file', 'Merging two settings files', 'Writing settings back to disk', 'Validating every settings value', 'Reloading settings on change', 'Settings from the environment', 'Default values for missing settings', 'Secrets kept out of the settings', 'Settings for tests and fixtures'];
    const body = (topic: string) => `${topic} is explained here with enough words to be a section worth asking for, since a section needs some prose before a heading can be searched for at all.`;
    writeFileSync(path.join(root, 'source', 'docs', 'guide.md'), topics.map((topic) => `## ${topic}\n\n${body(topic)}\n`).join('\n'));
    const chunker = createChunker({ maxTokens: 512, overlapTokens: 0, countTokens: (text) => Math.ceil(text.length / 4) });
    const queries = await buildQueries('fixture', path.join(root, 'source'), copy, chunker);
    const copied = readFileSync(path.join(copy, 'docs', 'guide.md'), 'utf8').split('\n');
    const hidden = queries.filter((query) => query.kind === 'heading');
    const visible = queries.filter((query) => query.kind === 'heading-visible');
    assert.ok(hidden.length > 0 && visible.length > 0, JSON.stringify(queries.map((query) => query.kind)));
    assert.equal(hidden.length + visible.length, topics.length, 'each section is asked one way only');
    for (const query of hidden) assert.ok(!copied.includes(`## ${query.query}`), `"${query.query}" is blanked`);
    for (const query of visible) {
      assert.ok(copied.includes(`## ${query.query}`), `"${query.query}" is kept`);
      assert.match(copied.slice(query.target.startLine! - 1, query.target.endLine).join('\n'), new RegExp(`^\\s*${query.query} is explained`), 'the target is the section body');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('file queries name a source file that one file carries and no other defines; a name is unique as spelled', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ranker-files-'));
  const copy = path.join(root, 'copy');
  try {
    const source = path.join(root, 'source');
    mkdirSync(path.join(source, 'cmd'), { recursive: true });
    mkdirSync(path.join(source, 'other'), { recursive: true });
    const go = (body: string) => `package cmd\n\n${body}\n`;
    // args.go is the one file named args (its test aside): a file query. helpers.go is named twice: none.
    writeFileSync(path.join(source, 'cmd', 'args.go'), go('func NoArgs(n int) error {\n\tif n > 0 {\n\t\treturn nil\n\t}\n\treturn nil\n}'));
    writeFileSync(path.join(source, 'cmd', 'args_test.go'), go('func TestNoArgs(t *testing.T) {\n\tNoArgs(1)\n}'));
    writeFileSync(path.join(source, 'cmd', 'helpers.go'), go('func helpOne() int {\n\treturn 1\n}'));
    writeFileSync(path.join(source, 'other', 'helpers.go'), go('func helpTwo() int {\n\treturn 2\n}'));
    // `Command` the type and `command` the function: asked as spelled, each has one answer.
    writeFileSync(path.join(source, 'cmd', 'command.go'), go('type Command struct {\n\tName string\n\tArgs []string\n}'));
    writeFileSync(path.join(source, 'cmd', 'build.go'), go('func command(name string) *Command {\n\tc := &Command{Name: name}\n\treturn c\n}'));
    // An example and a compatibility shim have names of their own, but are not the project's code to ask for.
    mkdirSync(path.join(source, 'examples'), { recursive: true });
    writeFileSync(path.join(source, 'examples', 'basicauth.go'), go('func basicAuthDemo() int {\n\treturn 1\n}'));
    writeFileSync(path.join(source, 'cmd', 'compat.go'), go('func oldName() int {\n\treturn 1\n}'));
    const chunker = createChunker({ maxTokens: 512, overlapTokens: 0, countTokens: (text) => Math.ceil(text.length / 4) });
    const queries = await buildQueries('fixture', source, copy, chunker);

    const files = queries.filter((query) => query.kind === 'file');
    const asked = new Map(files.map((query) => [query.target.path, query.query]));
    assert.ok(['args', 'Args'].includes(asked.get('cmd/args.go')!), JSON.stringify(files));
    assert.ok(!asked.has('cmd/args_test.go') && !asked.has('cmd/helpers.go') && !asked.has('other/helpers.go'), JSON.stringify(files));
    assert.ok(!asked.has('cmd/command.go'), 'a file named like a definition elsewhere (`command` in build.go) has no one answer');
    assert.ok(!asked.has('examples/basicauth.go') && !asked.has('cmd/compat.go'), JSON.stringify(files));
    for (const query of files) assert.equal(query.target.startLine, undefined, 'a file query is answered by the whole file');

    const identifiers = queries.filter((query) => query.kind === 'identifier');
    const commandType = identifiers.find((query) => query.target.path === 'cmd/command.go');
    assert.equal(commandType?.query, 'Command', JSON.stringify(identifiers));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
