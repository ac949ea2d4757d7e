'use client';

import { useState, type FormEvent } from 'react';
import { ApiTokenCreated, CreateApiTokenRequest, type ApiToken } from '@ratchet/contracts';

import { AlertMessage } from '@/components/alert-message';
import { CodeBlock } from '@/components/copy-button';
import { DeleteButton } from '@/components/delete-button';
import { FormField } from '@/components/form-field';
import { TableHead } from '@/components/table-head';
import { apiSend } from '@/lib/api.client';
import { formatTime } from '@/lib/format.util';
import { checkedForm } from '@/lib/form.util';
import { useMutation } from '@/lib/use-mutation';

/** API tokens for scripts and CI: create (secret shown once), list, revoke. */
export function ApiTokensSection({ tokens, orgId }: { tokens: ApiToken[]; orgId: string }) {
  const mutation = useMutation();
  const [secret, setSecret] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    const result = await mutation.submitForm(
      event,
      (form) => {
        const daysField = form.get('expiresInDays');
        const days = typeof daysField === 'string' ? daysField : '';
        const parsed = CreateApiTokenRequest.safeParse({ name: form.get('tokenName'), access: form.get('access'), ...(days ? { expiresInDays: Number(days) } : {}) });
        return checkedForm(parsed, (errors) => ({ ...errors, tokenName: errors.name ?? '' }));
      },
      async (body) => ApiTokenCreated.parse(await apiSend('POST', '/api/v1/api-tokens', body, orgId)),
    );
    if (result) setSecret(result.secret);
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
          <TableHead columns={['Name', 'Access', 'Prefix', 'Last used', 'Expires']} />
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
                    <DeleteButton mutation={mutation} path={`/api/v1/api-tokens/${token.id}`} orgId={orgId} label={`Revoke token ${token.name}`}>
                      Revoke
                    </DeleteButton>
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
      <AlertMessage message={mutation.message} />
    </section>
  );
}
