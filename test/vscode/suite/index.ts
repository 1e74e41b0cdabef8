// The extension-host test runner: VS Code loads the bundle of this file (out/test/vscode/suite/index.cjs) as
// `extensionTestsPath` and awaits `run()`. It runs the suites bundled next to it with mocha (tdd interface):
// `*.multi-root.test.ts` in the multi-root window, the others in the single-folder window.
//
// test/vscode/run.ts passes, through code-server's environment (the extension host inherits it):
//   SEMSEARCH_TEST_RESULT_FILE  where to write { passed, failed, failures } as JSON
//   SEMSEARCH_TEST_GREP         only tests whose full title matches this
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** What the runner reads back. */
export interface SuiteResult {
  passed: number;
  failed: number;
  failures: Array<{ title: string; error: string }>;
}

/** Called by VS Code once the extension host is up; rejects when a test fails. */
export function run(): Promise<void> {
  const multiRoot = vscode.workspace.workspaceFile !== undefined;
  // The workbench forwards the extension host's console into its log; a prefix tells mocha's lines apart there.
  Mocha.reporters.Base.consoleLog = (...data: unknown[]) => {
    for (const line of format(...data).split('\n')) console.log(`[mocha] ${line}`);
  };
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  if (process.env.SEMSEARCH_TEST_GREP) mocha.grep(process.env.SEMSEARCH_TEST_GREP);
  const directory = import.meta.dirname;
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.test.cjs') && name.endsWith('.multi-root.test.cjs') === multiRoot)
    .sort();
  for (const name of files) mocha.addFile(path.join(directory, name));

  const result: SuiteResult = { passed: 0, failed: 0, failures: [] };
  const save = () => {
    if (process.env.SEMSEARCH_TEST_RESULT_FILE) writeFileSync(process.env.SEMSEARCH_TEST_RESULT_FILE, JSON.stringify(result, null, 2));
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        save();
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed.`));
        else resolve();
      });
      runner.on('pass', () => (result.passed += 1));
      runner.on('fail', (test, error: Error) => {
        result.failed += 1;
        result.failures.push({ title: test.fullTitle(), error: error.stack ?? String(error) });
      });
    } catch (error) {
      // A suite that throws while loading fails the whole window.
      result.failed += 1;
      result.failures.push({ title: 'loading the suites', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      save();
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
