import type { EndpointRole } from '../http/endpoint.decorator.js';

/** Who is calling, resolved once per request by the auth guard. */
export type Actor =
  | { kind: 'user'; userId: string; sessionId: string; role: EndpointRole }
  | { kind: 'api-token'; tokenId: string; userId: string; role: EndpointRole }
  | { kind: 'agent'; tokenId: string; clusterId: string };

/** The tenant a request acts for; every service call takes it first. */
export interface TenantContext {
  orgId: string;
  actor: Actor;
  requestId: string;
}
