// `node scripts/build.ts [--production] [--watch] [--tests]`: bundles the extension with esbuild.
//
//   dist/extension.cjs           VS Code entry (CommonJS; `vscode` and the native modules stay external)
//   dist/index-worker.mjs        indexing worker thread (ESM)
//   dist/embedding-worker.mjs    embedding worker thread (ESM)
//   dist/chunking-worker.mjs     chunking worker thread (ESM): tree-sitter and chunk sizes beside the index worker
//   dist/webview/panel.js, .css  results panel (browser IIFE) and its stylesheet; dist/webview/codicons/
//   dist/wasm/*.wasm             tree-sitter runtime and grammars, found through `wasmDirectory`
//   out/test/vscode/suite/*.cjs  with --tests: extension-host mocha suites for test/vscode/run.ts
//
// --production minifies. --watch rebuilds on change and prints esbuild-sample's problem-matcher lines.
// Type checking is not done here: `npm run check` (tsc --noEmit) is its own step.
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as esbuild from 'esbuild';
import { wasmFiles } from '../extension/core/chunking/languages.ts';

const root = path.resolve(import.meta.dirname, '..');

/** Packages the Node bundles load at run time from node_modules (native code); everything else is bundled. */
export const RUNTIME_EXTERNALS: readonly string[] = ['better-sqlite3', 'onnxruntime-node', 'sqlite-vec'];

/** Where the extension-host test suites are bundled (CommonJS, loaded by VS Code's test runner). */
export const SUITE_OUTPUT_DIRECTORY = path.join(root, 'out', 'test', 'vscode', 'suite');

export interface BuildOptions {
  /** Minify; sourcemaps are still written (linked, without embedded sources). */
  production?: boolean;
  /** Also bundle test/vscode/suite/*.ts. */
  tests?: boolean;
  /** Print output sizes. */
  verbose?: boolean;
}

