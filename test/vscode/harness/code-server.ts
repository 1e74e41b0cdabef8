// code-server (VS Code 1.139 served to a browser) as the tests use it: installed under .tools/code-server by
// scripts/setup-vscode-tests.sh, started on loopback in its own process group with every folder it writes
// (user data, HOME, XDG) inside the run folder, and stopped by killing that group.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

const repositoryRoot = path.resolve(import.meta.dirname, '..', '..', '..');

/** The code-server version scripts/setup-vscode-tests.sh installs (VS Code 1.139.1). */
export const CODE_SERVER_VERSION = '4.139.1';

/** code-server's Node entry point; SEMSEARCH_CODE_SERVER_DIR names another installation folder. */
export function codeServerEntry(): string {
  const installation = process.env.SEMSEARCH_CODE_SERVER_DIR ?? path.join(repositoryRoot, '.tools', 'code-server');
  const entry = path.join(installation, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) {
    throw new Error(`code-server is not installed (looked for ${entry}). Run \`bash scripts/setup-vscode-tests.sh\` once.`);
  }
  return entry;
}

/** Variables that keep code-server, its extension host and anything they start inside `runDirectory`. */
export function isolatedEnvironment(runDirectory: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env };
  // npm's variables and an inherited NODE_OPTIONS would leak into the extension host.
  for (const key of Object.keys(environment)) if (key.startsWith('npm_') || key === 'NODE_OPTIONS' || key === 'VSCODE_IPC_HOOK_CLI') delete environment[key];
  return {
    ...environment,
    HOME: path.join(runDirectory, 'home'),
    XDG_CONFIG_HOME: path.join(runDirectory, 'home', '.config'),
    XDG_CACHE_HOME: path.join(runDirectory, 'home', '.cache'),
    XDG_DATA_HOME: path.join(runDirectory, 'home', '.local', 'share'),
    XDG_STATE_HOME: path.join(runDirectory, 'home', '.local', 'state'),
    TMPDIR: path.join(runDirectory, 'tmp'),
    // code-server and its extension host run on the Node running this script (24: code-server requires it).
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    ...extra,
  };
}

/** Creates the folders an isolated environment points at. */
export async function createIsolatedFolders(environment: NodeJS.ProcessEnv): Promise<void> {
  for (const key of ['HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'TMPDIR']) {
    await mkdir(environment[key]!, { recursive: true });
  }
}

/** Runs code-server once as a command (no server), e.g. to install a VSIX. Resolves with its output. */
export async function runCodeServerCommand(args: string[], environment: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<string> {
  await createIsolatedFolders(environment);
  const child = spawn(process.execPath, [codeServerEntry(), ...args], { env: environment, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`code-server ${args.join(' ')} exited with ${code}:\n${output}`);
  return output;
}

/** Installs a VSIX into an extensions folder with code-server's own installer. */
export async function installVsix(vsix: string, extensionsDirectory: string, userDataDirectory: string, environment: NodeJS.ProcessEnv): Promise<void> {
  await runCodeServerCommand(
    ['--extensions-dir', extensionsDirectory, '--user-data-dir', userDataDirectory, '--install-extension', vsix, '--force'],
    environment,
  );
}

/** A free loopback port (the OS picks one; a race with another process is possible but harmless here). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Could not get a free port.');
  return address.port;
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // the group is gone
  }
}

function groupAlive(pid: number): boolean {
  return killGroup(pid, 0 as unknown as NodeJS.Signals);
}

export interface CodeServerOptions {
  /** The run folder: HOME and XDG folders live here. */
  runDirectory: string;
  /** A fresh folder per session. */
  userDataDirectory: string;
  extensionsDirectory: string;
  /** Where stdout and stderr go. */
  logFile: string;
  /** Serve the page that runs extension-host tests from a `payload` (VS Code ignores it otherwise). */
  smokeTestDriver?: boolean;
  /** Extra variables for code-server and the extension host it starts. */
  environment?: Record<string, string>;
  /** Port to listen on (127.0.0.1); default a free one. */
  port?: number;
  /** Stop the server and exit on SIGINT/SIGTERM (default true); false when the caller handles them itself. */
  handleSignals?: boolean;
}

/** A running code-server. */
export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  /** Stops every process of the server (extension hosts included) and waits until they are gone. */
  stop(): Promise<void>;
}

// Every server this process started, so an interrupted run still stops them.
const running = new Set<CodeServer>();
let exitHandlersInstalled = false;

function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  const stopAll = (signal: NodeJS.Signals) => {
    void Promise.all([...running].map((server) => server.stop())).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopAll).once('SIGTERM', stopAll);
}

/** Starts code-server and resolves once `/healthz` answers. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (options.handleSignals !== false) installExitHandlers();
  const port = options.port ?? (await freePort());
  const environment = isolatedEnvironment(options.runDirectory, options.environment);
  await createIsolatedFolders(environment);
  await mkdir(options.userDataDirectory, { recursive: true });
  await mkdir(options.extensionsDirectory, { recursive: true });
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const log = await open(options.logFile, 'a');
  const args = [
    codeServerEntry(),
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', options.userDataDirectory,
    '--extensions-dir', options.extensionsDirectory,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.smokeTestDriver === true ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  // detached: its own process group (setsid), so one kill reaches the server, extension hosts and watchers.
  const child = spawn(process.execPath, args, { env: environment, stdio: ['ignore', log.fd, log.fd], detached: true });
  await log.close();
  const pid = child.pid!;
  let exited = false;
  child.once('exit', () => (exited = true));

  const server: CodeServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    logFile: options.logFile,
    async stop() {
      running.delete(server);
      killGroup(pid, 'SIGTERM');
      for (let waited = 0; groupAlive(pid) && waited < 5_000; waited += 100) await delay(100);
      if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
      for (let waited = 0; groupAlive(pid) && waited < 5_000; waited += 100) await delay(100);
    },
  };
  running.add(server);

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await server.stop();
      throw new Error(`code-server exited during start-up; see ${options.logFile}`);
    }
    try {
      const response = await fetch(`${server.url}/healthz`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer on ${server.url}/healthz within 60 s; see ${options.logFile}`);
    }
    await delay(200);
  }
}
