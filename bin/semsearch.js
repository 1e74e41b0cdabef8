#!/usr/bin/env node
// The `semsearch` command. Runs the TypeScript sources directly (Node 24 strips the types), so it works from a
// checkout or `npm link` without a build step. Under an older Node (the machine's, first on PATH) it runs
// itself again with the project's Node (scripts/node.mjs: the one scripts/setup.sh installed under .tools/),
// so no shell set-up is needed. Nothing here may need Node 24 before that check.
import { fileURLToPath } from 'node:url';
import { isProjectNode, runWithProjectNode } from '../scripts/node.mjs';

if (isProjectNode()) {
  // `semsearch search … | head` closes the pipe after the lines it wants: like any Unix tool, stop quietly
  // instead of dying on the unhandled write error with a stack trace.
  process.stdout.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const { main } = await import('../extension/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} else {
  await runWithProjectNode([fileURLToPath(import.meta.url), ...process.argv.slice(2)], 'semsearch');
}
