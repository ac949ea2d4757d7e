import { createPrismaClient } from '@ratchet/db';
import type { PrismaClient } from '@ratchet/db';

const clients = new Map<string, PrismaClient>();

/**
 * A Prisma client on the test database as its owner (a superuser here, so row-level security does not apply):
 * factories use it to lay down another tenant's rows directly.
 */
export function ownerClient(databaseUrl: string): PrismaClient {
  let client = clients.get(databaseUrl);
  if (!client) {
    client = createPrismaClient({ connectionString: databaseUrl, poolSize: 2 });
    clients.set(databaseUrl, client);
  }
  return client;
}

export async function disconnectOwnerClients(): Promise<void> {
  await Promise.all([...clients.values()].map((client) => client.$disconnect()));
  clients.clear();
}
