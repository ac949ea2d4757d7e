import { describe, expect, it } from '@jest/globals';

import { CHECK_IDS as PSS_CHECK_IDS } from '@ratchet/pss';

import {
  CHECK_IDS,
  CheckId,
  Count,
  CursorPageQuery,
  Dns1123Label,
  Dns1123Subdomain,
  ERROR_STATUS,
  ErrorCode,
  ErrorResponse,
  Id,
  Int32,
  KubernetesUid,
  PsaLevel,
  PsaVersion,
  Sha256Hex,
  StorableText,
  Timestamp,
  ValidationErrorResponse,
  pageOf,
} from '../src/index.js';
import { issuePaths } from './support/issues.util.js';

describe('check ids', () => {
  it('are the ids libs/pss registers, in the same order', () => {
    expect([...CHECK_IDS]).toEqual([...PSS_CHECK_IDS]);
  });

  it('reject an id that is not a check', () => {
    expect(CheckId.safeParse('seccompProfile').success).toBe(false);
  });
});

describe('PsaLevel', () => {
  it.each(['privileged', 'baseline', 'restricted'])('accepts %s', (level) => {
    expect(PsaLevel.parse(level)).toBe(level);
  });

  it.each(['Baseline', 'strict', ''])('rejects %j', (level) => {
    expect(PsaLevel.safeParse(level).success).toBe(false);
  });
});

describe('PsaVersion', () => {
  it.each(['latest', 'v1.0', 'v1.9', 'v1.10', 'v1.37', 'v1.100'])('accepts %s', (version) => {
    expect(PsaVersion.parse(version)).toBe(version);
  });

  it.each(['v1.01', 'v2.0', 'v1', '1.30', 'v1.3a', 'Latest', 'v1.-1', ' v1.30'])('rejects %j like upstream', (version) => {
    expect(PsaVersion.safeParse(version).success).toBe(false);
  });
});

