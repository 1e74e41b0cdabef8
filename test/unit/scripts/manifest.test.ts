// Issue 20: what the marketplace and VS Code read from package.json is true. The VS Code range it claims is
// the one the tests run on (code-server's VS Code, whose extension host runs Node 24: desktop VS Code before it
// ran older Nodes the native modules and sources were never tested on); the `vscode` API it compiles against is
// no newer than that minimum; the icon, banner, repository and changelog are there and well formed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CODE_SERVER_VERSION } from '../../vscode/harness/code-server.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  icon?: string;
  engines: { vscode: string };
  devDependencies: Record<string, string>;
  categories?: string[];
  galleryBanner?: { color?: string; theme?: string };
  repository?: { type?: string; url?: string };
};

/** `[major, minor, patch]` of a version or the lowest version of a `^x.y.z` / `x.y.z` range. */
function versionOf(text: string): [number, number, number] {
  const match = /^\^?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  assert.ok(match, `${text} is a plain or caret version`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < 3; index += 1) if (a[index] !== b[index]) return a[index]! - b[index]!;
  return 0;
}

/** VS Code's version inside a code-server release: code-server 4.X.Y serves VS Code 1.X.Y. */
function vscodeOfCodeServer(version: string): [number, number, number] {
  const [major, minor, patch] = versionOf(version);
  assert.equal(major, 4, 'code-server 4.x numbers its releases after the VS Code it serves');
  return [1, minor, patch];
}

// The categories the marketplace accepts (vsce rejects others).
const MARKETPLACE_CATEGORIES = new Set([
  'AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps',
  'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Other', 'Programming Languages', 'SCM Providers',
  'Snippets', 'Testing', 'Themes', 'Visualization',
]);

describe('the VS Code range claimed is the one tested', () => {
  test('engines.vscode starts at the VS Code that the tests run (code-server, in scripts/setup-vscode-tests.sh)', () => {
    const setupScript = readFileSync(path.join(ROOT, 'scripts', 'setup-vscode-tests.sh'), 'utf8');
    const installed = /^CODE_SERVER_VERSION=(\S+)$/m.exec(setupScript)?.[1];
    assert.equal(installed, CODE_SERVER_VERSION, 'the set-up installs the code-server the harness expects');
    const tested = vscodeOfCodeServer(CODE_SERVER_VERSION);
    const claimed = versionOf(manifest.engines.vscode);
    assert.ok(manifest.engines.vscode.startsWith('^'), 'a caret range: newer VS Code releases keep the API');
    assert.deepEqual(claimed.slice(0, 2), tested.slice(0, 2), `engines.vscode ${manifest.engines.vscode} claims what code-server ${CODE_SERVER_VERSION} (VS Code ${tested.join('.')}) tests`);
    assert.ok(compare(claimed, tested) <= 0, 'no later patch than the tested one is required');
  });

  test('the vscode API types are no newer than the claimed minimum, so tsc rejects any later API', () => {
    const claimed = versionOf(manifest.engines.vscode);
    const declared = manifest.devDependencies['@types/vscode'];
    assert.ok(declared !== undefined && /^\d+\.\d+\.\d+$/.test(declared), `@types/vscode is pinned to one version (${declared})`);
    assert.ok(compare(versionOf(declared), claimed) <= 0, `@types/vscode ${declared} <= engines.vscode ${manifest.engines.vscode}`);
    const installedTypes = JSON.parse(readFileSync(path.join(ROOT, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8')) as { version: string };
    assert.equal(installedTypes.version, declared, 'the installed types are the declared ones (npm ci)');
  });
});

describe('marketplace metadata', () => {
  test('the icon is a 128x128 PNG rendered from the SVG next to it', () => {
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(path.join(ROOT, 'media', 'icon.png'));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128], 'width and height');
    const svg = readFileSync(path.join(ROOT, 'media', 'icon.svg'), 'utf8');
    assert.match(svg, /<svg[^>]*viewBox="0 0 128 128"/);
  });

  test('categories, gallery banner, repository and changelog', () => {
    assert.ok((manifest.categories ?? []).length > 0);
    for (const category of manifest.categories ?? []) assert.ok(MARKETPLACE_CATEGORIES.has(category), `${category} is a marketplace category`);
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
    assert.ok(manifest.galleryBanner?.theme === 'dark' || manifest.galleryBanner?.theme === 'light');
    assert.equal(manifest.repository?.type, 'git');
    assert.match(manifest.repository?.url ?? '', /^https:\/\/\S+\.git$/);
    const changelog = readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}$`, 'm'), 'the changelog has the current version');
    assert.ok(existsSync(path.join(ROOT, 'LICENSE')));
  });
});
