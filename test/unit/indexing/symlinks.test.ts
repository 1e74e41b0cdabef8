// Issue 15: a file reached through a symlink to a folder inside the workspace is indexed once, under its real
// path, by a full run and by updates (the watcher's path), and the status names the links that were folded.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { foldedLinksText } from '../../../extension/core/discovery/folded-links.ts';
import { FolderIndex } from '../../../extension/core/folder-index.ts';
import { offlineModel } from '../../helpers/models.ts';
import { temporaryDatabasePath } from '../store/helpers.ts';
import { semsearch } from '../cli/run-cli.ts';

const FILES: Record<string, string> = {
  'serde/src/lib.rs': '//! Serde: a framework for serializing and deserializing Rust data structures.\npub use crate::core::de;\n',
  'serde_core/src/lib.rs': '//! The core traits.\npub mod de;\n',
  'serde_core/src/de.rs': '/// A data structure that can be deserialized from any data format.\npub trait Deserialize<\'de>: Sized {\n    fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>;\n}\n',
  'serde_derive/src/lib.rs': 'mod internals;\n',
  'serde_derive/src/internals/ast.rs': '/// A source data structure annotated with derive attributes.\npub struct Container<\'a> {\n    pub ident: syn::Ident,\n}\n',
  'serde_derive_internals/Cargo.toml': '[package]\nname = "serde_derive_internals"\n',
};
const LINKS: [string, string][] = [
  ['serde/src/core', '../../serde_core/src'],
  ['serde_derive_internals/src', '../serde_derive/src/internals'],
];

function writeFiles(root: string): void {
  for (const [relative, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), text);
  }
}

describe('indexing a workspace with symlinked folders', { skip: process.platform === 'win32' && 'symlinks need privileges on Windows' }, () => {
  let root: string;
  let index: FolderIndex;
  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-links-'));
    writeFiles(root);
    // First as real copies, as an index made before links were folded holds them.
    for (const [link] of LINKS) {
      mkdirSync(path.join(root, link), { recursive: true });
      writeFileSync(path.join(root, link, 'copy.rs'), '// a copy\n');
    }
    index = await FolderIndex.open({ root, databasePath: temporaryDatabasePath(), modelDirectory: offlineModel('glove-100d'), quantization: 'fp32', device: 'cpu', threads: 1 });
    await index.index();
    assert.ok([...index.store.fileLookup().keys()].includes('serde/src/core/copy.rs'));
    for (const [link, target] of LINKS) {
      rmSync(path.join(root, link), { recursive: true });
      symlinkSync(target, path.join(root, link));
    }
  });
  after(async () => {
    await index.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('a full run keeps each file once, under its real path, and drops the copies stored under the links', async () => {
    const result = await index.index();
    assert.deepEqual([...index.store.fileLookup().keys()].sort(), Object.keys(FILES).sort());
    assert.equal(result.skips!.skipped['folded-symlink'], 2);
    const hits = (await index.search('deserialize a data structure', { k: 10 })).hits.map((hit) => hit.path);
    assert.ok(hits.includes('serde_core/src/de.rs'), hits.join(', '));
    assert.ok(hits.every((hit) => !hit.startsWith('serde/src/core/') && !hit.startsWith('serde_derive_internals/src/')), hits.join(', '));
  });

  test('the status says which links were folded and where their files are indexed', () => {
    const status = index.status();
    const folded = status.skips.find((skip) => skip.reason === 'folded-symlink');
    assert.deepEqual(folded, { reason: 'folded-symlink', count: 2, examples: ['serde/src/core → serde_core/src', 'serde_derive_internals/src → serde_derive/src/internals'] });
    assert.equal(
      foldedLinksText(status.skips),
      '2 links, indexed under their real paths: serde/src/core → serde_core/src, serde_derive_internals/src → serde_derive/src/internals',
    );
  });

  test('an update of a path through a link (a watcher event) does not add the linked copy', async () => {
    writeFileSync(path.join(root, 'serde_core', 'src', 'de.rs'), `${FILES['serde_core/src/de.rs']}/// Deserialize a value.\n`);
    const result = await index.update(['serde/src/core/de.rs', 'serde/src/core', 'serde_derive_internals/src/ast.rs', 'serde_core/src/de.rs']);
    assert.equal(result.filesIndexed, 1);
    assert.deepEqual([...index.store.fileLookup().keys()].sort(), Object.keys(FILES).sort());
  });
});

describe('semsearch status names the folded links', { skip: process.platform === 'win32' && 'symlinks need privileges on Windows' }, () => {
  test('one line after the skips: each link and where its files are indexed', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'semsearch-links-cli-'));
    try {
      writeFiles(root);
      for (const [link, target] of LINKS) symlinkSync(target, path.join(root, link));
      const indexed = semsearch('index', root, '--model', 'glove-100d', '--quantization', 'fp32');
      assert.equal(indexed.code, 0, indexed.stderr);
      assert.match(indexed.stdout, /6 files \(6 indexed/);
      const status = semsearch('status', root);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^skipped +2 folded-symlink$/m);
      assert.match(status.stdout, /^folded +2 links, indexed under their real paths: serde\/src\/core → serde_core\/src, serde_derive_internals\/src → serde_derive\/src\/internals$/m);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('foldedLinksText', () => {
  test('names the recorded examples and counts the rest; nothing when no link was folded', () => {
    assert.equal(foldedLinksText([{ reason: 'ignored', count: 3, examples: ['a'] }]), undefined);
    assert.equal(foldedLinksText([{ reason: 'folded-symlink', count: 1, examples: ['a → b'] }]), '1 link, indexed under its real path: a → b');
    assert.equal(foldedLinksText([{ reason: 'folded-symlink', count: 7, examples: ['a → b', 'c → d'] }]), '7 links, indexed under their real paths: a → b, c → d and 5 more');
  });
});
