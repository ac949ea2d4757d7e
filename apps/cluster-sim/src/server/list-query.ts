import type { KubeObject } from '../store/kube-object.js';

/** A label selector requirement (equality-based selectors only: `k=v`, `k==v`, `k!=v`, `k`, `!k`). */
interface LabelRequirement {
  key: string;
  op: 'eq' | 'neq' | 'exists' | 'absent';
  value?: string;
}

/** Fields a field selector may name, as the apiserver allows for every resource. */
const SELECTABLE_FIELDS = ['metadata.name', 'metadata.namespace'] as const;

export interface ListQuery {
  watch: boolean;
  limit?: number;
  continueToken?: ContinueToken;
  /** undefined when unset or empty; a number otherwise ('0' is 0). */
  resourceVersion?: number;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds?: number;
  matches(object: KubeObject): boolean;
}

export interface ContinueToken {
  resourceVersion: number;
  /** Storage key of the last item returned; the next page starts after it. */
  after: string;
}

export class QueryError extends Error {}

/** Encodes a continue token in the apiserver's own shape: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}. */
export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.resourceVersion, start: `${token.after}\u0000` })).toString('base64url');
}

function decodeContinue(raw: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string' || !parsed.start.endsWith('\u0000')) {
      throw new Error('bad shape');
    }
    return { resourceVersion: parsed.rv, after: parsed.start.slice(0, -1) };
  } catch {
    throw new QueryError('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

function parseNonNegativeInt(name: string, raw: string | null): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new QueryError(`${name}: Invalid value: "${raw}": must be a non-negative integer`);
  return Number(raw);
}

function parseBoolean(name: string, raw: string | null): boolean {
  if (raw === null || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new QueryError(`${name}: Invalid value: "${raw}": must be true or false`);
}

function parseLabelSelector(raw: string | null): LabelRequirement[] {
  if (!raw) return [];
  return raw.split(',').map((part) => {
    const term = part.trim();
    let match: RegExpMatchArray | null;
    if ((match = /^([A-Za-z0-9./_-]+)\s*!=\s*([A-Za-z0-9._-]*)$/.exec(term))) return { key: match[1]!, op: 'neq', value: match[2]! };
    if ((match = /^([A-Za-z0-9./_-]+)\s*==?\s*([A-Za-z0-9._-]*)$/.exec(term))) return { key: match[1]!, op: 'eq', value: match[2]! };
    if ((match = /^!([A-Za-z0-9./_-]+)$/.exec(term))) return { key: match[1]!, op: 'absent' };
    if ((match = /^([A-Za-z0-9./_-]+)$/.exec(term))) return { key: match[1]!, op: 'exists' };
    throw new QueryError(`unable to parse requirement: labelSelector "${term}" (the simulator serves equality-based selectors only)`);
  });
}

function parseFieldSelector(raw: string | null): Array<{ field: (typeof SELECTABLE_FIELDS)[number]; negate: boolean; value: string }> {
  if (!raw) return [];
  return raw.split(',').map((term) => {
    const match = /^([A-Za-z.]+)\s*(!=|==|=)\s*(.*)$/.exec(term.trim());
    const field = match?.[1] as (typeof SELECTABLE_FIELDS)[number] | undefined;
    if (!match || !field || !SELECTABLE_FIELDS.includes(field)) {
      throw new QueryError(`field label not supported: ${match?.[1] ?? term}`);
    }
    return { field, negate: match[2] === '!=', value: match[3]! };
  });
}

/** Parses and validates the query of a list or watch request; bad input throws QueryError (a 400). */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const watch = parseBoolean('watch', params.get('watch'));
  const limit = parseNonNegativeInt('limit', params.get('limit'));
  const rawContinue = params.get('continue');
  const continueToken = rawContinue ? decodeContinue(rawContinue) : undefined;
  const resourceVersion = parseNonNegativeInt('resourceVersion', params.get('resourceVersion'));
  const match = params.get('resourceVersionMatch');
  if (match !== null && match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
    throw new QueryError(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  if (continueToken && resourceVersion !== undefined && resourceVersion !== 0) {
    throw new QueryError('specifying resource version is not allowed when using continue');
  }
  const timeoutSeconds = parseNonNegativeInt('timeoutSeconds', params.get('timeoutSeconds'));
  const labels = parseLabelSelector(params.get('labelSelector'));
  const fields = parseFieldSelector(params.get('fieldSelector'));
  return {
    watch,
    ...(limit ? { limit } : {}),
    ...(continueToken ? { continueToken } : {}),
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
    ...(match === 'Exact' || match === 'NotOlderThan' ? { resourceVersionMatch: match } : {}),
    allowWatchBookmarks: parseBoolean('allowWatchBookmarks', params.get('allowWatchBookmarks')),
    sendInitialEvents: parseBoolean('sendInitialEvents', params.get('sendInitialEvents')),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    matches(object) {
      const objectLabels = object.metadata.labels ?? {};
      for (const r of labels) {
        const value = objectLabels[r.key];
        if (r.op === 'eq' && value !== r.value) return false;
        if (r.op === 'neq' && value === r.value) return false;
        if (r.op === 'exists' && value === undefined) return false;
        if (r.op === 'absent' && value !== undefined) return false;
      }
      for (const f of fields) {
        const value = f.field === 'metadata.name' ? object.metadata.name : (object.metadata.namespace ?? '');
        if ((value === f.value) === f.negate) return false;
      }
      return true;
    },
  };
}
