import { z } from 'zod';

/** The largest value a Postgres `integer` column holds: counts, replicas and ports are stored as int4. */
export const INT32_MAX = 2_147_483_647;

/** An integer a Postgres `integer` column can hold (-2^31 .. 2^31-1). */
export const Int32 = z.int().min(-INT32_MAX - 1).max(INT32_MAX);

/**
 * Why `text` cannot be stored in a Postgres text or jsonb column, or undefined when it can: Postgres refuses the
 * NUL character, and UTF-8 cannot encode a lone UTF-16 surrogate. JSON and query strings carry both.
 */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character, which Postgres text cannot hold';
  if (!text.isWellFormed()) return 'must be well-formed Unicode (a lone surrogate cannot be stored)';
  return undefined;
}

/**
 * A string Postgres can store: no NUL character, no lone surrogate. Every free-text field of a contract (names,
 * filters, cursor keys) is built on it, so such a value is a 400 naming the field, never a failed query.
 * Chain length limits on it: `StorableText.min(1).max(100)`.
 */
export const StorableText = z.string().check((payload) => {
  const reason = unstorableTextReason(payload.value);
  if (reason) payload.issues.push({ code: 'custom', message: reason, input: payload.value });
});

// Postgres' timestamptz reaches from 4713 BC to 294276 AD, but has no year 0 and reads a four-digit year as AD;
// JSON answers are written with toISOString, which needs a four-digit year. So stored instants are 0001..9999 UTC.
const EARLIEST_INSTANT_MS = Date.parse('0001-01-01T00:00:00Z');
const LATEST_INSTANT_MS = Date.parse('9999-12-31T23:59:59.999Z');
const STORABLE_INSTANT_MESSAGE = 'must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';

function isStorableInstant(value: string): boolean {
  const ms = new Date(value).getTime();
  return ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS;
}

/** An id Ratchet generates (organizations, clusters, findings, batches, tokens, ...): an RFC 9562 UUID. */
export const Id = z.uuid().meta({ description: 'An id Ratchet generated (UUID).' });
export type Id = z.infer<typeof Id>;

/**
 * A Kubernetes `metadata.uid`. The apiserver generates these as UUIDs, but they are not ours, so only the
 * 8-4-4-4-12 hex layout is required (no version or variant bits), which is what a Postgres `uuid` column accepts.
 */
export const KubernetesUid = z.guid().meta({ description: "The object's Kubernetes metadata.uid." });
export type KubernetesUid = z.infer<typeof KubernetesUid>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * An RFC 1123 label, as Kubernetes validates namespace, container and volume names: at most 63 lowercase
 * alphanumerics or '-', starting and ending with an alphanumeric.
 */
export const Dns1123Label = z
  .string()
  .max(63)
  .regex(DNS1123_LABEL, {
    message:
      "must be a lowercase RFC 1123 label: lowercase alphanumerics or '-', starting and ending with an alphanumeric",
  });

/**
 * An RFC 1123 subdomain, as Kubernetes validates most object names (pods, deployments, ...): at most 253
 * characters, dot-separated RFC 1123 labels.
 */
export const Dns1123Subdomain = z
  .string()
  .max(253)
  .regex(DNS1123_SUBDOMAIN, {
    message:
      "must be a lowercase RFC 1123 subdomain: lowercase alphanumerics, '-' or '.', starting and ending with an alphanumeric",
  });

/** A namespace name. */
export const NamespaceName = Dns1123Label.meta({ description: 'A Kubernetes namespace name (RFC 1123 label).' });
export type NamespaceName = z.infer<typeof NamespaceName>;

/** A namespaced object's name (pod, workload, owner). */
export const ObjectName = Dns1123Subdomain.meta({ description: "A namespaced object's name (RFC 1123 subdomain)." });
export type ObjectName = z.infer<typeof ObjectName>;

/**
 * A point in time: ISO-8601 with an offset (`Z` or `+02:00`) and any sub-second precision, so the Kubernetes
 * MicroTime form `2026-07-01T12:00:00.123456Z` is accepted. A time without an offset is ambiguous and rejected,
 * and so is one outside 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999Z (after applying the offset), which Postgres
 * or the JSON answers could not hold.
 */
export const Timestamp = z.iso
  .datetime({ offset: true })
  // Only for a well-formed time: a malformed one already has its issue.
  .refine(isStorableInstant, { message: STORABLE_INSTANT_MESSAGE, when: (payload) => payload.issues.length === 0 })
  .meta({ description: 'ISO-8601 date-time with an offset (Z or ±hh:mm), between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.' });
export type Timestamp = z.infer<typeof Timestamp>;

/** The three Pod Security Standards levels, least restrictive first. */
export const PSA_LEVELS = ['privileged', 'baseline', 'restricted'] as const;

