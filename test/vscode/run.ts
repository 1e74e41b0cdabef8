// `npm run test:vscode [-- OPTIONS]`: the extension in a real VS Code (code-server 4.139.1 = VS Code 1.139.1)
// driven by headless Chromium. Two layers:
//   host      mocha suites (test/vscode/suite/*.test.ts) inside the extension host, with the real `vscode`
//             API, loaded through the `extensionDevelopmentPath`/`extensionTestsPath` payload; the result comes
//             back through `window.codeAutomationExit`, the mocha output through `codeAutomationLog`.
//   journeys  browser journeys (test/vscode/journeys/*.ts) with the VSIX installed by code-server, a
//             screenshot per step under .test-output/screenshots/.
// The VSIX is packaged first (scripts/package.ts) and installed into a fresh extensions folder; the host
// layer loads that installed copy too. Every code-server runs in a fresh run folder (HOME, XDG, user data,
// copies of the fixtures) and is stopped by killing its process group. The last line is `N passed, N failed`.
//
// Options:
//   --layer host|journeys   one layer only (default: both)
//   --grep TEXT             host tests whose title matches, journeys whose name contains TEXT
//   --vsix PATH             test this VSIX instead of packaging one
//   --dev                   host layer against the checkout (development build, no packaging)
//   --keep                  keep the run folder (printed) for inspection
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { build, buildSuites, SUITE_OUTPUT_DIRECTORY } from '../../scripts/build.ts';
import { packageExtension } from '../../scripts/package.ts';
import { verifyVsix } from '../../scripts/verify-vsix.ts';
import { codeServerEntry, createIsolatedFolders, installVsix, isolatedEnvironment, startCodeServer, type CodeServer } from './harness/code-server.ts';
import type { Journey, JourneyContext, WorkspaceKind } from './harness/journey.ts';
import { chromiumPath, EXTENSION_ID, launchBrowser, waitForWorkbench, workbenchUrl } from './harness/workbench.ts';

const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');
const outputDirectory = path.join(repositoryRoot, '.test-output');
const screenshotsDirectory = path.join(outputDirectory, 'screenshots');
const logsDirectory = path.join(outputDirectory, 'vscode');
const fixturesDirectory = path.join(repositoryRoot, 'test', 'fixtures');
const suiteSourceDirectory = path.join(import.meta.dirname, 'suite');
const journeysDirectory = path.join(import.meta.dirname, 'journeys');

const HOST_SESSION_TIMEOUT_MS = Number(process.env.SEMSEARCH_HOST_TEST_TIMEOUT_MS ?? 600_000);
const DEFAULT_JOURNEY_TIMEOUT_MS = 180_000;

interface Options {
  layers: Set<'host' | 'journeys'>;
  grep: string | undefined;
  vsix: string | undefined;
  dev: boolean;
  keep: boolean;
}

/** One line of the report: a host session or a journey. */
interface Outcome {
  name: string;
  passed: number;
  failed: number;
  seconds: number;
  /** Failure messages and where to look (logs, screenshots). */
  notes: string[];
}

function parseOptions(args: string[]): Options {
  const options: Options = { layers: new Set(['host', 'journeys']), grep: undefined, vsix: undefined, dev: false, keep: false };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    const value = () => {
      const next = args[++index];
      if (next === undefined) throw new Error(`${arg} needs a value.`);
      return next;
    };
    if (arg === '--layer') {
      const layer = value();
      if (layer !== 'host' && layer !== 'journeys') throw new Error(`Unknown layer ${layer}; use host or journeys.`);
      options.layers = new Set([layer]);
    } else if (arg === '--grep') options.grep = value();
    else if (arg === '--vsix') options.vsix = path.resolve(value());
    else if (arg === '--dev') options.dev = true;
    else if (arg === '--keep') options.keep = true;
    else throw new Error(`Unknown option ${arg}. Options: --layer host|journeys, --grep TEXT, --vsix PATH, --dev, --keep.`);
  }
  if (options.dev) options.layers.delete('journeys'); // journeys test the installed VSIX
  return options;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** Copies the fixture workspaces into a session folder; returns what to open for each kind. */
async function copyFixtures(sessionDirectory: string): Promise<Record<WorkspaceKind, { open: string; folders: string[] }>> {
  const target = path.join(sessionDirectory, 'workspaces');
  await mkdir(target, { recursive: true });
  for (const name of ['workspace', 'workspace-library', 'multi-root.code-workspace']) {
    await cp(path.join(fixturesDirectory, name), path.join(target, name), { recursive: true });
  }
  const folder = path.join(target, 'workspace');
  return {
    folder: { open: folder, folders: [folder] },
    'multi-root': { open: path.join(target, 'multi-root.code-workspace'), folders: [folder, path.join(target, 'workspace-library')] },
  };
}

