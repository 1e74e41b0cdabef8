// A synthetic workspace for load tests: many small, realistic source files in several languages and
// folders, plus a `.gitignore`d build folder per package that the walk must skip. The same seed and
// file count always give the same bytes, so runs at different sizes compare like with like.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../test/unit/store/vectors.ts';

/** Files per leaf folder, and leaf folders per package: a layout like a large monorepo's. */
const FILES_PER_FOLDER = 40;
const FOLDERS_PER_PACKAGE = 50;
/** One ignored build file is written for every this many source files. */
const FILES_PER_IGNORED = 50;
/** The folder name the workspace's `.gitignore` excludes in every package. */
export const IGNORED_FOLDER = 'build';

const VERBS = ['load', 'save', 'parse', 'render', 'validate', 'merge', 'sort', 'filter', 'fetch', 'encode', 'decode', 'compute', 'resolve', 'schedule', 'retry', 'cache', 'format', 'compare', 'normalize', 'publish'];
const NOUNS = ['user', 'order', 'invoice', 'session', 'token', 'config', 'record', 'message', 'queue', 'account', 'payment', 'report', 'widget', 'cluster', 'node', 'request', 'response', 'image', 'event', 'schedule'];
const FIELDS = ['id', 'name', 'total', 'createdAt', 'status', 'owner', 'count', 'size', 'price', 'weight'];
const PHRASES = ['before it is stored', 'for the dashboard', 'with exponential backoff', 'from the remote service', 'in batches of a hundred', 'so that callers never wait', 'when the cache is cold', 'for the nightly export'];
const EXTENSIONS = ['ts', 'py', 'go', 'java', 'rs', 'md'] as const;

type Extension = (typeof EXTENSIONS)[number];

/** What one function of a synthetic file is about. */
interface Topic {
  verb: string;
  noun: string;
  other: string;
  field: string;
  phrase: string;
  /** Makes the body unique, so chunk contents do not collapse into a few shared vectors. */
  constant: number;
}

const capital = (word: string) => word[0]!.toUpperCase() + word.slice(1);

function drawTopic(next: () => number): Topic {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  return { verb: pick(VERBS), noun: pick(NOUNS), other: pick(NOUNS), field: pick(FIELDS), phrase: pick(PHRASES), constant: Math.floor(next() * 100_000) };
}

function typescriptFunction({ verb, noun, other, field, phrase, constant }: Topic): string {
  return `/** ${capital(verb)}s the ${noun}'s ${field} ${phrase}. */
export function ${verb}${capital(noun)}(${noun}: ${capital(noun)}, ${other}: ${capital(other)}): ${capital(noun)} {
  const ${field} = ${noun}.${field} ?? ${other}.${field};
  if (${field} === undefined) throw new Error('the ${noun} has no ${field}');
  return { ...${noun}, ${field}: ${field} + ${constant} };
}
`;
}

function pythonFunction({ verb, noun, other, field, phrase, constant }: Topic): string {
  return `def ${verb}_${noun}(${noun}, ${other}):
    """${capital(verb)} the ${noun}'s ${field} ${phrase}."""
    ${field} = ${noun}.get("${field}") or ${other}.get("${field}")
    if ${field} is None:
        raise ValueError("the ${noun} has no ${field}")
    return {**${noun}, "${field}": ${field} + ${constant}}

`;
}

function goFunction({ verb, noun, other, field, phrase, constant }: Topic): string {
  return `// ${capital(verb)}${capital(noun)} ${verb}s the ${noun}'s ${field} ${phrase}.
func ${capital(verb)}${capital(noun)}(${noun} *${capital(noun)}, ${other} *${capital(other)}) (int, error) {
	if ${noun} == nil {
		return 0, fmt.Errorf("no ${noun} to ${verb}")
	}
	return ${noun}.${capital(field)} + ${other}.${capital(field)} + ${constant}, nil
}

`;
}

function javaMethod({ verb, noun, other, field, phrase, constant }: Topic): string {
  return `    /** ${capital(verb)}s the ${noun}'s ${field} ${phrase}. */
    public static int ${verb}${capital(noun)}(${capital(noun)} ${noun}, ${capital(other)} ${other}) {
        if (${noun} == null) {
            throw new IllegalArgumentException("no ${noun} to ${verb}");
        }
        return ${noun}.get${capital(field)}() + ${other}.get${capital(field)}() + ${constant};
    }

`;
}

