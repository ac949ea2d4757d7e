// Bundles the agent into dist/main.js, the one file the image, `npm run start:agent`, the bench, the demo and the
// e2e tests run. Why a bundle (figures: docs/agent.md, Resources): unbundled, Node parses every module the agent's
// packages import at start, above all @kubernetes/client-node's generated models and API classes, and keeps their
// sources in memory; a bundle with tree shaking carries only what the agent calls.
// Run from apps/agent: node bundle.ts [--metafile] (the package's `build` script runs it after type-checking);
// --metafile also writes dist/meta.json, what went into the bundle and why (esbuild's analyzer reads it).
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { rm, writeFile } from 'node:fs/promises';

import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

const require = createRequire(import.meta.url);
const CLIENT_NODE_DIR = dirname(require.resolve('@kubernetes/client-node/package.json'));
const LIBS_DIR = resolve(import.meta.dirname, '../../libs');
// client-node depends on its own undici; the agent's `import { fetch } from 'undici'` must be the same copy, so that
// the dispatcher client-node builds (RequestContext.getDispatcher()) belongs to the fetch that uses it and one
// HTTP parser (undici's WebAssembly llhttp) is compiled, not two.
const UNDICI_DIR = dirname(createRequire(`${CLIENT_NODE_DIR}/dist/index.js`).resolve('undici/package.json'));

/** Every `undici` import, the agent's and its packages', resolves to client-node's copy. */
const oneUndici: Plugin = {
  name: 'one-undici',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, () => ({ path: require.resolve(UNDICI_DIR) }));
  },
};

/**
 * Modules esbuild may drop when nothing they export is used. client-node's modules have no side effects at import
 * apart from `dist/polyfill.js` (it installs a global `File` where Node lacks one), but the package does not say
 * so (no `sideEffects` in its package.json), and its generated models assign static fields at the top level, which
 * a bundler must otherwise keep: saying it here drops the ~760 generated models and the API classes the agent
 * never calls, so only what `KubeConfig`, `Watch` and `RequestContext` reach is bundled. The workspace libs are
 * pure too (schemas, the evaluator; no module is imported for its effects): the agent then carries the contracts
 * and checks it uses, not the API's contracts or the remediation code (and its YAML library).
 */
const sideEffectFree: Plugin = {
  name: 'side-effect-free',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'resolving' || !args.resolveDir) return undefined;
      const result = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
      if (result.errors.length > 0) return undefined;
      if (result.path.startsWith(`${CLIENT_NODE_DIR}/dist/`)) return { ...result, sideEffects: result.path.endsWith('/dist/polyfill.js') };
      if (result.path.startsWith(`${LIBS_DIR}/`) && result.path.includes('/src/')) return { ...result, sideEffects: false };
      return undefined;
    });
  },
};

const metafile = process.argv.includes('--metafile');
// Only the bundle is shipped: nothing else in dist/ (tsc only type-checks), so nothing unbundled can be run by mistake.
await rm('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // The workspace libs from their TypeScript sources, as tsconfig.base.json resolves them.
  conditions: ['@ratchet/source'],
  // CommonJS packages inside an ES module bundle call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // Whitespace and syntax only, not identifiers: stack traces keep the functions' names (the source map has the rest).
  // A smaller source is less for V8 to scan and keep: about 2 MB less RSS at start (3.2 -> 2.2 MB of JavaScript).
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [oneUndici, sideEffectFree],
  // dist/main.js.map maps stack traces back to the TypeScript sources (mappings and names only; the sources are in
  // the repository). Node reads it only under --enable-source-maps, which costs about 5 MB of RSS, so the agent
  // runs without it; set it in NODE_OPTIONS to debug.
  sourcemap: true,
  sourcesContent: false,
  metafile,
  logLevel: 'warning',
});
if (result.metafile) await writeFile('dist/meta.json', JSON.stringify(result.metafile));
