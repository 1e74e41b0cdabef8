// What a chunk's path says to the ranker: the roles of files that are rarely the answer (tests, examples,
// vendored and generated code, compatibility shims, type declarations) and the words of the file's stem and
// folders, which name what a file is about more often than any line in it (`sessions.py` for "session management").
import { lexicalWords } from '../lexical.ts';
import { isTestPath } from '../path-roles.ts';

/** Folders of examples, samples and demos: code that uses a library rather than defines it. */
const EXAMPLE_FOLDERS = new Set(['example', 'examples', 'sample', 'samples', 'demo', 'demos', 'benchmark', 'benchmarks', 'bench', 'benches', 'playground']);
/** Folders of code copied in from elsewhere. */
const VENDORED_FOLDERS = new Set(['vendor', 'vendored', 'third_party', 'thirdparty', 'third-party', 'external', 'externals', 'node_modules', 'deps', '_vendor']);
/** Names of generated files: protobuf and gRPC stubs, `*.gen.*`, `*_generated.*`, bundles, minified files. */
const GENERATED_FILE = /(?:\.pb(?:\.gw)?\.go$|_pb2(?:_grpc)?\.py$|\.gen\.[a-z]+$|[._-]generated\.[a-z]+$|\.min\.[cm]?js$|\.bundle\.[cm]?js$|_string\.go$)/i;
/** Folders of generated code. */
const GENERATED_FOLDERS = new Set(['generated', '__generated__', 'gen', 'dist', 'build', 'out']);
/** Compatibility layers: shims, polyfills, backports, legacy copies kept for old runtimes. */
const COMPATIBILITY = /(?:^|[/_.-])(?:compat|compatibility|polyfills?|shims?|backports?|legacy|deprecated)(?:[/_.-]|$)/i;
/** Type declarations that only restate code defined elsewhere: `.d.ts`, Python stubs. */
const TYPE_DECLARATION = /(?:\.d\.[cm]?ts|\.pyi)$/;

/** The roles of one path, as 0/1 features. */
export interface PathRoles {
  test: boolean;
  example: boolean;
  vendored: boolean;
  generated: boolean;
  compatibility: boolean;
  typeDeclaration: boolean;
}

/** The roles of a path (relative, '/' separators). */
export function pathRoles(filePath: string): PathRoles {
  const parts = filePath.split('/');
  const name = parts.at(-1) ?? '';
  const folders = parts.slice(0, -1).map((folder) => folder.toLowerCase());
  return {
    test: isTestPath(filePath),
    example: folders.some((folder) => EXAMPLE_FOLDERS.has(folder)) || /^(?:example|sample|demo)[_.-]/i.test(name),
    vendored: folders.some((folder) => VENDORED_FOLDERS.has(folder)),
    generated: GENERATED_FILE.test(name) || folders.some((folder) => GENERATED_FOLDERS.has(folder)),
    compatibility: COMPATIBILITY.test(filePath),
    typeDeclaration: TYPE_DECLARATION.test(name),
  };
}

/** The words of a path, stemmed as the lexical index stems them: the file's stem, and its folders'. */
export interface PathWords {
  /** Words of the file name without its extensions (`request_context.py` → request, context, requestcontext). */
  stem: Set<string>;
  /** The stem normalised to one word (`requestcontext`), to compare with a name the query spells. */
  stemName: string;
  /** Words of the folder names. */
  folders: Set<string>;
  /** The last folder normalised to one word: a package's name (`psr7`, `handler`). */
  folderName: string;
}

/** Stems that say nothing about a file's subject: the module entry points of several languages. */
const ENTRY_STEMS = new Set(['index', 'mod', 'init', '__init__', 'main', 'lib']);

/**
 * Inner extensions that say what part a file plays, not what it is about (`args.test.ts`, `index.d.ts`,
 * `app.min.js`, `service.pb.go`, `Form1.Designer.cs`): they go with the extension. Any other inner dot is part
 * of the name: C#'s partial classes (`SqlMapper.Settings.cs`) and Angular's `user.service.ts` are about
 * `SqlMapper.Settings` and `user.service`, and only `SqlMapper.cs` is the file named `SqlMapper`.
 */
const ROLE_EXTENSIONS = /(?:\.(?:d|test|tests|spec|specs|min|e2e|stories|story|bench|mock|mocks|pb|g|generated|designer))+$/i;

/** The words of a path; entry-point stems (`index.ts`, `mod.rs`, `__init__.py`) take their folder's words. */
export function pathWords(filePath: string): PathWords {
  const parts = filePath.split('/');
  const name = parts.at(-1) ?? '';
  const stemText = name.replace(/\.[^.]*$/, '').replace(ROLE_EXTENSIONS, '');
  const folderParts = parts.slice(0, -1);
  const lastFolder = folderParts.at(-1) ?? '';
  const stem = ENTRY_STEMS.has(stemText.toLowerCase()) ? lastFolder : stemText;
  return {
    stem: new Set(lexicalWords(stem)),
    stemName: stem.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ''),
    folders: new Set(lexicalWords(folderParts.join(' '))),
    folderName: lastFolder.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ''),
  };
}
