/** An API answer that was not 2xx, with the API's `{ code, message, details }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = {},
  ) {
    super(message);
  }
}

/** Reads the API's error body; a body that is not one still gives a readable message. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; details?: unknown };
    if (typeof body.message === 'string') return new ApiError(response.status, typeof body.code === 'string' ? body.code : 'error', body.message, body.details ?? {});
  } catch {
    // not JSON
  }
  return new ApiError(response.status, 'error', text.slice(0, 200) || `HTTP ${response.status}`);
}

/**
 * The field issues of a validation error, keyed by the field's path in the request body (`config.url`): the API
 * answers a dotted string (`body.config.url`, the contracts' FieldIssue), whose `body.` prefix is dropped so the
 * keys match the contract paths a form checks with in the browser.
 */
export function fieldIssues(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const issues = (error.details as { issues?: { path?: string | (string | number)[]; message?: string }[] } | undefined)?.issues ?? [];
  return Object.fromEntries(
    issues.map((issue) => {
      const path = Array.isArray(issue.path) ? issue.path.join('.') : (issue.path ?? '');
      return [path.replace(/^body(\.|$)/, ''), issue.message ?? 'invalid'];
    }),
  );
}
