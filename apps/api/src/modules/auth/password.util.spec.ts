import { describe, expect, it } from '@jest/globals';

import { dummyPasswordHash, hashPassword, verifyPassword } from './password.util.js';

describe('password hashing', () => {
  it('hashes with argon2id at the OWASP parameters, salted per hash', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(second).not.toBe(first);
  });

  it('verifies the right password only', async () => {
    const sut = await hashPassword('correct horse battery staple');
    await expect(verifyPassword(sut, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifyPassword(sut, 'Correct horse battery staple')).resolves.toBe(false);
  });

  it('treats a stored value that is not an argon2 hash as a mismatch', async () => {
    await expect(verifyPassword('factory-user-cannot-log-in', 'factory-user-cannot-log-in')).resolves.toBe(false);
  });

  it('keeps one dummy hash that no guess matches', async () => {
    const sut = await dummyPasswordHash();
    expect(await dummyPasswordHash()).toBe(sut);
    expect(sut).toMatch(/^\$argon2id\$/);
    await expect(verifyPassword(sut, '')).resolves.toBe(false);
  });
});
