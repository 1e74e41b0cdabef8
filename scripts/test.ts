// `npm test`: the offline models, the type check, the unit tests, then the tests in a real VS Code, ending with
// one line `N passed, N failed` over all of them. A step that fails without a count of its own (the type check,
// a runner that crashes) counts as one failure. SEMSEARCH_SKIP_VSCODE_TESTS=1 leaves the VS Code tests out
// (they need `bash scripts/setup-vscode-tests.sh` once).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const root = path.resolve(import.meta.dirname, '..');
const SUMMARY = /^(\d+) passed, (\d+) failed\s*$/;

interface StepResult {
  name: string;
  code: number;
  seconds: number;
  /** The step's own last `N passed, N failed` line, if it printed one. */
  counts: { passed: number; failed: number } | undefined;
}

/** Runs `npm run <script>`, passing its output through and remembering its last summary line. */
function runScript(script: string): Promise<StepResult> {
  const started = performance.now();
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm, 'run', '--silent', script]] : ['npm', ['run', '--silent', script]];
  const child = spawn(command, args, { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  let counts: StepResult['counts'];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const match = SUMMARY.exec(line);
      if (match) counts = { passed: Number(match[1]), failed: Number(match[2]) };
    }
  });
  return new Promise((resolve) => {
    child.once('close', (code) => {
      const match = SUMMARY.exec(pending);
      if (match) counts = { passed: Number(match[1]), failed: Number(match[2]) };
      resolve({ name: script, code: code ?? 1, seconds: (performance.now() - started) / 1000, counts });
    });
  });
}

async function main(): Promise<number> {
  const steps: StepResult[] = [];
  const models = await runScript('models');
  steps.push(models);
  if (models.code === 0) {
    steps.push(await runScript('check'));
    steps.push(await runScript('test:unit'));
    if (process.env.SEMSEARCH_SKIP_VSCODE_TESTS === '1') console.log('\nVS Code tests skipped (SEMSEARCH_SKIP_VSCODE_TESTS=1).');
    else steps.push(await runScript('test:vscode'));
  } else {
    console.error('Building the offline models failed; the tests need them, so nothing else ran.');
  }

  let passed = 0;
  let failed = 0;
  console.log('\nSummary');
  for (const step of steps) {
    let line: string;
    if (step.counts !== undefined) {
      passed += step.counts.passed;
      failed += step.counts.failed;
      // A runner that exits non-zero while reporting no failure still failed.
      if (step.code !== 0 && step.counts.failed === 0) failed += 1;
      line = `${step.counts.passed} passed, ${step.counts.failed} failed`;
    } else if (step.code === 0) {
      line = 'ok';
    } else {
      failed += 1;
      line = `FAILED (exit code ${step.code})`;
    }
    console.log(`  ${step.name.padEnd(12)} ${line} (${step.seconds.toFixed(1)} s)`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
