import { createServer } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { isDatabaseUnavailable } from '../src/database-unavailable.util.js';
import { createPrismaClient } from '../src/prisma.factory.js';
import { withSystem } from '../src/tenant-transaction.js';
import { adminQuery, createTestDatabase } from './support/test-database.util.js';
import type { TestDatabase } from './support/test-database.util.js';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('isDatabaseUnavailable, on errors the real driver raises', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('is true for a transaction that cannot start because the pool is exhausted (P2028)', async () => {
    const sut = createPrismaClient({ connectionString: database.url, poolSize: 1 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const holding = new Promise<void>((resolve) => (started = resolve));
    const holder = withSystem(sut, async () => {
      started();
      await held;
    });
    await holding;
    const error = await caught(withSystem(sut, () => Promise.resolve(undefined), { maxWait: 100 }));
    release();
    await holder;
    await sut.$disconnect();
    expect((error as { code?: string }).code).toBe('P2028');
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('is true when nothing listens where the database should be', async () => {
    const url = new URL(database.url);
    url.port = String(await closedPort());
    const sut = createPrismaClient({ connectionString: url.toString() });
    const error = await caught(withSystem(sut, (tx) => tx.$queryRaw`SELECT 1`));
    await sut.$disconnect();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('is true when the server ends the connection under a running transaction (admin shutdown, 57P01)', async () => {
    const sut = createPrismaClient({ connectionString: database.url, poolSize: 1 });
    const error = await caught(
      withSystem(sut, async (tx) => {
        const [backend] = await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
        await adminQuery('SELECT pg_terminate_backend($1)', [backend!.pid]);
        await tx.$queryRaw`SELECT 1`;
      }),
    );
    await sut.$disconnect();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('is false for errors that are the request’s own: a unique violation, bad SQL, a plain bug', async () => {
    const sut = createPrismaClient({ connectionString: database.url });
    const email = `dup-${Date.now()}@example.test`;
    await sut.user.create({ data: { email, displayName: 'a', passwordHash: 'x' } });
    const duplicate = await caught(sut.user.create({ data: { email, displayName: 'b', passwordHash: 'x' } }));
    const badSql = await caught(sut.$queryRawUnsafe('SELEC 1'));
    await sut.$disconnect();
    expect((duplicate as { code?: string }).code).toBe('P2002');
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
    expect(isDatabaseUnavailable(badSql)).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
