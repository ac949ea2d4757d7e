import { z } from 'zod';

/** `GET /healthz`: the process is up (it answers at all). */
export const Liveness = z.strictObject({ status: z.literal('ok') });
export type Liveness = z.infer<typeof Liveness>;

/** One dependency probe of `/readyz`: its state, the error when down, and how long the probe took (ms). */
export const ReadinessProbe = z.strictObject({
  status: z.enum(['ok', 'down']),
  error: z.string().max(2048).optional(),
  latencyMs: z.int().min(0),
});
export type ReadinessProbe = z.infer<typeof ReadinessProbe>;

/**
 * `GET /readyz`: 200 with `status: ok` when every dependency (Postgres, Redis, ...) answers, else 503 with
 * `status: unavailable`; `checks` has one probe per dependency, keyed by its name.
 */
export const ReadinessReport = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(z.string(), ReadinessProbe),
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
