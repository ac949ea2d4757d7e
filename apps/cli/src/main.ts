#!/usr/bin/env node
import { runCli } from './program.js';

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
