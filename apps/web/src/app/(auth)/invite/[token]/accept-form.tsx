'use client';

import { AcceptInvitationRequest, InvitationAccepted } from '@ratchet/contracts';

import { AlertMessage } from '@/components/alert-message';
import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { checkedForm } from '@/lib/form.util';
import { useNavigatingSubmit } from '@/lib/use-navigating-submit';
import { ORG_COOKIE } from '@/lib/org.constant';

/** Accepts an invitation: a signed-in user with the token alone, someone new with an account to create. */
export function AcceptForm({ token, signedInAs }: { token: string; signedInAs: string | null }) {
  const { errors, message, busy, onSubmit } = useNavigatingSubmit(
    (form) =>
      checkedForm(AcceptInvitationRequest.safeParse(signedInAs ? { token } : { token, email: form.get('email'), name: form.get('name'), password: form.get('password') })),
    async (body) => {
      const accepted = InvitationAccepted.parse(await apiSend('POST', '/api/v1/invitations/accept', body));
      document.cookie = `${ORG_COOKIE}=${accepted.organization.id}; path=/; max-age=31536000; samesite=lax`;
      return accepted.accountCreated && !signedInAs ? '/login?joined=1' : '/';
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <AlertMessage message={message} />
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
