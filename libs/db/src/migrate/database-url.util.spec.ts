import { describe, expect, it } from '@jest/globals';

import { DatabaseUrlError, readDatabaseUrl } from './database-url.util.js';

describe('readDatabaseUrl', () => {
  it.each([
    ['postgresql://ratchet:secret@db:5432/ratchet'],
    ['postgres://localhost/ratchet?sslmode=require'],
    ['postgresql:///ratchet?host=/var/run/postgresql'],
    ['postgresql:///ratchet'],
  ])('accepts %s', (url) => {
    expect(readDatabaseUrl({ DATABASE_URL: url })).toBe(url);
  });

  it.each([
    [{}, /^DATABASE_URL is not set/],
    [{ DATABASE_URL: '   ' }, /^DATABASE_URL is not set/],
    [{ DATABASE_URL: 'localhost:5432/ratchet' }, /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ DATABASE_URL: 'not a url' }, /^DATABASE_URL is not a valid URL/],
    [{ DATABASE_URL: 'mysql://root:hunter2@db/ratchet' }, /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL, not mysql:/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => readDatabaseUrl(env)).toThrow(DatabaseUrlError);
    expect(() => readDatabaseUrl(env)).toThrow(message);
  });

  it('never repeats the value, which may hold a password', () => {
    expect(() => readDatabaseUrl({ DATABASE_URL: 'mysql://root:hunter2@db/ratchet' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('reads another variable when told to', () => {
    expect(() => readDatabaseUrl({}, 'TEST_DATABASE_URL')).toThrow(/^TEST_DATABASE_URL is not set/);
  });
});
