/** Exponential backoff: 1 s doubling to `maxMs`, with full jitter (AWS architecture blog) so agents spread out. */
export function backoffDelay(attempt: number, random: () => number = Math.random, baseMs = 1000, maxMs = 5 * 60_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