function rustFunction({ verb, noun, other, field, phrase, constant }: Topic): string {
  return `/// ${capital(verb)}s the ${noun}'s ${field} ${phrase}.
pub fn ${verb}_${noun}(${noun}: &${capital(noun)}, ${other}: &${capital(other)}) -> Result<i64, String> {
    if ${noun}.${field} < 0 {
        return Err(format!("the ${noun} has no ${field}"));
    }
    Ok(${noun}.${field} + ${other}.${field} + ${constant})
}

`;
}

function markdownSection({ verb, noun, other, field, phrase, constant }: Topic): string {
  return `## ${capital(verb)} a ${noun}

To ${verb} a ${noun}, pass it with its ${other}; the ${field} is taken from the ${noun} first and from the ${other} otherwise, ${phrase}.
Requests that take longer than ${constant} ms are cancelled and retried once.

`;
}

/** The text of the `index`th file (0-based) of a workspace drawn with `seed`, and its path. */
export function syntheticFile(seed: number, index: number): { relativePath: string; text: string } {
  // One generator per file, seeded from the workspace seed and the file's number: any file can be
  // produced on its own, and a larger workspace starts with exactly the files of a smaller one.
  const next = seededRandom(seed * 1_000_003 + index);
  const extension: Extension = EXTENSIONS[index % EXTENSIONS.length]!;
  const topics = Array.from({ length: 1 + Math.floor(next() * 3) }, () => drawTopic(next));
  const first = topics[0]!;
  const folder = `packages/p${Math.floor(index / (FILES_PER_FOLDER * FOLDERS_PER_PACKAGE))}/src/m${Math.floor(index / FILES_PER_FOLDER) % FOLDERS_PER_PACKAGE}`;
  const stem = `${first.noun}_${first.verb}_${index}`;
  const relativePath = `${folder}/${stem}.${extension}`;
  switch (extension) {
    case 'ts':
      return { relativePath, text: `import { ${capital(first.other)} } from './${first.other}.ts';\n\n${topics.map(typescriptFunction).join('\n')}` };
    case 'py':
      return { relativePath, text: `"""${capital(first.noun)} helpers."""\n\n\n${topics.map(pythonFunction).join('')}` };
    case 'go':
      return { relativePath, text: `package m${index % 50}\n\nimport "fmt"\n\n${topics.map(goFunction).join('')}` };
    case 'java':
      return { relativePath: `${folder}/${capital(first.noun)}${capital(first.verb)}${index}.java`, text: `package m${index % 50};\n\npublic final class ${capital(first.noun)}${capital(first.verb)}${index} {\n${topics.map(javaMethod).join('')}}\n` };
    case 'rs':
      return { relativePath, text: topics.map(rustFunction).join('') };
    case 'md':
      return { relativePath, text: `# ${capital(first.noun)} guide\n\n${topics.map(markdownSection).join('')}` };
  }
}

/**
 * Writes a workspace of `files` source files (plus ignored build output) under `root`, which should be
 * empty. Returns how many ignored files it wrote.
 */
export function writeSyntheticWorkspace(root: string, options: { files: number; seed: number; onProgress?: (written: number) => void }): { ignoredFiles: number } {
  writeFileSync(path.join(root, '.gitignore'), `# Build output, never indexed.\n${IGNORED_FOLDER}/\n*.log\n`);
  let folder = '';
  for (let index = 0; index < options.files; index += 1) {
    const { relativePath, text } = syntheticFile(options.seed, index);
    const absolute = path.join(root, relativePath);
    if (path.dirname(absolute) !== folder) {
      folder = path.dirname(absolute);
      mkdirSync(folder, { recursive: true });
    }
    writeFileSync(absolute, text);
    if (index % 10_000 === 9_999) options.onProgress?.(index + 1);
  }
  // Build output next to each package's sources, which the .gitignore hides from the walk.
  let ignoredFiles = 0;
  for (let index = 0; index < options.files; index += FILES_PER_IGNORED) {
    const packageFolder = syntheticFile(options.seed, index).relativePath.split('/').slice(0, 2).join('/');
    const buildFolder = path.join(root, packageFolder, IGNORED_FOLDER);
    mkdirSync(buildFolder, { recursive: true });
    writeFileSync(path.join(buildFolder, `bundle-${index}.js`), `export function bundle${index}() { return ${index}; }\n`);
    ignoredFiles += 1;
  }
  return { ignoredFiles };
}
