import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { writeCorpus } from '../indexing/corpus.ts';
import { MIGRATION_FILES } from '../migration/report-corpus.ts';
import { BIN, ENV, semsearch } from './run-cli.ts';

describe('semsearch CLI', () => {
  const root = writeCorpus();
  const glove = ['--model', 'glove-100d', '--quantization', 'fp32'];

  test('index, then search a function by describing it', () => {
    const indexed = semsearch('index', root, ...glove);
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.match(indexed.stdout, /5 files \(5 indexed, 0 unchanged, 0 removed\)/);
    assert.match(indexed.stdout, /skipped 2: 1 ignored, 1 secret/);
    const found = semsearch('search', 'sort users by their age', '--dir', root, '--k', '3');
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout.split('\n')[0]!, /src\/users\.go:\d+-\d+/);
  });

  test('search --json gives paths, 1-based line ranges and the three scores', () => {
    const found = semsearch('search', 'area of a circle', '--dir', root, '--k', '2', '--json');
    assert.equal(found.code, 0, found.stderr);
    const output = JSON.parse(found.stdout) as { partial: boolean; results: { path: string; start_line: number; end_line: number; score: number; dense: number | null; lexical: number | null }[] };
    assert.equal(output.partial, false);
    assert.ok(output.results.length > 0 && output.results.length <= 2);
    for (const result of output.results) {
      assert.ok(result.start_line >= 1 && result.end_line >= result.start_line);
      assert.ok(result.score > 0);
    }
    assert.equal(output.results[0]!.path, 'src/geometry.py');
  });

  test('--lang and --path filter the results', () => {
    const markdown = JSON.parse(semsearch('search', 'install', '--dir', root, '--lang', 'markdown', '--json').stdout) as { results: { path: string }[] };
    assert.ok(markdown.results.length > 0 && markdown.results.every((result) => result.path.endsWith('.md')));
    const python = JSON.parse(semsearch('search', 'area', '--dir', root, '--path', 'src/**/*.py', '--json').stdout) as { results: { path: string }[] };
    assert.ok(python.results.length > 0 && python.results.every((result) => result.path.endsWith('.py')));
  });

  test('--scope keeps source code only or documentation only', () => {
    const paths = (...scope: string[]) => {
      const found = semsearch('search', 'install users area', '--dir', root, '--k', '20', ...scope, '--json');
      assert.equal(found.code, 0, found.stderr);
      return (JSON.parse(found.stdout) as { results: { path: string }[] }).results.map((result) => result.path);
    };
    const all = paths();
    assert.ok(all.some((file) => file.endsWith('.md')) && all.some((file) => !file.endsWith('.md')), all.join(', '));
    const code = paths('--scope', 'code');
    assert.ok(code.length > 0 && code.every((file) => /\.(go|py|ts|js)$/.test(file)), code.join(', '));
    const docs = paths('--scope', 'docs');
    assert.ok(docs.length > 0 && docs.every((file) => file.endsWith('.md')), docs.join(', '));
    const wrong = semsearch('search', 'install', '--dir', root, '--scope', 'tests');
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /--scope must be one of all, code, docs/);
  });

  test('a reader that stops early (`| head -1`) ends the search quietly, without a stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'search', 'install users area', '--dir', root, '--k', '50'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    // Like `head -1`: read the first chunk of output, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.equal(code, 0);
  });

  test('search --batch reads {id, query} lines and writes the scorer format', () => {
    const batch = path.join(mkdtempSync(path.join(os.tmpdir(), 'batch-')), 'queries.jsonl');
    writeFileSync(batch, `${JSON.stringify({ id: 'q1', query: 'sort users by age' })}\n\n${JSON.stringify({ id: 7, query: 'installation' })}\n`);
    const out = `${batch}.out`;
    const result = semsearch('search', '--batch', batch, '--dir', root, '--k', '4', '--out', out);
    assert.equal(result.code, 0, result.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: unknown; results: { path: string; start_line: number; end_line: number; score: number }[] });
    assert.deepEqual(lines.map((line) => line.id), ['q1', 7]);
    for (const line of lines) {
      assert.ok(line.results.length > 0 && line.results.length <= 4);
      for (const hit of line.results) assert.deepEqual(Object.keys(hit).slice(0, 4), ['path', 'start_line', 'end_line', 'score']);
    }
  });

  test('status --json reports files, chunks, skips, model, fingerprint, device and size', () => {
    const result = semsearch('status', root, '--json');
    assert.equal(result.code, 0, result.stderr);
    const status = JSON.parse(result.stdout) as { files: number; chunks: number; databaseBytes: number; model: { id: string; fingerprint: string; provider: string }; skips: { reason: string; count: number }[] };
    assert.equal(status.files, 5);
    assert.ok(status.chunks > 5);
    assert.ok(status.databaseBytes > 0);
    assert.equal(status.model.id, 'glove-100d');
    assert.match(status.model.fingerprint, /^[0-9a-f]{32}$/);
    assert.ok(status.model.provider.length > 0);
    assert.deepEqual(status.skips.map((skip) => skip.reason).sort(), ['ignored', 'secret']);
    assert.ok(status.databaseBytes > 0);
  });

  test('--help after a command prints the usage and succeeds', () => {
    for (const args of [['search', '--help'], ['index', '-h'], ['migrate', '--to', 'x', '--help']]) {
      const result = semsearch(...args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /semsearch search "QUERY"/);
    }
  });

  test('after --, a flag is the text to search for, not a request for the usage', () => {
    const result = semsearch('search', '--dir', root, '--json', '--', '--help');
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, /semsearch search "QUERY"/);
    const output = JSON.parse(result.stdout) as { results: unknown[] };
    assert.ok(Array.isArray(output.results));
  });

  test('mistakes give one clear line and a non-zero exit code', () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['search', 'x', '--dir', mkdtempSync(path.join(os.tmpdir(), 'empty-'))], /has not been indexed yet; run `semsearch index/],
      [['search', 'x', '--dir', root, '--k', 'ten'], /--k must be a positive whole number/],
      [['index', root, '--model', 'no-such-model'], /unknown model "no-such-model"/],
      [['index', root, '--quantization', 'int4'], /--quantization must be one of fp32, int8/],
      [['index', path.join(root, 'missing')], /does not exist/],
      [['search', '--batch', '/nonexistent.jsonl', '--dir', root], /batch file .* does not exist/],
    ];
    for (const [args, pattern] of cases) {
      const result = semsearch(...args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
    }
  });

  test('watch keeps the index current as files change', async () => {
    const watched = writeCorpus();
    const child = spawn(process.execPath, [BIN, 'watch', watched, ...glove], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout });
    const nextLine = (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`no line matching ${pattern}`)), 20_000);
        lines.on('line', (line) => {
          if (pattern.test(line)) {
            clearTimeout(timeout);
            resolve(line);
          }
        });
      });
    try {
      await nextLine(/^watching /);
      writeFileSync(path.join(watched, 'src/retry.ts'), '/** Retries a failed network request with exponential backoff. */\nexport async function retryWithBackoff(request: () => Promise<Response>) {\n  return request();\n}\n');
      await nextLine(/^updated 1 file/);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.on('exit', resolve));
    }
    const found = JSON.parse(semsearch('search', 'retryWithBackoff', '--dir', watched, '--json', '--mode', 'lexical').stdout) as { results: { path: string }[] };
    assert.equal(found.results[0]!.path, 'src/retry.ts');
  });

  test('watch exits with the error when its first run fails, instead of hanging on its open watches', { timeout: 90_000 }, async () => {
    const watched = writeCorpus();
    const databasePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'watch-fails-')), 'index.db');
    assert.equal(semsearch('index', watched, '--db', databasePath, ...glove).code, 0);
    writeFileSync(path.join(watched, 'src/new.ts'), 'export const added = 1;\n');
    // Another connection holds the database's write lock past the busy timeout: the first run fails.
    const holder = new Database(databasePath);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const child = spawn(process.execPath, [BIN, 'watch', watched, '--db', databasePath, ...glove], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      assert.equal(code, 1, stderr);
      assert.match(stderr, /locked|busy/i);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});

describe('semsearch tradeoffs', () => {
  test('measures every storage option on the index: a table, or JSON with a recommendation', () => {
    const project = writeCorpus(MIGRATION_FILES);
    const projectDb = path.join(mkdtempSync(path.join(os.tmpdir(), 'tradeoffs-')), 'index.db');
    assert.equal(semsearch('index', project, '--db', projectDb).code, 0);
    const table = semsearch('tradeoffs', '--db', projectDb);
    assert.equal(table.code, 0, table.stderr);
    // The default model is the project's own, trained for truncation: its Matryoshka prefixes are options too.
    assert.match(table.stdout, /code-static, \d+ vectors/);
    assert.match(table.stdout, /float32, first 64 dimensions/);
    for (const kind of ['float32', 'int8', 'binary']) assert.match(table.stdout, new RegExp(`\\n[>* ] ${kind}`));
    assert.match(table.stdout, /recommendation: /);
    const report = JSON.parse(semsearch('tradeoffs', '--db', projectDb, '--json').stdout) as { options: { option: { kind: string }; current: boolean; recallAt10VsExact: number }[] };
    assert.ok(report.options.length >= 5);
    assert.equal(report.options.filter((option) => option.current).length, 1);
    assert.equal(report.options.find((option) => option.current)!.option.kind, 'float32');
  });
});

describe('semsearch with a Hub model of the catalog', () => {
  test('--offline refuses to download it; a Hub that does not have it gives one clear line', async () => {
    const root = writeCorpus();
    const offline = semsearch('index', root, '--db', path.join(mkdtempSync(path.join(os.tmpdir(), 'hub-')), 'index.db'), '--model', 'bge-small', '--offline');
    assert.equal(offline.code, 2);
    assert.match(offline.stderr, /BGE small.*not downloaded yet and --offline forbids/i);
    // A local server in the Hub's place that knows no repository.
    const server = http.createServer((_request, response) => response.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'index', root, '--db', path.join(mkdtempSync(path.join(os.tmpdir(), 'hub-')), 'index.db'), '--model', 'bge-small'], { env: { ...ENV, SEMSEARCH_HUB_ENDPOINT: endpoint } });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
      assert.equal(result.code, 1);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /BAAI\/bge-small-en-v1\.5/);
    } finally {
      server.close();
    }
  });
});

describe('semsearch migrate', () => {
  const root = writeCorpus();
  const db = path.join(mkdtempSync(path.join(os.tmpdir(), 'migrate-')), 'index.db');

  test('--to builds the new index, cuts over; --rollback and --cutover move between them; --status says where things stand', () => {
    assert.equal(semsearch('index', root, '--db', db, '--model', 'glove-100d', '--quantization', 'fp32').code, 0);
    const manual = semsearch('migrate', '--to', 'use-lite', '--manual', '--db', db);
    assert.equal(manual.code, 0, manual.stderr);
    assert.match(manual.stdout, /complete and waits for `semsearch migrate --cutover`/);
    const waiting = JSON.parse(semsearch('migrate', '--status', '--db', db, '--json').stdout) as { active: { modelId: string }; pending: { state: string; complete: boolean } };
    assert.equal(waiting.active.modelId, 'glove-100d');
    assert.deepEqual([waiting.pending.state, waiting.pending.complete], ['ready', true]);
    // Meanwhile searches still use the old model's index (by words here: this process loads no model for it).
    assert.equal(semsearch('search', 'SortUsersByAge', '--db', db, '--mode', 'lexical', '--json').code, 0);
    const cutover = semsearch('migrate', '--cutover', '--db', db);
    assert.equal(cutover.code, 0, cutover.stderr);
    assert.match(semsearch('migrate', '--status', '--db', db).stdout, /active\s+use-lite/);
    const rollback = semsearch('migrate', '--rollback', '--db', db);
    assert.equal(rollback.code, 0, rollback.stderr);
    assert.match(rollback.stdout, /rolled back to glove-100d/);
    const again = semsearch('migrate', '--rollback', '--db', db);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no earlier index to go back to/);
    // A handful of documented functions is no evidence that the new model searches as well: it waits.
    const thin = semsearch('migrate', '--to', 'use-lite', '--db', db);
    assert.equal(thin.code, 0, thin.stderr);
    assert.match(thin.stdout, /waits for `semsearch migrate --cutover` \(the search quality rests on too few queries: not enough evidence \(\d+ quer(y|ies); a verdict needs 30\); see `semsearch migrate --report`\)/);
    assert.match(semsearch('migrate', '--report', '--db', db).stdout, /evidence\s+none: the search quality rests on too few queries: not enough evidence/);
    assert.equal(semsearch('migrate', '--cutover', '--rollback', '--db', db).code, 2, 'one action at a time');
  });

  test('with queries enough and quality held, --to cuts over by itself', () => {
    const project = writeCorpus(MIGRATION_FILES);
    const projectDb = path.join(mkdtempSync(path.join(os.tmpdir(), 'migrate-auto-')), 'index.db');
    assert.equal(semsearch('index', project, '--db', projectDb, '--model', 'glove-100d', '--quantization', 'fp32').code, 0);
    const automatic = semsearch('migrate', '--to', 'use-lite', '--db', projectDb);
    assert.equal(automatic.code, 0, automatic.stderr);
    assert.match(automatic.stdout, /cut over to use-lite/);
  });

  test('a quality drop beyond --margin holds the cutover; --report (text and --json) compares the two models', () => {
    const project = writeCorpus(MIGRATION_FILES);
    const projectDb = path.join(mkdtempSync(path.join(os.tmpdir(), 'migrate-report-')), 'index.db');
    assert.equal(semsearch('index', project, '--db', projectDb, '--model', 'use-lite').code, 0);
    const held = semsearch('migrate', '--to', 'glove-100d', '--quantization', 'fp32', '--margin', '0', '--db', projectDb);
    assert.equal(held.code, 0, held.stderr);
    assert.match(held.stdout, /waits for `semsearch migrate --cutover` \(MRR@10 fell from 0\.\d+ to 0\.\d+, more than --margin 0/);
    const text = semsearch('migrate', '--report', '--db', projectDb);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /use-lite \(512-d\) → glove-100d \(100-d\)/);
    assert.match(text.stdout, /MRR@10\s+old 0\.\d+, new 0\.\d+/);
    const report = JSON.parse(semsearch('migrate', '--report', '--db', projectDb, '--json').stdout) as {
      from: { modelId: string };
      to: { modelId: string };
      quality: { from: { mrrAt10: number }; to: { mrrAt10: number } };
      overlap: { mean: number };
    };
    assert.deepEqual([report.from.modelId, report.to.modelId], ['use-lite', 'glove-100d']);
    assert.ok(report.quality.to.mrrAt10 < report.quality.from.mrrAt10);
    assert.ok(report.overlap.mean >= 0 && report.overlap.mean <= 1);
    assert.equal(semsearch('migrate', '--to', 'glove-100d', '--margin', 'lots', '--db', projectDb).code, 2);
  });
});
