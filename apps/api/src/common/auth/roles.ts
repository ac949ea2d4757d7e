import type { EndpointRole } from '../http/endpoint.decorator.js';

const RANK: Record<EndpointRole, number> = { viewer: 0, admin: 1, owner: 2 };

export function hasRole(actual: EndpointRole, required: EndpointRole): boolean {
  return RANK[actual] >= RANK[required];
}
