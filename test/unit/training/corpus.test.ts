import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CHUNKER_VERSION, createChunker } from '../../../extension/core/chunking/index.ts';
import { ContaminationIndex } from '../../../extension/core/training/contamination.ts';
import { Deduplicator } from '../../../extension/core/training/dedupe.ts';
import { docCommentSummary, identifierWords } from '../../../extension/core/training/doc-text.ts';
import { htmlPairs, pairsFromChunks, restPairs, type TrainingPair } from '../../../extension/core/training/pairs.ts';
import { isExcludedPackage, isExcludedPath } from '../../../training/sources/exclusions.ts';
import { readManifest } from '../../../training/sources/manifest.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');

test('evaluation projects are excluded by package name and as vendored folders', () => {
  for (const name of ['python3-rich', 'rich', 'golang-github-gin-gonic-gin-dev', 'golang-github-gin-contrib-sse-dev', 'eslint', 'eslint-scope', '@eslint/js', 'espree', 'python3-fastapi', 'python-fastapi-doc']) {
    assert.equal(isExcludedPackage(name), true, name);
  }
  for (const name of ['python3-requests', 'python3-enrichment', 'lodash', 'golang-github-spf13-cobra-dev', 'node-ginger']) assert.equal(isExcludedPackage(name), false, name);
  assert.equal(isExcludedPath('pip/_vendor/rich/console.py'), true);
  assert.equal(isExcludedPath('vendor/github.com/gin-gonic/gin/context.go'), true);
  assert.equal(isExcludedPath('node_modules/espree/dist/espree.cjs'), true);
  assert.equal(isExcludedPath('requests/rich.py'), false, 'a file named like a project is not a copy of it');
});

test('the committed manifest pins every package (version, sha256, licence) and holds no evaluation project', () => {
  const manifest = readManifest();
  assert.ok(manifest.packages.length >= 500, `${manifest.packages.length} packages`);
  for (const entry of manifest.packages) {
    assert.match(entry.sha256, /^[0-9a-f]{64}$/, entry.name);
    assert.ok(entry.version !== '' && entry.license !== '', entry.name);
    assert.equal(isExcludedPackage(entry.name, entry.source), false, `${entry.name} belongs to an evaluation project`);
  }
  const families = new Set(manifest.packages.map((entry) => entry.family));
  for (const family of ['npm', 'python', 'go', 'rust', 'node', 'doc']) assert.ok(families.has(family as never), family);
});

test('the committed corpus figures describe the corpus the current chunker cuts', () => {
  const figures = JSON.parse(readFileSync(path.join(ROOT, 'training', 'corpus-figures.json'), 'utf8')) as { pairs: number; pairsSha256: string; chunkerVersion: string };
  // The pairs are cut by the product's chunker: a new CHUNKER_VERSION means running `npm run corpus` again and
  // committing its figures (and, when the pairs' hash changes, deciding on a new release: training/README.md).
  assert.equal(figures.chunkerVersion, CHUNKER_VERSION, 'the chunker changed since the corpus was built: run npm run corpus and commit training/corpus-figures.json');
  assert.match(figures.pairsSha256, /^[0-9a-f]{64}$/);
  assert.ok(figures.pairs > 0);
});

const EVAL_FILE = `
package demo

// Handle registers a new request handle.
func (group *RouterGroup) Handle(httpMethod, relativePath string, handlers ...HandlerFunc) IRoutes {
\tif matched := regEnLetter.MatchString(httpMethod); !matched {
\t\tpanic("http method " + httpMethod + " is not valid")
\t}
\treturn group.handle(httpMethod, relativePath, handlers)
}

def parse_header(line):
    """Parse one header line into a name and a value."""
    name, _, value = line.partition(":")
    name = name.strip().lower()
    return name, value.strip()
`;

test('a pair whose code occurs in an evaluation corpus is dropped, whitespace and Python docstrings notwithstanding', () => {
  const index = new ContaminationIndex();
  index.addFile('code-gin', EVAL_FILE);
  index.addQuery('code-rich', 'Render the console markup into segments.');
  const goCopy = `path: routergroup.go\n\nfunc (group *RouterGroup) Handle(httpMethod, relativePath string, handlers ...HandlerFunc) IRoutes {\n    if matched := regEnLetter.MatchString(httpMethod);   !matched {\n        panic("http method " + httpMethod + " is not valid")\n    }\n    return group.handle(httpMethod, relativePath, handlers)\n}`;
  assert.equal(index.match({ query: 'register a handle', document: goCopy, language: 'go' }), 'code-gin');
  // The pair's document has its docstring hidden; the corpus keeps it: the body after the signature matches.
  const pythonCopy = 'path: x.py\n\ndef parse_header(line):\n    name, _, value = line.partition(":")\n    name = name.strip().lower()\n    return name, value.strip()';
  assert.equal(index.match({ query: 'parse a header', document: pythonCopy, language: 'python' }), 'code-gin');
  const other = 'path: y.py\n\ndef read_config(path):\n    with open(path) as handle:\n        data = handle.read()\n    return json.loads(data)';
  assert.equal(index.match({ query: 'read the configuration', document: other, language: 'python' }), undefined);
  assert.equal(index.match({ query: 'render the console  markup into segments.', document: other, language: 'python' }), 'code-rich');
});

