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

/** OpenAPI 3.1 for every route with an Endpoint spec, built from the same zod contracts that validate requests. */
export function buildOpenApi(routes: readonly Route[], info: { version: string; serverUrl: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const spec = route.spec;
    if (!spec) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const status = String(spec.status ?? (route.method === 'POST' ? 201 : 200));
    const produces = spec.produces ?? 'application/json';
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: route.handler.replace('.', '_'),
      parameters: [...parametersOf(spec.params, 'path'), ...parametersOf(spec.query, 'query')],
      responses: {
        [status]: {
          description: spec.summary,
          ...(spec.response
            ? { content: { [produces]: { schema: schemaOf(spec.response, 'output') } } }
            : produces !== 'application/json'
              ? { content: { [produces]: { schema: { type: 'string' } } } }
              : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    if (spec.body) operation.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } };
    if (spec.auth === 'user') operation.security = [{ session: [] }, { apiToken: [] }];
    if (spec.auth === 'agent') operation.security = [{ agentToken: [] }];
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Ratchet API',
      version: info.version,
      description: 'Pod Security Standards readiness per namespace. Errors are `{ code, message, details }`.',
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
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
        },
      },
    },
  };
}
