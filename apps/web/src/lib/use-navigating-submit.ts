'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

import { submitErrors, type CheckedForm } from '@/lib/form.util';

/**
 * The submit of a form that leaves the page when it succeeds (log in, sign up, accept an invitation): `check`
 * reads the form, `send` posts the body and answers where to go. Stays busy while the next page loads, so the
 * button cannot send twice; a failure shows the API's message and its field issues by field id.
 */
export function useNavigatingSubmit<B>(check: (form: FormData) => CheckedForm<B>, send: (body: B) => Promise<string>) {
  const router = useRouter();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = check(new FormData(event.currentTarget));
    if ('fields' in checked) {
      setErrors(checked.fields);
      return;
    }
    setBusy(true);
    setErrors({});
    setMessage('');
    try {
      router.push(await send(checked.data));
      router.refresh();
    } catch (error) {
      const failed = submitErrors(error);
      setErrors(failed.fields);
      setMessage(failed.message);
      setBusy(false);
    }
  }

  return { errors, message, busy, onSubmit: (event: FormEvent<HTMLFormElement>) => void submit(event) };
}
