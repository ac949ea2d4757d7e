import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';

import { expect } from '@jest/globals';
import { IngestAccepted } from '@ratchet/contracts';
import request from 'supertest';

import type { TestCluster } from '../factories/cluster.factory.js';

/** POSTs an ingest batch as the cluster's agent, under `key` (a fresh Idempotency-Key by default). */
export function postIngest(http: Server, cluster: TestCluster, path: string, body: unknown, key: string = randomUUID()) {
  return request(http).post(path).set(cluster.agentHeaders).set('Idempotency-Key', key).send(body as object);
}

/** POSTs an ingest batch that must be accepted (202); returns the answer, parsed by its contract. */
export async function expectAccepted(http: Server, cluster: TestCluster, path: string, body: unknown, key?: string): Promise<IngestAccepted> {
  const response = await postIngest(http, cluster, path, body, key);
  expect({ status: response.status, body: response.body as unknown }).toMatchObject({ status: 202 });
  return IngestAccepted.parse(response.body);
}
