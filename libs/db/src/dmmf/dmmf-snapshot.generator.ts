// A Prisma generator (run by `prisma generate`, see prisma/schema.prisma) that writes the schema's full data
// model to JSON for the drift test. The generated client keeps only a reduced runtime model (no nullability, no
// lists, no keys), and Prisma's DMMF library is not a dependency. Generators speak JSON-RPC: one request per
// line on stdin, one response per line on stderr.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

interface GeneratorRequest {
  id: number;
  method: string;
  params?: {
    generator?: { output?: { value?: string | null } | null };
    dmmf?: { datamodel?: unknown };
  };
}

function respond(id: number, result: unknown): void {
  process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`);
}

function fail(id: number, error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32000, message, data: null } })}\n`);
}

function generate(request: GeneratorRequest): void {
  const output = request.params?.generator?.output?.value;
  const datamodel = request.params?.dmmf?.datamodel;
  if (!output || datamodel === undefined) throw new Error('prisma did not pass an output path and a data model');
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, `${JSON.stringify(datamodel, null, 2)}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const request = JSON.parse(line) as GeneratorRequest;
  try {
    if (request.method === 'getManifest') {
      respond(request.id, { manifest: { prettyName: 'DMMF snapshot', defaultOutput: './dmmf.json' } });
    } else if (request.method === 'generate') {
      generate(request);
      respond(request.id, null);
    }
  } catch (error) {
    fail(request.id, error);
  }
});