describe('Kubernetes names', () => {
  it('accepts RFC 1123 labels up to 63 characters', () => {
    expect(Dns1123Label.safeParse('kube-system').success).toBe(true);
    expect(Dns1123Label.safeParse('a'.repeat(63)).success).toBe(true);
  });

  it.each(['', '-a', 'a-', 'A', 'a.b', 'a_b', 'a'.repeat(64)])('rejects the label %j', (name) => {
    expect(Dns1123Label.safeParse(name).success).toBe(false);
  });

  it('accepts RFC 1123 subdomains up to 253 characters', () => {
    expect(Dns1123Subdomain.safeParse('web-7d9f8b6c5.example').success).toBe(true);
    expect(Dns1123Subdomain.safeParse(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`).success).toBe(true);
  });

  it.each(['', 'a..b', '.a', 'a.', 'A.b', 'a.-b', 'a'.repeat(254)])('rejects the subdomain %j', (name) => {
    expect(Dns1123Subdomain.safeParse(name).success).toBe(false);
  });
});

describe('ids', () => {
  it('takes our ids as RFC 9562 UUIDs only', () => {
    expect(Id.safeParse('6f1c9c52-2d0e-4f3b-9a7e-0c1d2e3f4a5b').success).toBe(true);
    expect(Id.safeParse('6f1c9c52-2d0e-4f3b-ca7e-0c1d2e3f4a5b').success).toBe(false);
    expect(Id.safeParse('6f1c9c522d0e4f3b9a7e0c1d2e3f4a5b').success).toBe(false);
  });

  it('takes Kubernetes uids in the UUID layout without checking version bits', () => {
    expect(KubernetesUid.safeParse('6f1c9c52-2d0e-4f3b-ca7e-0c1d2e3f4a5b').success).toBe(true);
    expect(KubernetesUid.safeParse('not-a-uid').success).toBe(false);
  });

  it('takes sha256 digests as 64 lowercase hex characters', () => {
    expect(Sha256Hex.safeParse('0'.repeat(64)).success).toBe(true);
    expect(Sha256Hex.safeParse('A'.repeat(64)).success).toBe(false);
    expect(Sha256Hex.safeParse('0'.repeat(63)).success).toBe(false);
  });
});

describe('Timestamp', () => {
  it.each(['2026-07-01T12:00:00Z', '2026-07-01T12:00:00.123456Z', '2026-07-01T14:00:00.5+02:00'])('accepts %s', (time) => {
    expect(Timestamp.parse(time)).toBe(time);
  });

  it.each(['2026-07-01T12:00:00', '2026-07-01', '2026-13-01T12:00:00Z', 'yesterday', '1751371200'])('rejects %j', (time) => {
    expect(Timestamp.safeParse(time).success).toBe(false);
  });
});

describe('ErrorResponse', () => {
  it('accepts every code of the enum with an object of details', () => {
    for (const code of ErrorCode.options) {
      expect(ErrorResponse.safeParse({ code, message: 'x', details: {} }).success).toBe(true);
    }
    expect(ErrorResponse.safeParse({ code: 'conflict', message: 'x', details: { id: 1 } }).success).toBe(true);
  });

  it('requires details, and refuses codes outside the enum and unknown fields', () => {
    expect(issuePaths(ErrorResponse, { code: 'not_found', message: 'cluster not found' })).toEqual(['details']);
    expect(issuePaths(ErrorResponse, { code: 'NOT_FOUND', message: 'x', details: {}, status: 404 })).toEqual(['code', 'status']);
    expect(issuePaths(ErrorResponse, { code: 'UNKNOWN_PROJECTIONS', message: 'x', details: {} })).toEqual(['code']);
    expect(issuePaths(ErrorResponse, { code: 'conflict', message: 'x', details: [] })).toEqual(['details']);
  });

  it('gives every code a 4xx or 5xx status, all of them snake_case', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(status >= 400 && status <= 599).toBe(true);
    }
    expect(ERROR_STATUS.unavailable).toBe(503);
    expect(ERROR_STATUS.unknown_projections).toBe(409);
  });

  it('requires field issues as the details of a validation error', () => {
    const valid = { code: 'validation_failed', message: 'bad request', details: { issues: [{ path: 'body.events[0].auditId', message: 'required' }] } };
    expect(ValidationErrorResponse.safeParse(valid).success).toBe(true);
    expect(issuePaths(ValidationErrorResponse, { ...valid, details: 'events[0]' })).toEqual(['details']);
    expect(issuePaths(ValidationErrorResponse, { ...valid, details: { issues: [] } })).toEqual(['details.issues']);
  });
});

describe('storable primitives', () => {
  it.each(['', 'payments team', 'ümlaut ✓', '😀'])('StorableText accepts %j', (text) => {
    expect(StorableText.safeParse(text).success).toBe(true);
  });

  it.each(['a\u0000b', '\u0000', 'x\ud800', '\udc00y'])('StorableText refuses %j', (text) => {
    expect(StorableText.safeParse(text).success).toBe(false);
  });

  it('keeps its check when length limits are chained', () => {
    const Name = StorableText.min(1).max(10);
    expect(Name.safeParse('a\u0000').success).toBe(false);
    expect(Name.safeParse('x'.repeat(11)).success).toBe(false);
  });

  it.each(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-07-01T12:00:00+02:00'])('Timestamp accepts %j', (time) => {
    expect(Timestamp.safeParse(time).success).toBe(true);
  });

  // Year 0000 does not exist in Postgres; +14:00 moves 0001-01-01 into year 0 UTC; -01:00 moves 9999 past it.
  it.each(['0000-01-01T00:00:00Z', '0000-12-31T23:59:59Z', '0001-01-01T00:00:00+14:00', '9999-12-31T23:30:00-01:00'])(
    'Timestamp refuses %j, out of the range the database stores',
    (time) => {
      expect(Timestamp.safeParse(time).success).toBe(false);
    },
  );

  it('bounds Count and Int32 to a Postgres integer', () => {
    expect(Count.safeParse(2_147_483_647).success).toBe(true);
    expect(Count.safeParse(2_147_483_648).success).toBe(false);
    expect(Count.safeParse(-1).success).toBe(false);
    expect(Int32.safeParse(-2_147_483_648).success).toBe(true);
    expect(Int32.safeParse(-2_147_483_649).success).toBe(false);
  });
});

describe('cursor pagination', () => {
  it('defaults limit to 50 and coerces it from the query string', () => {
    expect(CursorPageQuery.parse({})).toEqual({ limit: 50 });
    expect(CursorPageQuery.parse({ limit: '500', cursor: 'eyJpZCI6MX0' })).toEqual({ limit: 500, cursor: 'eyJpZCI6MX0' });
  });

  it.each(['0', '501', '2.5', 'ten'])('rejects limit=%s', (limit) => {
    expect(issuePaths(CursorPageQuery, { limit })).toEqual(['limit']);
  });

  it('rejects a cursor that is not base64url', () => {
    expect(issuePaths(CursorPageQuery, { cursor: 'a b' })).toEqual(['cursor']);
  });

  it('wraps items in a page envelope', () => {
    const page = pageOf(PsaLevel);
    expect(page.parse({ items: ['baseline'], nextCursor: null })).toEqual({ items: ['baseline'], nextCursor: null });
    expect(issuePaths(page, { items: ['strict'], nextCursor: 'abc' })).toEqual(['items[0]']);
    expect(issuePaths(page, { items: [] })).toEqual(['nextCursor']);
  });
});
