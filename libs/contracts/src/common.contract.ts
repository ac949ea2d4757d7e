import { z } from 'zod';

/** An id Ratchet generates (organizations, clusters, findings, batches, tokens, ...): an RFC 9562 UUID. */
export const Id = z.uuid();
export type Id = z.infer<typeof Id>;

/**
 * A Kubernetes `metadata.uid`. The apiserver generates these as UUIDs, but they are not ours, so only the
 * 8-4-4-4-12 hex layout is required (no version or variant bits), which is what a Postgres `uuid` column accepts.
 */
export const KubernetesUid = z.guid();
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
export const NamespaceName = Dns1123Label;
export type NamespaceName = z.infer<typeof NamespaceName>;

/** A namespaced object's name (pod, workload, owner). */
export const ObjectName = Dns1123Subdomain;
export type ObjectName = z.infer<typeof ObjectName>;

/**
 * A point in time: ISO-8601 with an offset (`Z` or `+02:00`) and any sub-second precision, so the Kubernetes
 * MicroTime form `2026-07-01T12:00:00.123456Z` is accepted. A time without an offset is ambiguous and rejected.
 */
export const Timestamp = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof Timestamp>;

/** The three Pod Security Standards levels, least restrictive first. */
export const PSA_LEVELS = ['privileged', 'baseline', 'restricted'] as const;

/** A Pod Security Standards level. */
export const PsaLevel = z.enum(PSA_LEVELS);
export type PsaLevel = z.infer<typeof PsaLevel>;

/** The levels that run checks, and so the levels findings and readiness are computed at. */
export const EnforceableLevel = z.enum(['baseline', 'restricted']);
export type EnforceableLevel = z.infer<typeof EnforceableLevel>;

/**
 * A Pod Security version as a namespace label spells it: `latest` or `v1.<minor>`, with the upstream grammar
 * (major 1, no leading zeros: `v1.01` is invalid).
 */
export const PsaVersion = z.union([
  z.literal('latest'),
  z.string().regex(/^v1\.(0|[1-9][0-9]*)$/, { message: 'must be "latest" or "v1.<minor>" without leading zeros' }),
]);
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
export const CheckId = z.enum(CHECK_IDS);
export type CheckId = z.infer<typeof CheckId>;

/** A lowercase sha256 digest in hex. Lowercase only, because the digest is a content key compared as text. */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be a lowercase hex sha256 (64 characters)' });
export type Sha256Hex = z.infer<typeof Sha256Hex>;

/** A count of things: a non-negative safe integer. */
export const Count = z.int().min(0);

/** One rejected field in a 400 answer: its path as `events[3].auditId` and what is wrong with it. */
export const FieldIssue = z.strictObject({
  path: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

/** Error codes every endpoint may answer; modules add their own codes in the same UPPER_SNAKE form. */
export const COMMON_ERROR_CODES = {
  validationFailed: 'VALIDATION_FAILED',
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  notFound: 'NOT_FOUND',
  conflict: 'CONFLICT',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  rateLimited: 'RATE_LIMITED',
  internal: 'INTERNAL',
} as const;

/**
 * The one error shape of the API: `{ code, message, details }`. `details` is a list of `FieldIssue`s for
 * `VALIDATION_FAILED` (HTTP 400) and code-specific otherwise.
 */
export const ErrorResponse = z.strictObject({
  code: z
    .string()
    .max(64)
    .regex(/^[A-Z][A-Z0-9_]*$/, { message: 'must be UPPER_SNAKE_CASE' }),
  message: z.string().max(2048),
  details: z.unknown().optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;

/** The 400 answer to a request that failed its contract. */
export const ValidationErrorResponse = ErrorResponse.extend({
  code: z.literal(COMMON_ERROR_CODES.validationFailed),
  details: z.array(FieldIssue),
});
export type ValidationErrorResponse = z.infer<typeof ValidationErrorResponse>;

/** An opaque pagination cursor, as returned in `nextCursor` (base64url). */
export const Cursor = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'must be a cursor returned as nextCursor' });

/** Cursor pagination query parameters; `limit` arrives as a query string and is coerced (1..500, default 50). */
export const CursorPageQuery = z.strictObject({
  cursor: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type CursorPageQuery = z.infer<typeof CursorPageQuery>;

/** Sort direction of a list. */
export const SortOrder = z.enum(['asc', 'desc']);
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
