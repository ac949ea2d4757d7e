'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { AcceptInvitationRequest, InvitationAccepted } from '@ratchet/contracts';

import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { submitErrors, zodFieldErrors } from '@/lib/form.util';
import { ORG_COOKIE } from '@/lib/org.constant';

/** Accepts an invitation: a signed-in user with the token alone, someone new with an account to create. */
export function AcceptForm({ token, signedInAs }: { token: string; signedInAs: string | null }) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = signedInAs ? { token } : { token, email: form.get('email'), name: form.get('name'), password: form.get('password') };
    const parsed = AcceptInvitationRequest.safeParse(body);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setBusy(true);
    setMessage('');
    try {
      const accepted = InvitationAccepted.parse(await apiSend('POST', '/api/v1/invitations/accept', parsed.data));
      document.cookie = `${ORG_COOKIE}=${accepted.organization.id}; path=/; max-age=31536000; samesite=lax`;
      router.push(accepted.accountCreated && !signedInAs ? '/login?joined=1' : '/');
      router.refresh();
    } catch (error) {
      const { fields, message: text } = submitErrors(error);
      setErrors(fields);
      setMessage(text);
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      {message ? (
        <div className="alert" role="alert">
          {message}
        </div>
      ) : null}
      {errors.token ? <div className="alert">{errors.token}</div> : null}
      {signedInAs ? (
        <p>
          You are signed in as <strong>{signedInAs}</strong>; the organization is added to your account.
        </p>
      ) : (
        <>
          <p className="muted">Create your account with the address the invitation was sent to.</p>
          <FormField id="email" label="Email" type="email" autoComplete="email" required error={errors.email} />
          <FormField id="name" label="Your name" autoComplete="name" required error={errors.name} />
          <FormField id="password" label="Password (at least 12 characters)" type="password" autoComplete="new-password" required error={errors.password} />
        </>
      )}
      <p>
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Joining…' : 'Accept invitation'}
        </button>
      </p>
    </form>
  );
}