/** Saves the page's console lines next to the server log (the workbench's own errors end up there). */
function recordConsole(page: Page, logFile: string): void {
  page.on('console', (message) => void appendFile(logFile, `[${message.type()}] ${message.text()}\n`).catch(() => undefined));
  page.on('pageerror', (error) => void appendFile(logFile, `[pageerror] ${error.stack ?? error.message}\n`).catch(() => undefined));
}

interface SuiteResult {
  passed: number;
  failed: number;
  failures: Array<{ title: string; error: string }>;
}

/** Runs the suites of one workspace kind inside the extension host of one code-server window. */
async function runHostSession(kind: WorkspaceKind, extensionPath: string, runDirectory: string, browser: Browser, options: Options): Promise<Outcome> {
  const started = performance.now();
  const name = `host (${kind})`;
  const sessionDirectory = path.join(runDirectory, 'sessions', `host-${kind}`);
  const sessionLogs = path.join(logsDirectory, `host-${kind}`);
  await mkdir(sessionLogs, { recursive: true });
  const workspaces = await copyFixtures(sessionDirectory);
  const resultFile = path.join(sessionDirectory, 'result.json');
  const outcome: Outcome = { name, passed: 0, failed: 0, seconds: 0, notes: [] };
  let server: CodeServer | undefined;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    server = await startCodeServer({
      runDirectory,
      userDataDirectory: path.join(sessionDirectory, 'user-data'),
      extensionsDirectory: path.join(sessionDirectory, 'extensions'), // empty: only the extension under test
      logFile: path.join(sessionLogs, 'code-server.log'),
      smokeTestDriver: true,
      environment: { SEMSEARCH_TEST_RESULT_FILE: resultFile, ...(options.grep ? { SEMSEARCH_TEST_GREP: options.grep } : {}) },
    });
    const page = await context.newPage();
    recordConsole(page, path.join(sessionLogs, 'browser-console.log'));
    const mochaLog = path.join(sessionLogs, 'extension-host.log');
    let exitCode: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (exitCode = resolve));
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      // The workbench's log lines; the extension host's console arrives as console arguments (format first).
      const text = Array.isArray(message) ? format(...(message as unknown[])) : String(message);
      void appendFile(mochaLog, `[${level}] ${text}\n`).catch(() => undefined);
      for (const line of text.split('\n')) if (line.startsWith('[mocha] ') && line.trim() !== '[mocha]') console.log(`    ${line.slice(8)}`);
    });
    await page.exposeFunction('codeAutomationExit', async (code: number, logs: Array<{ relativePath: string; contents: string }>) => {
      for (const log of logs ?? []) {
        const file = path.join(sessionLogs, 'workbench-logs', log.relativePath);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, log.contents);
      }
      exitCode(code);
    });
    const remote = (file: string) => `vscode-remote://127.0.0.1:${server!.port}${file.split(path.sep).join('/')}`;
    const payload: Array<[string, string]> = [
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['extensionTestsPath', remote(path.join(SUITE_OUTPUT_DIRECTORY, 'index.cjs'))],
    ];
    await page.goto(workbenchUrl(server.url, workspaces[kind].open, payload));
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), HOST_SESSION_TIMEOUT_MS)))]);
    clearTimeout(timer);
    const screenshot = path.join(screenshotsDirectory, `host-${kind}.png`);
    await page.screenshot({ path: screenshot }).catch(() => undefined);
    const result = existsSync(resultFile) ? (JSON.parse(await readFile(resultFile, 'utf8')) as SuiteResult) : undefined;
    if (result) {
      outcome.passed = result.passed;
      outcome.failed = result.failed;
      for (const failure of result.failures) outcome.notes.push(`${failure.title}: ${failure.error.split('\n').slice(0, 6).join('\n      ')}`);
    }
    if (code === 'timeout') {
      outcome.failed += 1;
      outcome.notes.push(`no result after ${HOST_SESSION_TIMEOUT_MS / 1000} s (screenshot ${path.relative(repositoryRoot, screenshot)})`);
    } else if (result === undefined) {
      outcome.failed += 1;
      outcome.notes.push(`the extension host exited with code ${code} before the suites reported (did the extension or a suite fail to load?)`);
    } else if (code !== 0 && result.failed === 0) {
      outcome.failed += 1;
      outcome.notes.push(`the extension host exited with code ${code}`);
    }
  } catch (error) {
    outcome.failed += 1;
    outcome.notes.push(error instanceof Error ? error.message : String(error));
  } finally {
    await context.close().catch(() => undefined);
    await server?.stop();
  }
  if (outcome.failed > 0) outcome.notes.push(`logs: ${path.relative(repositoryRoot, sessionLogs)}/`);
  outcome.seconds = seconds(started);
  return outcome;
}