test('duplicates are dropped: exact (whitespace aside), near (a line changed) and a query repeated too often', () => {
  const deduplicator = new Deduplicator();
  const body = Array.from({ length: 12 }, (_, line) => `    total_value_${line} = compute_something(argument_${line}, other_${line})`).join('\n');
  const pair = (query: string, document: string): TrainingPair => ({ kind: 'doc', language: 'python', query, document, path: 'a.py' });
  assert.equal(deduplicator.accept(pair('compute the totals', `def f():\n${body}`)), true);
  assert.equal(deduplicator.accept(pair('compute the totals again', `def f():\n${body.replaceAll('    ', '\t')}`)), 'exact');
  assert.equal(deduplicator.accept(pair('compute totals', `def f():\n${body.replace('argument_3', 'argument_33')}`)), 'near');
  for (let copy = 0; copy < 3; copy++) assert.equal(deduplicator.accept(pair('Returns the value.', `def g${copy}():\n    return value_${copy} + other_value_${copy}\n    pass\n    pass`)), copy < 3 ? true : 'query');
  assert.equal(deduplicator.accept(pair('Returns the value.', 'def h():\n    return h_value + other\n    pass\n    pass')), 'query');
});

test('pairs from real chunks: doc summary → code without its documentation, identifier words → code, heading → section without its heading', async () => {
  const chunker = createChunker({ maxTokens: 8192, overlapTokens: 0, countTokens: (text) => Math.ceil(text.length / 4) });
  try {
    const python = await chunker.chunkFile('pkg/cookies.py', 'def extract_cookies_to_jar(jar, request, response):\n    """Extract the cookies from the response into a CookieJar.\n\n    :param jar: the jar.\n    """\n    if not hasattr(response, "_original_response"):\n        return\n    jar.extract_cookies(response, request)\n');
    const pythonPairs = pairsFromChunks(python);
    const doc = pythonPairs.find((pair) => pair.kind === 'doc')!;
    assert.equal(doc.query, 'Extract the cookies from the response into a CookieJar.');
    assert.ok(doc.document.startsWith('path: pkg/cookies.py\n\ndef extract_cookies_to_jar'), doc.document);
    assert.ok(!doc.document.includes('Extract the cookies'), 'the docstring is hidden');
    assert.equal(pythonPairs.find((pair) => pair.kind === 'identifier')?.query, 'extract cookies to jar');

    const script = await chunker.chunkFile('src/retry.ts', '/**\n * Retries a failed request with exponential backoff.\n * @param attempts how many times\n */\nexport async function retryRequest(send: () => Promise<Response>, attempts = 3): Promise<Response> {\n  for (let attempt = 0; ; attempt++) {\n    try { return await send(); } catch (error) { if (attempt >= attempts) throw error; }\n    await sleep(2 ** attempt * 100);\n  }\n}\n');
    const scriptDoc = pairsFromChunks(script).find((pair) => pair.kind === 'doc')!;
    assert.equal(scriptDoc.query, 'Retries a failed request with exponential backoff.');
    assert.ok(!scriptDoc.document.includes('exponential') && scriptDoc.document.includes('export async function retryRequest'));

    const markdown = await chunker.chunkFile('docs/guide.md', '# Guide\n\nHow to run the server.\n\n## Configure the proxy server\n\nSet `HTTP_PROXY` before starting the server; every outgoing request then goes through the proxy, including the ones made by plugins at start-up.\n');
    const section = pairsFromChunks(markdown).find((pair) => pair.kind === 'section')!;
    assert.equal(section.query, 'Configure the proxy server');
    assert.ok(!section.document.includes('Configure the proxy') && section.document.includes('scope: Guide\n'), section.document);
  } finally {
    chunker.dispose();
  }
  const rest = restPairs('docs/install.rst', 'Install the package\n===================\n\nRun pip install with the extras you need; the optional dependencies add support for compressed archives and remote storage backends.\n');
  assert.deepEqual(rest.map((pair) => pair.query), ['Install the package']);
  assert.ok(!rest[0]!.document.includes('Install the package'));
  const html = htmlPairs('doc/proxy.md', '<html><body><h1>Manual</h1><h2 id="p">2.1. Configure the proxy&nbsp;server<a class="headerlink">¶</a></h2><p>Set <code>HTTP_PROXY</code> before starting the server; every outgoing request then goes through the proxy &amp; its filters.</p><p>Plugins use it too.</p><h2>Table of Contents</h2><p>x</p></body></html>');
  assert.deepEqual(html.map((pair) => pair.query), ['Configure the proxy server']);
  assert.equal(html[0]!.document, 'path: doc/proxy.md\n\nSet HTTP_PROXY before starting the server; every outgoing request then goes through the proxy & its filters.\nPlugins use it too.');
});

test('doc summaries: first paragraph, markup unwrapped, markers and tags left out', () => {
  assert.equal(docCommentSummary('/**\n * Returns the {@link Foo} for a `key`,\n * or undefined.\n *\n * More text.\n * @param key the key\n */'), 'Returns the Foo for a key, or undefined.');
  assert.equal(docCommentSummary('// Handle registers a new request handle\n// with the given path and method.'), 'Handle registers a new request handle with the given path and method.');
  assert.equal(docCommentSummary('/** @deprecated */'), undefined);
  assert.deepEqual(identifierWords('parseHTTPHeader2Bytes'), ['parse', 'http', 'header', '2', 'bytes']);
});
