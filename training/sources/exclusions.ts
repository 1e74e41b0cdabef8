// The evaluation projects (../shared/eval: rich, gin and gin-contrib, eslint and espree, fastapi) must
// never be training data: not their packages, not copies of them vendored inside other packages. The
// code-level check (any pair whose code occurs in an evaluation corpus is dropped) is in the core's
// contamination filter; this is the name-level one, applied when packages are chosen and again to every
// path inside a package when pairs are extracted.

/** A package name (npm or Debian, binary or source) of an evaluation project or a fork of it. */
const EXCLUDED_PACKAGE = /(^|[^a-z0-9])(rich|fastapi|espree|gin-gonic|gin-contrib)([^a-z0-9]|$)|eslint/i;

/** A folder name that holds a vendored copy of an evaluation project. */
const EXCLUDED_FOLDER = /^(rich|fastapi|espree|eslint|gin|gin-gonic|gin-contrib|@eslint|@eslint-community|eslint-[\w.-]+)$/i;

/** Whether a package belongs to an evaluation project (by its name or its source package's). */
export function isExcludedPackage(...names: (string | undefined)[]): boolean {
  return names.some((name) => name !== undefined && EXCLUDED_PACKAGE.test(name));
}

/** Whether a path inside a package passes through a folder of an evaluation project (a vendored copy). */
export function isExcludedPath(relativePath: string): boolean {
  const folders = relativePath.split('/').slice(0, -1);
  return folders.some((folder) => EXCLUDED_FOLDER.test(folder));
}