/** A Pod Security Standards level. */
export const PsaLevel = z.enum(PSA_LEVELS).meta({ description: 'A Pod Security Standards level.' });
export type PsaLevel = z.infer<typeof PsaLevel>;

/** The levels that run checks, and so the levels findings and readiness are computed at. */
export const EnforceableLevel = z.enum(['baseline', 'restricted']).meta({ description: 'A Pod Security level that runs checks: baseline or restricted.' });
export type EnforceableLevel = z.infer<typeof EnforceableLevel>;

/**
 * A Pod Security version as a namespace label spells it: `latest` or `v1.<minor>`, with the upstream grammar
 * (major 1, no leading zeros: `v1.01` is invalid).
 */
export const PsaVersion = z.union([
  z.literal('latest'),
  z.string().regex(/^v1\.(0|[1-9][0-9]*)$/, { message: 'must be "latest" or "v1.<minor>" without leading zeros' }),
]).meta({ description: 'A Pod Security version as namespace labels spell it: latest or v1.<minor>.' });
export type PsaVersion = z.infer<typeof PsaVersion>;

// Kept in step with `CHECK_IDS` of libs/pss by a test; listed here because apps/web imports this package and
// must not pull in the evaluator.
/** The 19 Pod Security check ids in upstream result order: baseline ids, then restricted ids, each sorted bytewise. */
export const CHECK_IDS = [
  'appArmorProfile',
  'capabilities_baseline',
  'hostNamespaces',
  'hostPathVolumes',
  'hostPorts',
  'hostProbesAndHostLifecycle',
  'privileged',
  'procMount',
  'seLinuxOptions',
  'seccompProfile_baseline',
  'sysctls',
  'windowsHostProcess',
  'allowPrivilegeEscalation',
  'capabilities_restricted',
  'procMount_restricted',
  'restrictedVolumes',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
] as const;

/** A Pod Security check id, spelled as upstream registers it. */
export const CheckId = z.enum(CHECK_IDS).meta({ description: 'A Pod Security check id, as upstream Pod Security Admission registers it.' });
export type CheckId = z.infer<typeof CheckId>;

/** A lowercase sha256 digest in hex. Lowercase only, because the digest is a content key compared as text. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a lowercase hex sha256 (64 characters)' });
export type Sha256Hex = z.infer<typeof Sha256Hex>;

/** A count of things: a non-negative integer a Postgres `integer` column can hold. */
export const Count = z.int().min(0).max(INT32_MAX).meta({ description: 'A count: a non-negative 32-bit integer.' });

/** One rejected field in a 400 answer: its path as `events[3].auditId` and what is wrong with it. */
export const FieldIssue = z.strictObject({
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

/**
 * Every error code the API answers, with its HTTP status. Codes are snake_case; a client branches on `code`,
 * never on `message`. `unknown_projections` is ingest's: hashes declared known are not stored (the agent
 * resends the projections); `unavailable` means retry later (with `Retry-After` when the API knows how long).
 */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unknown_projections: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

/** An error code of the API (see ERROR_STATUS). */
export const ErrorCode = z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * The one error shape of the API: `{ code, message, details }` on every error. `details` is always an object,
 * `{}` when there is nothing more: `{ issues: FieldIssue[] }` for `validation_failed`, `{ limitBytes }` for
 * `payload_too_large`, `{ missingProjectionHashes }` for `unknown_projections`.
 */
export const ErrorResponse = z.strictObject({
  code: ErrorCode,
  message: z.string().max(2048),
  details: z.record(z.string(), z.unknown()),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** The 400 answer to a request that failed its contract: every bad field, by path (`body.name`, `query.cursor`). */
export const ValidationErrorResponse = ErrorResponse.extend({
  code: z.literal('validation_failed'),
  details: z.strictObject({ issues: z.array(FieldIssue).min(1) }),
});
export type ValidationErrorResponse = z.infer<typeof ValidationErrorResponse>;

/** An opaque pagination cursor, as returned in `nextCursor` (base64url). */
export const Cursor = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'must be a cursor returned as nextCursor' })
  .meta({ description: 'Opaque position in a list: nextCursor of the previous page, passed unchanged with the same filters and sort.' });

/** Cursor pagination query parameters; `limit` arrives as a query string and is coerced (1..500, default 50). */
export const CursorPageQuery = z.strictObject({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50).meta({ description: 'Items per page, 1 to 500 (default 50).' }),
});
export type CursorPageQuery = z.infer<typeof CursorPageQuery>;

/** Sort direction of a list. */
export const SortOrder = z.enum(['asc', 'desc']).meta({ description: 'Sort direction.' });
export type SortOrder = z.infer<typeof SortOrder>;

/** A page of a list: its items and the cursor of the next page, or `null` on the last page. */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.strictObject({
    items: z.array(item).max(500),
    nextCursor: Cursor.nullable(),
  });
}

/** A page of items of type `Item`. */
export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}
