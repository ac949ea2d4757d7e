#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// A CLI starts for every file a CI job checks: keep V8's compiled code of our modules on disk (Node's compile
// cache, in the OS temp directory) so later starts skip compiling them. Enabled before anything else loads.
enableCompileCache();
const { runCli } = await import('./program.js');

// Node's convention: FORCE_COLOR wins either way ("0" and "false" turn color off); otherwise color only on a
// terminal that has not opted out.
const { FORCE_COLOR, NO_COLOR, TERM } = process.env;
const color =
  FORCE_COLOR !== undefined
    ? FORCE_COLOR !== '0' && FORCE_COLOR !== 'false'
    : Boolean(process.stdout.isTTY) && NO_COLOR === undefined && TERM !== 'dumb';
process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  color,
});
