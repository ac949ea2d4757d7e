import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import fc from 'fast-check';

/** One request an agent should never send, and why it is wrong. */
export interface MalformedRequest {
  path: string;
  mutation: string;
  headers: Record<string, string>;
  /** A JSON value (sent as application/json) or the exact bytes to send. */
  body: unknown;
  raw: boolean;
}

/** An endpoint with a body it accepts, which every mutation below breaks. */
export interface ValidRequest {
  path: string;
  body: Record<string, unknown>;
}

type Path = (string | number)[];

// Keys that are required wherever they appear in the valid bodies, so deleting one always makes a body invalid.
// An audit event's `violations` is optional (the API parses the annotation itself); its fields are not.
const REQUIRED_KEYS = new Set([
  'events', 'auditId', 'stage', 'time', 'verb', 'user', 'username', 'groups', 'resource', 'annotations', 'auditViolations',
  'level', 'version', 'checks', 'reason', 'detail', 'syncId', 'chunk', 'totalChunks', 'uid', 'labels',
  'createdAt', 'kind', 'ownerChain', 'replicas', 'podCount', 'projectionHash', 'workloadUid', 'phase', 'agentVersion',
  'kubernetesVersion', 'counts', 'startedAt', 'metadata', 'spec',
]);

function walk(value: unknown, path: Path, visit: (value: unknown, path: Path) => void): void {
  visit(value, path);
  if (Array.isArray(value)) value.forEach((item, index) => walk(item, [...path, index], visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walk(item, [...path, key], visit);
  }
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  return node;
}

function replaced(body: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(body);
  parentOf(copy, path)[path[path.length - 1]!] = value;
  return copy;
}

function removed(body: unknown, path: Path): unknown {
  const copy = structuredClone(body);
  delete parentOf(copy, path)[path[path.length - 1]!];
  return copy;
}

const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

// Fields that accept null besides their type.
const NULLABLE_KEYS = new Set(['replicas']);

// A value of another JSON type than `original`; null too, unless the field is nullable (optional fields refuse
// null).
function otherType(original: unknown, nullable: boolean): fc.Arbitrary<unknown> {
  const choices: fc.Arbitrary<unknown>[] = [];
  if (typeof original !== 'string') choices.push(fc.string({ maxLength: 20 }));
  if (typeof original !== 'number') choices.push(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })));
  if (typeof original !== 'boolean') choices.push(fc.boolean());
  if (!Array.isArray(original)) choices.push(fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }));
  if (original === null || typeof original !== 'object' || Array.isArray(original)) {
    choices.push(fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }));
  }
  if (original !== null && !nullable) choices.push(fc.constant(null));
  return fc.oneof(...choices);
}

function structural(valid: ValidRequest): fc.Arbitrary<MalformedRequest> {
  const all: { path: Path; value: unknown }[] = [];
  walk(valid.body, [], (value, path) => all.push({ path, value }));
  const strings = all.filter((entry) => typeof entry.value === 'string');
  const objects = all.filter((entry) => entry.value !== null && typeof entry.value === 'object' && !Array.isArray(entry.value));
  const required = all.filter((entry) => REQUIRED_KEYS.has(String(entry.path[entry.path.length - 1])));
  const request = (mutation: string, body: unknown): MalformedRequest => ({
    path: valid.path,
    mutation,
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
    body,
    raw: false,
  });
  return fc.oneof(
    fc.constantFrom(...all).chain(({ path, value }) =>
      otherType(value, NULLABLE_KEYS.has(String(path[path.length - 1]))).map((other) => request(`wrong type at ${path.join('.')}`, replaced(valid.body, path, other))),
    ),
    fc.constantFrom(...required).map(({ path }) => request(`missing ${path.join('.')}`, removed(valid.body, path))),
    fc.tuple(fc.constantFrom(...objects), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })).map(([{ path }, key, value]) =>
      request(`unknown field under ${path.join('.')}`, replaced(valid.body, [...path, `x-fuzz-${key}`], value)),
    ),
    fc.tuple(fc.constantFrom(...all), fc.integer({ min: 70_000, max: 120_000 }), fc.constantFrom('x', 'é', '🙂')).map(([{ path }, length, unit]) =>
      request(`huge string at ${path.join('.')}`, replaced(valid.body, path, unit.repeat(length))),
    ),
    fc.tuple(fc.constantFrom(...all), fc.integer({ min: 200, max: 5000 })).map(([{ path }, depth]) =>
      request(`nesting ${depth} deep at ${path.join('.')}`, replaced(valid.body, path, nested(depth))),
    ),
    fc.tuple(fc.constantFrom(...strings), fc.constantFrom('\u0000', '\ud800', '\udc00x'), fc.nat()).map(([{ path, value }, bad, at]) => {
      const text = value as string;
      const cut = at % (text.length + 1);
      return request(`unstorable text at ${path.join('.')}`, replaced(valid.body, path, `${text.slice(0, cut)}${bad}${text.slice(cut)}`));
    }),
  );
}

