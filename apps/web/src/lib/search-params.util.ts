/** A page's search params as single strings (the first value of a repeated one), empty values dropped. */
export function singleParams(params: Record<string, string | string[] | undefined>, allowed: readonly string[]): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const key of allowed) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== undefined && value !== '') result[key] = value;
  }
  return result;
}
