#!/usr/bin/env node
// The `semsearch` command. Runs the TypeScript sources directly (Node 24 strips the types), so it
// works from a checkout or `npm link` without a build step.
import { main } from '../extension/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
