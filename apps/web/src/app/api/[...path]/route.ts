import { webEnv } from '@/config/env';
import { ORG_HEADER } from '@/lib/org.constant';

// The one origin browsers see: `/api/*` is forwarded to the API as is. The API checks a cookie request's Origin
// against RATCHET_PUBLIC_URL (this app's URL) and reads the client's address from X-Forwarded-For, which it
// trusts from this process (RATCHET_TRUSTED_PROXIES), so both are passed on. Bodies stream both ways.

export const dynamic = 'force-dynamic';

// Hop-by-hop headers (RFC 9110 §7.6.1) and those fetch recomputes are not forwarded.
const DROPPED_REQUEST_HEADERS = ['host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length', 'expect', 'te'];
const DROPPED_RESPONSE_HEADERS = ['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length'];

async function forward(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await context.params;
  const incoming = new URL(request.url);
  const target = `${webEnv().RATCHET_API_URL}/api/${path.map(encodeURIComponent).join('/')}${incoming.search}`;
  const headers = new Headers(request.headers);
  for (const name of DROPPED_REQUEST_HEADERS) headers.delete(name);
  // Next's server sets X-Forwarded-For to the browser's address (appending to what a proxy in front sent).
  headers.set('x-forwarded-host', request.headers.get('host') ?? incoming.host);
  headers.set('x-forwarded-proto', incoming.protocol.replace(':', ''));
  // Plain links (CSV exports) cannot send a header: they act in the organization the user switched to (the
  // ratchet_org cookie, ORG_COOKIE).
  if (!headers.has(ORG_HEADER)) {
    const org = /(?:^|;\s*)ratchet_org=([0-9a-f-]{36})(?:;|$)/i.exec(request.headers.get('cookie') ?? '')?.[1];
    if (org) headers.set(ORG_HEADER, org);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      redirect: 'manual',
      cache: 'no-store',
      signal: request.signal,
      // Node's fetch needs `duplex: 'half'` to stream a request body; DOM's RequestInit does not know it yet.
      ...(hasBody ? { duplex: 'half' } : {}),
    });
  } catch {
    return Response.json({ code: 'unavailable', message: 'the API cannot be reached', details: {} }, { status: 502 });
  }
  const responseHeaders = new Headers();
  upstream.headers.forEach((value, name) => {
    if (name !== 'set-cookie' && !DROPPED_RESPONSE_HEADERS.includes(name)) responseHeaders.set(name, value);
  });
  // Several cookies are several headers: Headers.forEach would join them into one.
  for (const cookie of upstream.headers.getSetCookie()) responseHeaders.append('set-cookie', cookie);
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders });
}

export { forward as GET, forward as POST, forward as PUT, forward as PATCH, forward as DELETE, forward as HEAD, forward as OPTIONS };
