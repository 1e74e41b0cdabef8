// Include/exclude globs (picomatch) compiled once per walk.

import picomatch from 'picomatch';

const GLOB_CHARACTERS = /[*?[\]{}()!+@\\]/;

/** A list of globs matched against root-relative '/' paths; says which glob matched. */
export class GlobSet {
  private readonly globs: readonly string[];
  // `**/name` globs, the usual kind, only look at the last path segment: a literal one is a set lookup,
  // a wildcard one a short regular expression. Both are far cheaper than picomatch's whole-path form.
  private readonly literalNames = new Map<string, number>();
  private readonly namePatterns: { readonly index: number; readonly pattern: RegExp }[] = [];
  private readonly pathPatterns: { readonly index: number; readonly pattern: RegExp }[] = [];
  private readonly caseInsensitive: boolean;

  constructor(globs: readonly string[], caseInsensitive: boolean) {
    this.globs = globs;
    this.caseInsensitive = caseInsensitive;
    // dotAll, because picomatch's `.` stands for "any character but '/'" and file names may hold newlines.
    const flags = caseInsensitive ? 'is' : 's';
    const compile = (glob: string): RegExp => {
      const compiled = picomatch.makeRe(glob, { dot: true, nocase: caseInsensitive, windows: false });
      return new RegExp(compiled.source, flags);
    };
    globs.forEach((glob, index) => {
      const name = glob.startsWith('**/') ? glob.slice(3) : undefined;
      if (name === undefined || name === '' || name.includes('/')) {
        this.pathPatterns.push({ index, pattern: compile(glob) });
      } else if (!GLOB_CHARACTERS.test(name)) {
        const key = caseInsensitive ? name.toLowerCase() : name;
        if (!this.literalNames.has(key)) this.literalNames.set(key, index);
      } else {
        this.namePatterns.push({ index, pattern: compile(name) });
      }
    });
  }

  get isEmpty(): boolean {
    return this.globs.length === 0;
  }

  /** The first glob (in list order) that matches the path, or undefined. */
  match(relativePath: string): string | undefined {
    const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
    let best = this.literalNames.get(this.caseInsensitive ? name.toLowerCase() : name) ?? Infinity;
    for (const { index, pattern } of this.namePatterns) {
      if (index < best && pattern.test(name)) best = index;
    }
    for (const { index, pattern } of this.pathPatterns) {
      if (index < best && pattern.test(relativePath)) best = index;
    }
    return best === Infinity ? undefined : this.globs[best];
  }
}
