'use client';

import Link from 'next/link';
import { LoginRequest } from '@ratchet/contracts';

import { AlertMessage } from '@/components/alert-message';
import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { checkedForm } from '@/lib/form.util';
import { useNavigatingSubmit } from '@/lib/use-navigating-submit';

export function LoginForm() {
  const { errors, message, busy, onSubmit } = useNavigatingSubmit(
    (form) => checkedForm(LoginRequest.safeParse({ email: form.get('email'), password: form.get('password') })),
    async (body) => {
      await apiSend('POST', '/api/v1/auth/login', body);
      return '/';
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <AlertMessage message={message} />
      <FormField id="email" label="Email" type="email" autoComplete="email" required error={errors.email} />
      <FormField id="password" label="Password" type="password" autoComplete="current-password" required error={errors.password} />
      <p>
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </p>
      <p className="small">
        No account? <Link href="/signup">Sign up</Link>
      </p>
    </form>
  );
}
