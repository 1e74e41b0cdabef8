// What a file's path says about its role: tests are where a codebase exercises its code, not where it defines it.
// Used by the "hide tests" filter (panel, CLI --no-tests).

/** Folders that hold tests, in any language's convention. */
const TEST_FOLDERS = new Set(['test', 'tests', '__tests__', '__test__', 'spec', 'specs', 'testing', 'testdata', 'test-fixtures', 'fixtures', 'e2e']);

/** File names of tests: `x_test.go`, `test_x.py`, `x_test.py`, `x.test.ts`, `x.spec.js`, `XTest.java`, `x_spec.rb`, `conftest.py`. */
const TEST_FILE = /(?:^test_.+\.py$|_test\.(?:go|py|rb|rs|cc|cpp|c|exs?)$|\.(?:test|spec)\.[cm]?[jt]sx?$|(?:Test|Tests|Spec|IT)\.(?:java|kt|cs|scala|php)$|_spec\.rb$|^conftest\.py$)/;

/** Whether a path (relative, '/' separators) is a test file or lies in a test folder. */
export function isTestPath(filePath: string): boolean {
  const parts = filePath.split('/');
  const name = parts.at(-1) ?? '';
  if (TEST_FILE.test(name)) return true;
  return parts.slice(0, -1).some((folder) => TEST_FOLDERS.has(folder.toLowerCase()));
}