function transport(valid: ValidRequest): fc.Arbitrary<MalformedRequest> {
  const json = JSON.stringify(valid.body);
  const request = (mutation: string, headers: Record<string, string>, body: unknown, raw = true): MalformedRequest => ({
    path: valid.path,
    mutation,
    headers: { 'Idempotency-Key': randomUUID(), ...headers },
    body,
    raw,
  });
  return fc.oneof(
    fc.integer({ min: 1, max: json.length - 1 }).map((cut) => request(`JSON cut at ${cut}`, { 'Content-Type': 'application/json' }, json.slice(0, cut))),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) =>
      request('random bytes as gzip', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, Buffer.from(bytes)),
    ),
    fc.integer({ min: 1, max: 40 }).map((keep) => {
      const gzip = gzipSync(json);
      return request('truncated gzip', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, gzip.subarray(0, Math.min(keep, gzip.length - 1)));
    }),
    fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx').map(
      (type) => request(`Content-Type ${type}`, { 'Content-Type': type }, json),
    ),
    fc.constant(request('no Content-Type', {}, Buffer.from(json))),
    fc.constantFrom('compress', 'x-fuzz', 'br').map((encoding) =>
      request(`Content-Encoding ${encoding}`, { 'Content-Type': 'application/json', 'Content-Encoding': encoding }, Buffer.from('not compressed')),
    ),
    fc.constant(request('unknown charset', { 'Content-Type': 'application/json; charset=ebcdic' }, json)),
    fc.constantFrom('', 'k'.repeat(201), 'tab\tinside', 'é').map((key): MalformedRequest => {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (key !== '') headers['Idempotency-Key'] = key;
      return { path: valid.path, mutation: `Idempotency-Key ${JSON.stringify(key.slice(0, 10))}`, headers, body: valid.body, raw: false };
    }),
    fc.jsonValue({ maxDepth: 3 }).map((value) => request('arbitrary JSON', { 'Content-Type': 'application/json' }, JSON.stringify(value))),
  );
}

/**
 * Requests each endpoint must refuse with a 4xx: its valid body broken in one place (a wrong type, a missing
 * required field, an unknown field, a huge string, deep nesting, text Postgres cannot store), or sent wrongly
 * (cut JSON, bad gzip, another media type or encoding, a bad Idempotency-Key). `semantic` adds mutations
 * that pass the contract but break a rule only the API checks.
 */
export function malformedRequest(valid: readonly ValidRequest[], semantic: fc.Arbitrary<MalformedRequest>): fc.Arbitrary<MalformedRequest> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...valid).chain(structural), weight: 6 },
    { arbitrary: fc.constantFrom(...valid).chain(transport), weight: 3 },
    { arbitrary: semantic, weight: 1 },
  );
}
