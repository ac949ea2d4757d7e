import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import type { z } from 'zod';
import { Me } from '@ratchet/contracts';

import { webEnv } from '@/config/env';
import { ApiError, apiErrorOf } from './api-error';
import { ORG_COOKIE, ORG_HEADER } from './org.constant';

// Server components fetch the API directly (not through /api) with the browser's cookie, so the first paint has
// the data. Every response is parsed with its contract: a drift between API and dashboard fails loudly here.

async function callerHeaders(orgId?: string): Promise<Record<string, string>> {
  const [jar, incoming] = await Promise.all([cookies(), headers()]);
  const result: Record<string, string> = { accept: 'application/json' };
  const cookie = jar.toString();
  if (cookie) result.cookie = cookie;
  const forwardedFor = incoming.get('x-forwarded-for');
  if (forwardedFor) result['x-forwarded-for'] = forwardedFor;
  if (orgId) result[ORG_HEADER] = orgId;
  return result;
}

/** GETs `path` (with query) from the API and parses the body; throws ApiError with the API's message. */
export async function apiGet<Schema extends z.ZodType>(path: string, schema: Schema, orgId?: string): Promise<z.infer<Schema>> {
  const response = await fetch(`${webEnv().RATCHET_API_URL}${path}`, { headers: await callerHeaders(orgId), cache: 'no-store' });
  if (!response.ok) throw await apiErrorOf(response);
  return schema.parse(await response.json());
}

/** For a path that names one object: like apiGet, but a 404 (or a malformed id) renders the not-found page and a 401 sends the user to log in. */
export async function apiGetOrNotFound<Schema extends z.ZodType>(path: string, schema: Schema, orgId?: string): Promise<z.infer<Schema>> {
  try {
    return await apiGet(path, schema, orgId);
  } catch (error) {
    // A malformed id (400 on a path parameter) is as unknown as another tenant's id.
    if (error instanceof ApiError && (error.status === 404 || (error.status === 400 && error.code === 'validation_failed'))) notFound();
    if (error instanceof ApiError && error.status === 401) redirect('/login');
    throw error;
  }
}

export interface Session {
  me: Me;
  /** The organization this request acts in: the cookie's when the user is a member of it, else the first. */
  orgId: string;
  role: Me['memberships'][number]['role'];
}

/** The signed-in user (once per request); null when not signed in. */
export const currentSession = cache(async (): Promise<Session | null> => {
  let me: Me;
  try {
    me = await apiGet('/api/v1/me', Me);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
  const wanted = (await cookies()).get(ORG_COOKIE)?.value;
  const membership = me.memberships.find((m) => m.organization.id === wanted) ?? me.memberships[0];
  if (!membership) return { me, orgId: '', role: 'viewer' };
  return { me, orgId: membership.organization.id, role: membership.role };
});

/** The session, or a redirect to the login page. */
export async function requireSession(): Promise<Session> {
  const session = await currentSession();
  if (!session) redirect('/login');
  return session;
}

/** Builds `path?query` from defined values. */
export function withQuery(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
