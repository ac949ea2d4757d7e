// Entry point of `npm run db:migrate`: node libs/db/dist/migrate/migrate.cli.js [--migrations-dir <dir>]
import { runMigrateCommand } from './migrate.command.js';

process.exitCode = await runMigrateCommand({
  argv: process.argv.slice(2),
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
