import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';

import { AppError } from '../../common/errors/app-error.js';
import type { RatchetRequest } from '../../common/http/validated-request.js';

// The ingest body parser (create-app.ts) reads application/json only; any other body would reach validation
// unread and be reported as missing fields instead of the wrong format it is.
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/** Answers 415 to an ingest request whose body is not `application/json` (gzip-encoded or not). */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const contentType = context.switchToHttp().getRequest<RatchetRequest>().headers['content-type'];
    if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
      throw new AppError(
        'unsupported_media_type',
        `send the batch as JSON with Content-Type: application/json (optionally Content-Encoding: gzip); got ${contentType === undefined ? 'no Content-Type' : JSON.stringify(contentType.slice(0, 100))}`,
      );
    }
    return true;
  }
}
