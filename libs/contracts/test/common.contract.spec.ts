import { describe, expect, it } from '@jest/globals';

import { CHECK_IDS as PSS_CHECK_IDS } from '@ratchet/pss';

import {
  CHECK_IDS,
  CheckId,
  CursorPageQuery,
  Dns1123Label,
  Dns1123Subdomain,
  ErrorResponse,
  Id,
  KubernetesUid,
  PsaLevel,
  PsaVersion,
  Sha256Hex,
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
  it('accepts the shape with and without details', () => {
    expect(ErrorResponse.safeParse({ code: 'NOT_FOUND', message: 'cluster not found' }).success).toBe(true);
    expect(ErrorResponse.safeParse({ code: 'CONFLICT', message: 'x', details: { id: 1 } }).success).toBe(true);
  });

  it('rejects a lowercase code and unknown fields', () => {
    expect(issuePaths(ErrorResponse, { code: 'not_found', message: 'x', status: 404 })).toEqual(['code', 'status']);
  });

  it('requires field issues as the details of a validation error', () => {
    const valid = { code: 'VALIDATION_FAILED', message: 'bad request', details: [{ path: 'events[0].auditId', message: 'required' }] };
    expect(ValidationErrorResponse.safeParse(valid).success).toBe(true);
    expect(issuePaths(ValidationErrorResponse, { ...valid, details: 'events[0]' })).toEqual(['details']);
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
