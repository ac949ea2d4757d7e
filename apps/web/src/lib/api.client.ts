'use client';

import { apiErrorOf } from './api-error';
import { ORG_HEADER } from './org.constant';

/**
 * Calls the API through this origin's `/api` forwarding, so the httpOnly session cookie goes along and the
 * browser's Origin reaches the API. Returns the parsed JSON (or null for 204); throws ApiError with the API's message.
 */
export async function apiSend(method: 'POST' | 'PATCH' | 'DELETE', path: string, body: unknown, orgId?: string): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (orgId) headers[ORG_HEADER] = orgId;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (!response.ok) throw await apiErrorOf(response);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : null;
}
