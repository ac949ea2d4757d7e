/** A Pod Security Standards level, from least to most restrictive. */
export type Level = 'privileged' | 'baseline' | 'restricted';

export const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

export class PssInputError extends Error {
  override readonly name = 'PssInputError';
}

export function isLevel(value: unknown): value is Level {
  return value === 'privileged' || value === 'baseline' || value === 'restricted';
}

export function parseLevel(value: string): Level {
  if (isLevel(value)) return value;
  throw new PssInputError(`invalid level ${JSON.stringify(value)}: must be one of privileged, baseline, restricted`);
}

/** Orders levels so that a stricter level compares greater. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}
