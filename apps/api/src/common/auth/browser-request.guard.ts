import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { API_CONFIG } from '../../config/api-config.js';
import type { ApiConfig } from '../../config/api-config.js';
import { AppError } from '../errors/app-error.js';
import type { EndpointSpec } from '../http/endpoint.decorator.js';
import { ENDPOINT_METADATA } from '../http/endpoint.decorator.js';
import type { RatchetRequest } from '../http/validated-request.js';
import { readSessionCookie } from './session-cookie.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

function hasBody(request: RatchetRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/**
 * Cross-site request forgery defence for what a browser sends on its own (a cookie), before authentication:
 * a state-changing request not authenticated by an Authorization header
 * - with a body must send it as `application/json` (415 otherwise): an HTML form cannot, and a cross-site script
 *   cannot without a CORS preflight this API never grants;
 * - with an `Origin` must come from RATCHET_PUBLIC_URL (403 otherwise);
 * - signed in by the session cookie must carry an `Origin` at all: browsers send one on every such request.
 * Tokens in an Authorization header are never sent by a browser on its own, so their requests pass.
 */
@Injectable()
export class BrowserRequestGuard implements CanActivate {
  private readonly publicOrigin: string;

  constructor(
    private readonly reflector: Reflector,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.publicOrigin = new URL(config.RATCHET_PUBLIC_URL).origin;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RatchetRequest>();
    if (SAFE_METHODS.has(request.method) || request.headers.authorization !== undefined) return true;
    const contentType = request.headers['content-type'];
    if (hasBody(request) && (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType))) {
      throw new AppError('unsupported_media_type', 'send the request body as JSON with Content-Type: application/json');
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (origin !== this.publicOrigin) throw new AppError('forbidden', `requests from ${JSON.stringify(origin.slice(0, 200))} are not accepted; this API's origin is ${this.publicOrigin}`);
      return true;
    }
    const spec = this.reflector.get<EndpointSpec | undefined>(ENDPOINT_METADATA, context.getHandler());
    const cookieAuthenticated = (spec?.auth === 'user' || spec?.auth === 'account') && readSessionCookie(request.headers.cookie) !== undefined;
    if (cookieAuthenticated) {
      throw new AppError('forbidden', `a request signed in with the session cookie must carry Origin: ${this.publicOrigin}; scripts should use an API token`);
    }
    return true;
  }
}