/** Runs one journey in its own code-server (shared extensions folder with the installed VSIX). */
async function runJourney(journey: Journey, extensionsDirectory: string, runDirectory: string, browser: Browser): Promise<Outcome> {
  const started = performance.now();
  const outcome: Outcome = { name: `journey ${journey.name}`, passed: 0, failed: 0, seconds: 0, notes: [] };
  const sessionDirectory = path.join(runDirectory, 'sessions', `journey-${journey.name}`);
  const sessionLogs = path.join(logsDirectory, `journey-${journey.name}`);
  const shots = path.join(screenshotsDirectory, journey.name);
  await mkdir(sessionLogs, { recursive: true });
  await mkdir(shots, { recursive: true });
  const saved: string[] = [];
  let server: CodeServer | undefined;
  const browserContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await browserContext.newPage();
  recordConsole(page, path.join(sessionLogs, 'browser-console.log'));
  const step = async (name: string) => {
    const file = path.join(shots, `${String(saved.length + 1).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '-')}.png`);
    await page.screenshot({ path: file });
    saved.push(path.relative(repositoryRoot, file));
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const workspaces = await copyFixtures(sessionDirectory);
    const workspace = workspaces[journey.workspace ?? 'folder'];
    // VS Code opens a newly installed extension's walkthrough by itself, beside whatever a journey opens first: the
    // layout then shifts under its clicks (find-similar once clicked an editor still scrolling into place). The
    // walkthrough journey opens it on purpose.
    const userSettings = { 'workbench.welcomePage.walkthroughs.openOnInstall': false, ...journey.userSettings };
    await mkdir(path.join(sessionDirectory, 'user-data', 'User'), { recursive: true });
    await writeFile(path.join(sessionDirectory, 'user-data', 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
    server = await startCodeServer({
      runDirectory,
      userDataDirectory: path.join(sessionDirectory, 'user-data'),
      extensionsDirectory,
      logFile: path.join(sessionLogs, 'code-server.log'),
    });
    const journeyContext: JourneyContext = {
      page,
      folders: workspace.folders,
      step,
      log: (message) => void appendFile(path.join(sessionLogs, 'journey.log'), `${message}\n`).catch(() => undefined),
    };
    const timeoutMs = journey.timeoutMs ?? DEFAULT_JOURNEY_TIMEOUT_MS;
    const timedOut = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs)));
    await Promise.race([
      (async () => {
        await page.goto(workbenchUrl(server!.url, workspace.open));
        await waitForWorkbench(page);
        await journey.run(journeyContext);
      })(),
      timedOut,
    ]);
    outcome.passed = 1;
  } catch (error) {
    outcome.failed = 1;
    outcome.notes.push(error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 8).join('\n      ') : String(error));
    await step('failure').catch(() => undefined);
    outcome.notes.push(`screenshots: ${saved.join(', ') || 'none'}`, `logs: ${path.relative(repositoryRoot, sessionLogs)}/`);
  } finally {
    clearTimeout(timer);
    await browserContext.close().catch(() => undefined);
    await server?.stop();
  }
  outcome.seconds = seconds(started);
  return outcome;
}

async function loadJourneys(grep: string | undefined): Promise<Journey[]> {
  const files = (await readdir(journeysDirectory)).filter((name) => name.endsWith('.ts')).sort();
  const journeys: Journey[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(journeysDirectory, file)).href)) as { default?: Journey };
    if (module.default === undefined) throw new Error(`${file} has no default export (use defineJourney).`);
    if (grep === undefined || module.default.name.includes(grep)) journeys.push(module.default);
  }
  return journeys;
}

/** The workspace kinds that have suites: `*.multi-root.test.ts` need the multi-root window. */
async function suiteKinds(): Promise<WorkspaceKind[]> {
  const suites = (await readdir(suiteSourceDirectory)).filter((name) => name.endsWith('.test.ts'));
  const kinds: WorkspaceKind[] = [];
  if (suites.some((name) => !name.endsWith('.multi-root.test.ts'))) kinds.push('folder');
  if (suites.some((name) => name.endsWith('.multi-root.test.ts'))) kinds.push('multi-root');
  return kinds;
}

