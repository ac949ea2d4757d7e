import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** A manifest source: a file's text, or stdin's, or why it could not be read. */
export type ManifestInput =
  | { source: string; text: string }
  | { source: string; error: string };

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    // Hidden folders (.git, .terraform) and dependencies never hold the manifests being checked.
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile() && MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) files.push(path);
  }
  return files;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Expands the PATH arguments of `ratchet check` in order: files, directories (recursively), `-` for stdin. */
export async function collectInputs(paths: readonly string[], stdin: NodeJS.ReadableStream, cwd = process.cwd()): Promise<ManifestInput[]> {
  const inputs: ManifestInput[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ source: '<stdin>', text: await readStdin(stdin) });
      continue;
    }
    try {
      const info = await stat(path);
      const files = info.isDirectory() ? await walk(path) : [path];
      if (info.isDirectory() && files.length === 0) {
        inputs.push({ source: path, error: 'directory holds no *.yaml, *.yml or *.json file' });
      }
      for (const file of files) {
        const shown = relative(cwd, file) || file;
        inputs.push({ source: shown.startsWith('..') ? file : shown, text: await readFile(file, 'utf8') });
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
      inputs.push({ source: path, error: reason });
    }
  }
  return inputs;
}
