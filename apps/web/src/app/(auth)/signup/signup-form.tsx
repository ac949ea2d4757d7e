'use client';

import Link from 'next/link';
import { SignUpRequest } from '@ratchet/contracts';

import { AlertMessage } from '@/components/alert-message';
import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { checkedForm } from '@/lib/form.util';
import { useNavigatingSubmit } from '@/lib/use-navigating-submit';

export function SignUpForm() {
  const { errors, message, busy, onSubmit } = useNavigatingSubmit(
    (form) => checkedForm(SignUpRequest.safeParse(Object.fromEntries(['name', 'email', 'password', 'organizationName'].map((key) => [key, form.get(key)])))),
    async (body) => {
      await apiSend('POST', '/api/v1/auth/signup', body);
      return '/';
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate>
      <AlertMessage message={message} />
      <FormField id="name" label="Your name" autoComplete="name" required error={errors.name} />
      <FormField id="email" label="Email" type="email" autoComplete="email" required error={errors.email} />
      <FormField id="password" label="Password (at least 12 characters)" type="password" autoComplete="new-password" required error={errors.password} />
      <FormField id="organizationName" label="Organization name" autoComplete="organization" required error={errors.organizationName} />
      <p>
        <button className="btn primary" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </p>
      <p className="small">
        Already have an account? <Link href="/login">Log in</Link>
      </p>
    </form>
  );
}
