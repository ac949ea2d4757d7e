import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

import type { EndpointSpec } from './endpoint.decorator.js';
import { ENDPOINT_METADATA } from './endpoint.decorator.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express-style path with the global prefix, e.g. `/api/v1/clusters/:clusterId`. */
  path: string;
  spec: EndpointSpec | undefined;
  handler: string;
}

const METHODS: Partial<Record<RequestMethod, Route['method']>> = {
  [RequestMethod.GET]: 'GET',
  [RequestMethod.POST]: 'POST',
  [RequestMethod.PUT]: 'PUT',
  [RequestMethod.PATCH]: 'PATCH',
  [RequestMethod.DELETE]: 'DELETE',
};

function join(...parts: string[]): string {
  const path = parts
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '')
    .join('/');
  return `/${path}`;
}

/**
 * Every route the application serves, read from Nest's own metadata: the single source for OpenAPI and for
 * the tenant-isolation test, so a new endpoint cannot be missing from either.
 */
export function routeTable(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector, globalPrefix: string): Route[] {
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const controllerPaths = [reflector.get<string | string[] | undefined>(PATH_METADATA, wrapper.metatype) ?? ''].flat();
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const methodPaths = reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
      const requestMethod = reflector.get<RequestMethod | undefined>(METHOD_METADATA, handler);
      if (methodPaths === undefined || requestMethod === undefined) continue;
      const method = METHODS[requestMethod];
      if (!method) continue;
      const spec = reflector.get<EndpointSpec | undefined>(ENDPOINT_METADATA, handler);
      for (const controllerPath of controllerPaths) {
        for (const methodPath of [methodPaths].flat()) {
          routes.push({ method, path: join(globalPrefix, controllerPath, methodPath), spec, handler: `${wrapper.name}.${name}` });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
