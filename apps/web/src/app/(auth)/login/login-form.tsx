'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { LoginRequest } from '@ratchet/contracts';

import { FormField } from '@/components/form-field';
import { apiSend } from '@/lib/api.client';
import { submitErrors, zodFieldErrors } from '@/lib/form.util';

export function LoginForm() {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = LoginRequest.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setBusy(true);
    setErrors({});
    setMessage('');
    try {
      await apiSend('POST', '/api/v1/auth/login', parsed.data);
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
