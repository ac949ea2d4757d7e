'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { SignUpRequest } from '@ratchet/contracts';

import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { submitErrors, zodFieldErrors } from '@/lib/form.util';

export function SignUpForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = SignUpRequest.safeParse(Object.fromEntries(['name', 'email', 'password', 'organizationName'].map((key) => [key, form.get(key)])));
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setBusy(true);
    setErrors({});
    setMessage('');
    try {
      await apiSend('POST', '/api/v1/auth/signup', parsed.data);
      router.push('/');
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
