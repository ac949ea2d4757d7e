'use client';

import { useState, type FormEvent } from 'react';
import { ApiTokenCreated, CreateApiTokenRequest, type ApiToken } from '@ratchet/contracts';

import { CodeBlock } from '@/components/copy-button';
import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { formatTime } from '@/lib/format.util';
import { zodFieldErrors } from '@/lib/form.util';
import { useMutation } from '@/lib/use-mutation';

/** API tokens for scripts and CI: create (secret shown once), list, revoke. */
export function ApiTokensSection({ tokens, orgId }: { tokens: ApiToken[]; orgId: string }) {
  const mutation = useMutation();
  const [secret, setSecret] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const daysField = form.get('expiresInDays');
    const days = typeof daysField === 'string' ? daysField : '';
    const parsed = CreateApiTokenRequest.safeParse({ name: form.get('tokenName'), access: form.get('access'), ...(days ? { expiresInDays: Number(days) } : {}) });
    if (!parsed.success) {
      const errors = zodFieldErrors(parsed.error);
      mutation.setFields({ ...errors, tokenName: errors.name ?? '' });
      return;
    }
    const result = await mutation.run(async () => ApiTokenCreated.parse(await apiSend('POST', '/api/v1/api-tokens', parsed.data, orgId)));
    if (result) {
      formElement.reset();
      setSecret(result.secret);
    }
  }

  return (
    <section className="panel" id="api-tokens" aria-labelledby="tokens-title">
      <h2 id="tokens-title" style={{ marginTop: 0 }}>
        API tokens
      </h2>
      {secret ? (
        <div className="notice" role="status">
          <p style={{ margin: 0 }}>Copy the token now: it is shown this once.</p>
          <CodeBlock label="API token" code={secret} />
        </div>
      ) : null}
      {tokens.length > 0 ? (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Access</th>
              <th scope="col">Prefix</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="skip-text">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tokens.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{token.access}</td>
                <td className="mono">{token.prefix}…</td>
                <td>{formatTime(token.lastUsedAt)}</td>
                <td>{token.revokedAt ? `revoked ${formatTime(token.revokedAt)}` : formatTime(token.expiresAt)}</td>
                <td>
                  {token.revokedAt ? null : (
                    <button
                      type="button"
                      className="btn small danger"
                      disabled={mutation.busy}
                      aria-label={`Revoke token ${token.name}`}
                      onClick={() => void mutation.run(() => apiSend('DELETE', `/api/v1/api-tokens/${token.id}`, undefined, orgId))}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No API token yet.</p>
      )}
      <form onSubmit={(event) => void submit(event)} noValidate className="row" style={{ alignItems: 'end', marginTop: 12 }}>
        <FormField id="tokenName" label="Token name" required error={mutation.fields.tokenName || mutation.fields.name} />
        <div>
          <label htmlFor="access">Access</label>
          <select id="access" name="access" defaultValue="read-only">
            <option value="read-only">read-only</option>
            <option value="read-write">read-write</option>
          </select>
        </div>
        <FormField id="expiresInDays" label="Expires in days (optional)" type="number" min={1} max={365} error={mutation.fields.expiresInDays} />
        <button className="btn primary" type="submit" disabled={mutation.busy}>
          Create token
        </button>
      </form>
      {mutation.message ? (
        <div className="alert" role="alert">
          {mutation.message}
        </div>
      ) : null}
    </section>
  );
}
