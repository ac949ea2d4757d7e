import { ERROR_STATUS, ErrorResponse, IDEMPOTENCY_KEY_HEADER } from '@ratchet/contracts';
import { toJSONSchema } from 'zod';
import type { ZodType } from 'zod';

import type { Route } from '../../common/http/route-table.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  // Contracts transform some inputs (dates, defaults), so requests use the input side and responses the output.
  const json = toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(schema: ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

// What an agent needs beyond the schemas: how batches are retried, compressed and keyed by projection hash.
const API_DESCRIPTION = `Pod Security Standards readiness per namespace.

## Errors
Every error is \`{ code, message, details }\` (schema \`Error\`): \`code\` is one of a fixed snake_case set, each
with one HTTP status (${Object.entries(ERROR_STATUS)
  .map(([code, status]) => `\`${code}\` ${status}`)
  .join(', ')}); \`details\` is always an object, \`{}\` when there is nothing more. A 400 \`validation_failed\`
lists every bad field in \`details.issues\` as \`{ path, message }\`, the path naming the part of the request
(\`body.events[3].time\`, \`query.cursor\`, \`params.clusterId\`, \`headers.idempotency-key\`). A 503 \`unavailable\` is
temporary: retry after \`Retry-After\` seconds when the header is present. Text fields refuse the NUL character and
lone surrogates; times are ISO-8601 with an offset between 0001-01-01 and 9999-12-31 (UTC); counts fit a 32-bit
signed integer.

## Pagination
Lists answer \`{ items, nextCursor }\`. Pass \`nextCursor\` unchanged as \`cursor\` with the same filters and sort to
read the next page; \`null\` means the last page. A cursor is opaque: an edited one is a 400 on \`query.cursor\`.

## Ingestion (agents)
Agents authenticate with their cluster's agent token (\`Authorization: Bearer rag_...\`). Every batch carries an
\`${IDEMPOTENCY_KEY_HEADER}\` header of the agent's choosing (1 to 200 printable ASCII characters), kept unchanged when the
batch is retried: a retry of a stored batch answers the first answer again with \`Idempotent-Replayed: true\` and
writes nothing; the same key with a different body is a 409 \`conflict\`. Bodies are JSON
(\`Content-Type: application/json\`), optionally compressed with \`Content-Encoding: gzip\`; the size limit counts the
bytes after decompression (413 \`payload_too_large\`, \`details.limitBytes\`). A rejected batch writes nothing.

### projectionHash
Workloads and pods refer to their security projection by \`projectionHash\`, and inventory batches carry each
projection once under that key in \`projections\`. The hash is the lowercase hex SHA-256 of the UTF-8 bytes of the
canonical JSON of \`{ "annotations": <metadata.annotations, or {} when absent>, "spec": <spec> }\` of the projection
(\`ProjectionContent\`): JSON as \`JSON.stringify\` writes it, without whitespace, with the keys of every object sorted
by UTF-16 code units (JavaScript's default sort) and members whose value is undefined left out. Identity (name,
namespace, uid, owners) is not hashed, so every replica of a template shares one hash. A projection whose content
does not hash to its key is a 400; a hash listed in \`knownProjectionHashes\` that the API has not stored is a 409
\`unknown_projections\` whose \`details.missingProjectionHashes\` the agent resends with their content.`;

/** Headers every ingestion batch takes, as OpenAPI parameters. */
const INGEST_HEADERS = [
  {
    name: IDEMPOTENCY_KEY_HEADER,
    in: 'header',
    required: true,
    description:
      'A key of your choosing for this batch, kept unchanged on every retry of it: a retry answers the stored answer (with Idempotent-Replayed: true); reusing a key for a different body is a 409.',
    schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x20-\\x7e]{1,200}$' },
  },
  {
    name: 'Content-Encoding',
    in: 'header',
    required: false,
    description: 'gzip to send the JSON body compressed; the size limit counts the decompressed bytes.',
    schema: { type: 'string', enum: ['gzip', 'identity'] },
  },
];

/** OpenAPI 3.1 for every route with an Endpoint spec, built from the same zod contracts that validate requests. */
export function buildOpenApi(routes: readonly Route[], info: { version: string; serverUrl: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const spec = route.spec;
    if (!spec) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const status = String(spec.status ?? (route.method === 'POST' ? 201 : 200));
    const produces = spec.produces ?? 'application/json';
    const content = (schema: ZodType | undefined) =>
      schema
        ? { content: { [produces]: { schema: schemaOf(schema, 'output') } } }
        : produces !== 'application/json'
          ? { content: { [produces]: { schema: { type: 'string' } } } }
          : {};
    const agent = spec.auth === 'agent';
    const responses: Record<string, unknown> = {
      [status]: {
        description: spec.summary,
        ...content(spec.response),
        ...(agent ? { headers: { 'Idempotent-Replayed': { description: '`true` when this is the stored answer of an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } } } } : {}),
      },
    };
    for (const [other, schema] of Object.entries(spec.responses ?? {})) responses[other] = { description: spec.summary, ...content(schema) };
    responses.default = { description: 'An error: `{ code, message, details }`', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: route.handler.replace('.', '_'),
      parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query'), ...(agent ? INGEST_HEADERS : [])],
      responses,
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        ...(agent ? { description: 'JSON, optionally gzip-compressed (Content-Encoding: gzip); the size limit counts decompressed bytes.' } : {}),
        content: { 'application/json': { schema: schemaOf(spec.body, 'input') } },
      };
    }
    if (spec.auth === 'user') operation.security = [{ session: [] }, { apiToken: [] }];
    if (spec.auth === 'agent') operation.security = [{ agentToken: [] }];
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ratchet API',
      version: info.version,
      description: API_DESCRIPTION,
    },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'ratchet_session' },
        apiToken: { type: 'http', scheme: 'bearer', description: 'An API token (rat_...) from Settings → API tokens' },
        agentToken: { type: 'http', scheme: 'bearer', description: "A cluster's agent token (rag_...), ingest only" },
      },
      schemas: {
        Error: schemaOf(ErrorResponse, 'output'),
      },
    },
  };
}
