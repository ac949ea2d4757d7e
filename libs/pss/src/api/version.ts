import { PssInputError } from './level.js';

/**
 * A policy version as written in a namespace label: `latest` or `v1.<minor>`.
 * `label` keeps the text the user wrote, because PSA prints the unclamped label in its messages.
 */
export interface PolicyVersion {
  readonly label: string;
  /** `Infinity` for `latest`. */
  readonly minor: number;
}

/** The newest minor any check is registered at; evaluations above it are clamped here. */
export const MAX_MINOR = 37;

export const LATEST: PolicyVersion = Object.freeze({ label: 'latest', minor: Number.POSITIVE_INFINITY });

// Same grammar as upstream api.ParseVersion: major must be 1, no leading zeros in the minor.
const VERSION_PATTERN = /^v1\.(0|[1-9][0-9]*)$/;
// A v0.x predates Pod Security; anything else malformed, v2.x included, gets the general message.
const PRE_V1_PATTERN = /^v0\.(0|[1-9][0-9]*)$/;

export function parseVersion(value: string): PolicyVersion {
  if (value === 'latest') return LATEST;
  const match = VERSION_PATTERN.exec(value);
  if (match) return { label: value, minor: Number(match[1]) };
  if (PRE_V1_PATTERN.test(value)) {
    throw new PssInputError(`invalid version ${JSON.stringify(value)}: Pod Security versions start at v1.0`);
  }
  throw new PssInputError(`invalid version ${JSON.stringify(value)}: must be "latest" or "v1.<minor>", e.g. v1.30`);
}

/** The minor the evaluator actually runs, after clamping to the newest registered version. */
export function effectiveMinor(version: PolicyVersion): number {
  return version.minor > MAX_MINOR ? MAX_MINOR : version.minor;
}
