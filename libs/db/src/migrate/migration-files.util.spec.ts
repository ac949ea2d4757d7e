import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { checksumMatches, migrationChecksum, readMigrationFiles } from './migration-files.util.js';

describe('migrationChecksum', () => {
  it("is Prisma's: sha256 hex, zero-padded", () => {
    // The vector from Prisma's schema engine (schema-connector/src/checksum.rs).
    expect(migrationChecksum('hello')).toBe('2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  });
});

describe('checksumMatches', () => {
  // Prisma's own cases: the same script with LF or CRLF endings matches either checksum.
  it.each([
    ['ab\ncd\nef\ngh\rab', 'ab\r\ncd\r\nef\r\ngh\rab'],
    ['ab\ncd\nef\ngh\rab\n', 'ab\r\ncd\r\nef\r\ngh\rab\r\n'],
  ])('ignores line endings (%j)', (lf, crlf) => {
    for (const script of [lf, crlf]) {
      for (const other of [lf, crlf]) {
        expect(checksumMatches(script, migrationChecksum(other))).toBe(true);
      }
    }
  });

  it('notices any other change', () => {
    expect(checksumMatches('abc', migrationChecksum('abcd'))).toBe(false);
    expect(checksumMatches('abc\n', migrationChecksum('abc'))).toBe(false);
  });
});

describe('readMigrationFiles', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-migration-files-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists migration directories in name order and skips other files', async () => {
    for (const name of ['20260102000000_b', '20260101000000_a']) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'migration.sql'), `-- ${name}\n`);
    }
    await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');

    const sut = await readMigrationFiles(dir);

    expect(sut).toEqual([
      { name: '20260101000000_a', sql: '-- 20260101000000_a\n', checksum: migrationChecksum('-- 20260101000000_a\n') },
      { name: '20260102000000_b', sql: '-- 20260102000000_b\n', checksum: migrationChecksum('-- 20260102000000_b\n') },
    ]);
  });

  it('names a migration directory without migration.sql', async () => {
    await mkdir(join(dir, '20260101000000_empty'));
    await expect(readMigrationFiles(dir)).rejects.toThrow(/migration 20260101000000_empty has no readable migration.sql/);
  });
});
