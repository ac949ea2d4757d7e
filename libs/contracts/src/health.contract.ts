import { z } from 'zod';

/** `GET /healthz`: the process is up (it answers at all). */
export const Liveness = z.strictObject({ status: z.literal('ok') });
export type Liveness = z.infer<typeof Liveness>;

/**
 * `GET /readyz`: 200 with `status: ok` when this replica can serve (Postgres answers), else 503 with
 * `status: unavailable`. Nothing more: anonymous callers learn no internals; the reason goes to the log.
 */
export const ReadinessReport = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
});
export type ReadinessReport = z.infer<typeof ReadinessReport>;

/**
 * `GET /api/openapi.json`: an OpenAPI 3.1 document. Only its frame is checked here; the document's content is
 * built from these same contracts.
 */
export const OpenApiDocument = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.record(z.string(), z.unknown()),
});
export type OpenApiDocument = z.infer<typeof OpenApiDocument>;
