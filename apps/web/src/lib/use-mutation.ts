'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

import { submitErrors } from '@/lib/form.util';

/** Runs a change through the API, then re-renders the server data; keeps the API's message and field issues. */
export function useMutation() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setMessage('');
    setFields({});
    try {
      const result = await action();
      router.refresh();
      return result;
    } catch (error) {
      const errors = submitErrors(error);
      setMessage(errors.message);
      setFields(errors.fields);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, message, fields, setFields, run };
}
