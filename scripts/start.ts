// `npm start [-- FOLDER] [--port N] [--vsix PATH]`: the one-command way to see the product. Packages the
// extension as it is in the checkout (production build, VSIX for this machine), installs it into a fresh
// code-server (VS Code in the browser, installed by scripts/setup-vscode-tests.sh) on 127.0.0.1, opens FOLDER or
// a copy of the small sample workspace (test/fixtures/workspace), and prints the URL. Ctrl-C stops code-server
// with every process it started and deletes the run folder (user data, extensions, the sample copy).
//
// Everything code-server writes (HOME, XDG folders, user data, extensions) stays in that run folder, so it
// neither reads nor changes the user's own VS Code set-up; the index of FOLDER goes where the extension keeps
// it (its storage in the run folder).
import { existsSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CODE_SERVER_VERSION, installVsix, isolatedEnvironment, startCodeServer, type CodeServer } from '../test/vscode/harness/code-server.ts';
import { packageExtension } from './package.ts';

const root = path.resolve(import.meta.dirname, '..');
const SAMPLE = path.join(root, 'test', 'fixtures', 'workspace');

interface StartOptions {
  folder: string | undefined;
  port: number | undefined;
  vsix: string | undefined;
}

function usage(): string {
  return 'Usage: npm start [-- FOLDER] [--port N] [--vsix PATH]';
}

function parseArgs(args: readonly string[]): StartOptions {
  const options: StartOptions = { folder: undefined, port: undefined, vsix: undefined };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    const value = () => {
      const next = args[++index];
      if (next === undefined) throw new Error(`${arg} needs a value. ${usage()}`);
      return next;
    };
    if (arg === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`--port takes a port number (1-65535). ${usage()}`);
      options.port = port;
    } else if (arg === '--vsix') options.vsix = path.resolve(value());
    else if (arg.startsWith('-')) throw new Error(`Unknown option ${arg}. ${usage()}`);
    else if (options.folder === undefined) options.folder = path.resolve(arg);
    else throw new Error(`One folder only. ${usage()}`);
  }
  if (options.folder !== undefined && !(existsSync(options.folder) && statSync(options.folder).isDirectory())) {
    throw new Error(`${options.folder} is not a folder.`);
  }
  return options;
}

/** The VS Code target of this machine (code-server runs on Linux and macOS). */
function hostTarget(): string {
  return `${process.platform}-${process.arch}`;
}

async function main(): Promise<number> {
  let options: StartOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  const runDirectory = await mkdtemp(path.join(os.tmpdir(), 'semsearch-start-'));
  let server: CodeServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (reason: string) =>
    (stopping ??= (async () => {
      console.log(`\n${reason}: stopping code-server…`);
      await server?.stop();
      await rm(runDirectory, { recursive: true, force: true });
      console.log('Stopped.');
    })());
  // Ctrl-C before the server is up stops the packaging too: the process ends once the clean-up is done.
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = true;
    void stop(signal === 'SIGINT' ? 'Ctrl-C' : signal).finally(() => process.exit(0));
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('SIGHUP', onSignal);

  try {
    const vsix = options.vsix ?? (await packageExtension({ target: hostTarget(), packagePath: path.join(runDirectory, `semantic-code-search-${hostTarget()}.vsix`) }));
    if (interrupted) return 0;
    const extensions = path.join(runDirectory, 'extensions');
    console.log(`\nInstalling ${path.basename(vsix)} into a fresh code-server…`);
    await installVsix(vsix, extensions, path.join(runDirectory, 'install-user-data'), isolatedEnvironment(runDirectory));
    let folder = options.folder;
    if (folder === undefined) {
      folder = path.join(runDirectory, 'sample');
      await cp(SAMPLE, folder, { recursive: true });
    }
    if (interrupted) return 0;
    server = await startCodeServer({
      runDirectory,
      userDataDirectory: path.join(runDirectory, 'user-data'),
      extensionsDirectory: extensions,
      logFile: path.join(runDirectory, 'code-server.log'),
      port: options.port,
      handleSignals: false,
    });
    const url = new URL(server.url);
    url.searchParams.set('folder', folder);
    console.log(`\nSemantic Code Search is running in code-server (VS Code ${CODE_SERVER_VERSION.replace(/^4\./, '1.')} in the browser):`);
    console.log(`\n  ${url.toString()}\n`);
    console.log(`Folder: ${folder}${options.folder === undefined ? ' (a copy of the sample workspace)' : ''}`);
    console.log(`Log:    ${server.logFile}`);
    console.log('Press Ctrl-C to stop.');
    setInterval(() => undefined, 1 << 30); // keeps the process up until a signal ends it
    return await new Promise<number>(() => undefined);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await stop('Failed');
    return 1;
  }
}

process.exitCode = await main();