function report(outcomes: Outcome[], timings: Array<[string, number]>): { passed: number; failed: number } {
  console.log('\nVS Code tests');
  for (const outcome of outcomes) {
    const status = outcome.failed > 0 ? 'FAIL' : 'ok  ';
    console.log(`  ${status} ${outcome.name}: ${outcome.passed} passed, ${outcome.failed} failed (${outcome.seconds.toFixed(1)} s)`);
    for (const note of outcome.notes) console.log(`      ${note}`);
  }
  console.log(`  timings: ${timings.map(([name, value]) => `${name} ${value.toFixed(1)} s`).join(', ')}`);
  const passed = outcomes.reduce((sum, outcome) => sum + outcome.passed, 0);
  const failed = outcomes.reduce((sum, outcome) => sum + outcome.failed, 0);
  return { passed, failed };
}

async function main(): Promise<number> {
  const started = performance.now();
  const outcomes: Outcome[] = [];
  const timings: Array<[string, number]> = [];
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 2;
  }
  await rm(screenshotsDirectory, { recursive: true, force: true });
  await rm(logsDirectory, { recursive: true, force: true });
  await mkdir(screenshotsDirectory, { recursive: true });
  const runDirectory = await mkdtemp(path.join(os.tmpdir(), 'semsearch-vscode-'));
  let browser: Browser | undefined;
  try {
    codeServerEntry(); // fail early with the set-up hint
    chromiumPath();

    let phase = performance.now();
    let extensionPath = repositoryRoot;
    const extensionsDirectory = path.join(runDirectory, 'extensions');
    if (options.dev) {
      await build({ tests: false });
      timings.push(['build', seconds(phase)]);
    } else {
      const vsix = options.vsix ?? (await packageExtension());
      console.log('');
      timings.push([options.vsix ? 'vsix given' : 'package', seconds(phase)]);
      // The VSIX under test carries exactly its platform's native code (headers, not names: scripts/verify-vsix.ts).
      const verification = await verifyVsix(vsix);
      outcomes.push({ name: `vsix native code (${verification.target})`, passed: verification.problems.length === 0 ? 1 : 0, failed: verification.problems.length === 0 ? 0 : 1, seconds: 0, notes: verification.problems });
      phase = performance.now();
      await installVsix(vsix, extensionsDirectory, path.join(runDirectory, 'install-user-data'), isolatedEnvironment(runDirectory));
      const installed = (await readdir(extensionsDirectory)).find((name) => name.startsWith(`${EXTENSION_ID}-`));
      if (installed === undefined) throw new Error(`code-server installed ${vsix} but no ${EXTENSION_ID}-* folder appeared in ${extensionsDirectory}.`);
      extensionPath = path.join(extensionsDirectory, installed);
      timings.push(['install', seconds(phase)]);
    }
    const browserEnvironment = isolatedEnvironment(runDirectory);
    await createIsolatedFolders(browserEnvironment);
    browser = await launchBrowser(browserEnvironment);

    if (options.layers.has('host')) {
      phase = performance.now();
      await buildSuites();
      for (const kind of await suiteKinds()) {
        console.log(`\n[host] ${kind} window`);
        outcomes.push(await runHostSession(kind, extensionPath, runDirectory, browser, options));
      }
      timings.push(['host layer', seconds(phase)]);
    }
    if (options.layers.has('journeys')) {
      phase = performance.now();
      for (const journey of await loadJourneys(options.grep)) {
        console.log(`\n[journey] ${journey.name}`);
        const outcome = await runJourney(journey, extensionsDirectory, runDirectory, browser);
        console.log(`    ${outcome.failed > 0 ? 'failed' : 'passed'} in ${outcome.seconds.toFixed(1)} s`);
        outcomes.push(outcome);
      }
      timings.push(['journeys', seconds(phase)]);
    }
  } catch (error) {
    outcomes.push({ name: 'set-up', passed: 0, failed: 1, seconds: 0, notes: [error instanceof Error ? error.message : String(error)] });
  } finally {
    await browser?.close().catch(() => undefined);
    if (options.keep) console.log(`run folder kept: ${runDirectory}`);
    else await rm(runDirectory, { recursive: true, force: true }).catch(() => undefined);
  }
  timings.push(['total', seconds(started)]);
  const { passed, failed } = report(outcomes, timings);
  const shots = existsSync(screenshotsDirectory) ? (await readdir(screenshotsDirectory, { recursive: true })).filter((name) => name.endsWith('.png')) : [];
  if (shots.length > 0) console.log(`  screenshots: ${path.relative(repositoryRoot, screenshotsDirectory)}/ (${shots.length})`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
