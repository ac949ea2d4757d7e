import { describe, expect, it } from '@jest/globals';

import { AppError } from '../../common/errors/app-error.js';
import { assertStrongPassword, passwordWeakness } from './password-strength.util.js';

describe('passwordWeakness', () => {
  it.each(['password1234', 'correcthorse', 'qwertyuiop123', 'aaaaaaaaaaaa', 'iloveyou2026'])('refuses the guessable %j', (password) => {
    expect(passwordWeakness(password, [])).toMatch(/^is too easy to guess/);
  });

  it('refuses a password made of the user’s own email, name or organization', () => {
    expect(passwordWeakness('Lovelace.Acme', [])).toBeUndefined();
    expect(passwordWeakness('Lovelace.Acme', ['ada.lovelace@example.com', 'Ada Lovelace', 'Acme'])).toMatch(/too easy to guess/);
  });

  it.each(['correct horse battery staple', 'tundra-mosaic-violin-47', 'a long enough passphrase'])('accepts the passphrase %j', (password) => {
    expect(passwordWeakness(password, ['someone@example.com'])).toBeUndefined();
  });

  it('throws a 400 naming the field, with zxcvbn’s advice', () => {
    let thrown: unknown;
    try {
      assertStrongPassword('password1234', []);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe('validation_failed');
    expect((thrown as AppError).details).toEqual({ issues: [{ path: 'body.password', message: expect.stringMatching(/^password is too easy to guess/) }] });
  });
});
