// `npm run test:electron`: the same extension-host suites as `npm run test:vscode --layer host`, in desktop
// VS Code (Electron) downloaded by @vscode/test-electron. For machines with internet access: it fails at once
// where update.code.visualstudio.com cannot be reached, so CI here uses code-server (test/vscode/run.ts).
// VSCODE_VERSION picks the version (default: stable); VSCODE_EXECUTABLE uses an installed VS Code instead.
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build, buildSuites, SUITE_OUTPUT_DIRECTORY } from '../../scripts/build.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures');

async function main(): Promise<number> {
  await build();
  await buildSuites();
  const runDirectory = await mkdtemp(path.join(os.tmpdir(), 'semsearch-electron-'));
  let passed = 0;
  let failed = 0;
  try {
    const workspaces = path.join(runDirectory, 'workspaces');
    await mkdir(workspaces, { recursive: true });
    for (const name of ['workspace', 'workspace-library', 'multi-root.code-workspace']) {
      await cp(path.join(fixtures, name), path.join(workspaces, name), { recursive: true });
    }
    const suites = (await readdir(path.join(import.meta.dirname, 'suite'))).filter((name) => name.endsWith('.test.ts'));
    const windows: Array<[string, string]> = [];
    if (suites.some((name) => !name.endsWith('.multi-root.test.ts'))) windows.push(['folder', path.join(workspaces, 'workspace')]);
    if (suites.some((name) => name.endsWith('.multi-root.test.ts'))) windows.push(['multi-root', path.join(workspaces, 'multi-root.code-workspace')]);
    for (const [kind, workspace] of windows) {
      const resultFile = path.join(runDirectory, `result-${kind}.json`);
      console.log(`\n[host] ${kind} window (VS Code ${process.env.VSCODE_VERSION ?? 'stable'})`);
      try {
        await runTests({
          version: process.env.VSCODE_VERSION,
          vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
          extensionDevelopmentPath: root,
          extensionTestsPath: path.join(SUITE_OUTPUT_DIRECTORY, 'index.cjs'),
          extensionTestsEnv: { SEMSEARCH_TEST_RESULT_FILE: resultFile, XDG_CACHE_HOME: path.join(runDirectory, 'cache') },
          launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(runDirectory, `user-data-${kind}`)],
        });
      } catch (error) {
        console.error(error instanceof Error ? error.message : error);
      }
      if (existsSync(resultFile)) {
        const result = JSON.parse(await readFile(resultFile, 'utf8')) as { passed: number; failed: number };
        passed += result.passed;
        failed += result.failed;
      } else {
        failed += 1; // VS Code could not be downloaded or started, or the suites did not load
      }
    }
  } finally {
    await rm(runDirectory, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
