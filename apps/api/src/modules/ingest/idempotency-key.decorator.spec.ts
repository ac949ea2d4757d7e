import { describe, expect, it } from '@jest/globals';

import { AppError } from '../../common/errors/app-error.js';
import { parseIdempotencyKey } from './idempotency-key.decorator.js';

describe('parseIdempotencyKey', () => {
  it('takes 1 to 200 printable ASCII characters', () => {
    expect(parseIdempotencyKey('resync 3f2a/7')).toBe('resync 3f2a/7');
    expect(parseIdempotencyKey('k'.repeat(200))).toHaveLength(200);
  });

  it.each([undefined, '', 'k'.repeat(201), 'tab\there', 'é', ['a', 'b']])('refuses %j with a 400 naming the header', (value) => {
    let thrown: unknown;
    try {
      parseIdempotencyKey(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).status).toBe(400);
    expect((thrown as AppError).details).toEqual({ issues: [{ path: 'headers.idempotency-key', message: expect.any(String) }] });
  });
});
