import { createHash } from 'node:crypto';

import { configure } from 'safe-stable-stringify';

import type { PodProjection } from './pod-projection.types.js';

// Keys sorted at every level; anything that is not plain JSON throws rather than hashing differently.
const canonicalJson = configure({ deterministic: true, strict: true, bigint: false, circularValue: TypeError });

/**
 * sha256 (hex) of a projection's security content: its annotations and spec, in canonical JSON. Identity
 * (name, namespace, uid, owners) is left out, so every replica of one template shares a hash and an
 * unchanged template is sent once.
 */
export function projectionHash(projection: PodProjection): string {
  const content = canonicalJson({ annotations: projection.metadata.annotations ?? {}, spec: projection.spec });
  if (content === undefined) throw new TypeError('a pod projection must serialize to JSON');
  return createHash('sha256').update(content).digest('hex');
}