// A CommonJS bundle has no `import.meta`: core modules use it for createRequire and web-tree-sitter's ESM build
// reads it at start-up (see extension/core/chunking/README.md), so it is mapped onto the bundle's own file.
const commonJsShim: Pick<esbuild.BuildOptions, 'define' | 'banner'> = {
  define: {
    'import.meta.url': '__importMetaUrl',
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
  },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

// An ESM bundle may hold CommonJS dependencies that `require` Node built-ins; esbuild's ESM output cannot do
// that without a real `require`.
const moduleShim: Pick<esbuild.BuildOptions, 'banner'> = {
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
};

function baseOptions(options: BuildOptions): esbuild.BuildOptions {
  return {
    absWorkingDir: root,
    bundle: true,
    minify: options.production === true,
    sourcemap: 'linked',
    sourcesContent: options.production !== true,
    legalComments: options.production === true ? 'eof' : 'inline', // bundled licenses keep their notices
    logLevel: 'silent', // reported by the problem-matcher plugin below
    metafile: true,
    charset: 'utf8',
  };
}

function nodeBundle(options: BuildOptions, entry: string, outfile: string, format: 'cjs' | 'esm', external: string[]): esbuild.BuildOptions {
  return {
    ...baseOptions(options),
    ...(format === 'cjs' ? commonJsShim : moduleShim),
    entryPoints: [path.join(root, entry)],
    outfile: path.join(root, outfile),
    platform: 'node',
    target: 'node22',
    format,
    external,
  };
}

/** The esbuild configurations of one build, in a stable order. */
export async function buildConfigurations(options: BuildOptions): Promise<esbuild.BuildOptions[]> {
  const workers = [...RUNTIME_EXTERNALS];
  const configurations: esbuild.BuildOptions[] = [
    nodeBundle(options, 'extension/host/extension.ts', 'dist/extension.cjs', 'cjs', ['vscode', ...RUNTIME_EXTERNALS]),
    nodeBundle(options, 'extension/worker/index-worker.ts', 'dist/index-worker.mjs', 'esm', workers),
    nodeBundle(options, 'extension/core/embedding/worker.ts', 'dist/embedding-worker.mjs', 'esm', workers),
    nodeBundle(options, 'extension/core/indexing/chunking-worker.ts', 'dist/chunking-worker.mjs', 'esm', workers),
    {
      ...baseOptions(options),
      entryPoints: [path.join(root, 'webview/panel.ts'), path.join(root, 'webview/panel.css')],
      outdir: path.join(root, 'dist/webview'),
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      loader: { '.ttf': 'file', '.woff2': 'file', '.svg': 'file' },
    },
  ];
  if (options.tests === true) configurations.push(await suiteConfiguration());
  return configurations;
}

/** The extension-host test suites: one CommonJS file per test/vscode/suite/*.ts, mocha and vscode external. */
export async function suiteConfiguration(): Promise<esbuild.BuildOptions> {
  const suiteDirectory = path.join(root, 'test/vscode/suite');
  const suites = (await readdir(suiteDirectory)).filter((name) => name.endsWith('.ts')).sort();
  return {
    ...baseOptions({ production: false }),
    ...commonJsShim,
    entryPoints: suites.map((name) => path.join(suiteDirectory, name)),
    outdir: SUITE_OUTPUT_DIRECTORY,
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['vscode', 'mocha', ...RUNTIME_EXTERNALS],
  };
}

/** Bundles only the extension-host test suites (the extension itself is built or packaged separately). */
export async function buildSuites(): Promise<void> {
  await rm(SUITE_OUTPUT_DIRECTORY, { recursive: true, force: true });
  try {
    await esbuild.build(await suiteConfiguration());
  } catch (error) {
    const failure = error as esbuild.BuildFailure;
    if (failure.errors) console.log(formatMessages('error', failure.errors).join('\n'));
    throw new Error('Bundling the extension-host test suites failed (see the errors above).');
  }
}

/** Copies the files the bundles read at run time: wasm grammars and the codicon font. */
export async function copyAssets(): Promise<number> {
  const require = createRequire(import.meta.url);
  const copies: Array<[string, string]> = [];
  for (const file of wasmFiles()) copies.push([require.resolve(file.packagePath), path.join(root, 'dist/wasm', file.fileName)]);
  const codicons = path.dirname(require.resolve('@vscode/codicons/dist/codicon.css'));
  for (const name of ['codicon.css', 'codicon.ttf']) copies.push([path.join(codicons, name), path.join(root, 'dist/webview/codicons', name)]);
  await Promise.all([...new Set(copies.map(([, target]) => path.dirname(target)))].map((directory) => mkdir(directory, { recursive: true })));
  await Promise.all(copies.map(([source, target]) => copyFile(source, target)));
  return copies.length;
}

/** Removes earlier outputs (a packaged VSIX in dist/ is kept). */
export async function clean(tests: boolean): Promise<void> {
  const dist = path.join(root, 'dist');
  const entries = await readdir(dist).catch(() => [] as string[]);
  await Promise.all(entries.filter((name) => !name.endsWith('.vsix')).map((name) => rm(path.join(dist, name), { recursive: true, force: true })));
  if (tests) await rm(SUITE_OUTPUT_DIRECTORY, { recursive: true, force: true });
}

function formatMessages(kind: 'error' | 'warning', messages: esbuild.Message[]): string[] {
  // The layout of esbuild-sample's plugin, which the `$esbuild-watch` problem matcher reads.
  return messages.map((message) => {
    const location = message.location;
    const where = location ? `\n    ${location.file}:${location.line}:${location.column}:` : '';
    return `✘ [${kind.toUpperCase()}] ${message.text}${where}`;
  });
}

function outputSizes(result: esbuild.BuildResult): string[] {
  const outputs = Object.entries(result.metafile?.outputs ?? {}).filter(([file]) => !file.endsWith('.map'));
  return outputs.map(([file, output]) => `  ${path.relative(root, path.resolve(root, file))}  ${(output.bytes / 1024).toFixed(1)} KiB`);
}

/** Builds everything once. Throws with esbuild's messages when a bundle fails. */
export async function build(options: BuildOptions = {}): Promise<void> {
  const started = performance.now();
  await clean(options.tests === true);
  const configurations = await buildConfigurations(options);
  const results = await Promise.allSettled(configurations.map((configuration) => esbuild.build(configuration)));
  const copied = await copyAssets();
  const lines: string[] = [];
  let failed = false;
  for (const result of results) {
    if (result.status === 'rejected') {
      failed = true;
      const failure = result.reason as esbuild.BuildFailure;
      lines.push(...(failure.errors ? formatMessages('error', failure.errors) : [String(result.reason)]));
    } else {
      lines.push(...formatMessages('warning', result.value.warnings));
      if (options.verbose === true) lines.push(...outputSizes(result.value));
    }
  }
  if (lines.length > 0) console.log(lines.join('\n'));
  if (failed) throw new Error('The build failed (see the errors above).');
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`built ${configurations.length} bundles and ${copied} assets (${options.production === true ? 'production' : 'development'}) in ${seconds} s`);
}

// Prints the lines VS Code's `$esbuild-watch` problem matcher reads, so a watch task shows errors in place.
const problemMatcherPlugin: esbuild.Plugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const line of formatMessages('error', result.errors)) console.error(line);
      console.log('[watch] build finished');
    });
  },
};

/** Builds, then rebuilds each bundle when its inputs change, until the process is stopped. */
export async function watch(options: BuildOptions = {}): Promise<void> {
  await clean(options.tests === true);
  await copyAssets();
  const contexts = await Promise.all(
    (await buildConfigurations(options)).map((configuration) => esbuild.context({ ...configuration, plugins: [problemMatcherPlugin] })),
  );
  await Promise.all(contexts.map((context) => context.watch()));
  const stop = () => void Promise.all(contexts.map((context) => context.dispose())).then(() => process.exit(0));
  process.once('SIGINT', stop).once('SIGTERM', stop);
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => !['--production', '--watch', '--tests', '--verbose'].includes(arg));
  if (unknown.length > 0) {
    console.error(`Unknown option ${unknown.join(' ')}; use --production, --watch, --tests or --verbose.`);
    process.exit(2);
  }
  const options: BuildOptions = { production: args.includes('--production'), tests: args.includes('--tests'), verbose: args.includes('--verbose') };
  try {
    await (args.includes('--watch') ? watch(options) : build(options));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
