'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

import { submitErrors, type CheckedForm } from '@/lib/form.util';

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
  /**
   * A create form's submit: `check` reads the form (field errors stop it here), `action` sends the body; the
   * form is emptied once the change succeeded. Answers the action's result, undefined when nothing was saved.
   */
  async function submitForm<B, T>(event: FormEvent<HTMLFormElement>, check: (form: FormData) => CheckedForm<B>, action: (body: B) => Promise<T>): Promise<T | undefined> {
    event.preventDefault();
    const formElement = event.currentTarget;
    const checked = check(new FormData(formElement));
    if ('fields' in checked) {
      setFields(checked.fields);
      return undefined;
    }
    const result = await run(() => action(checked.data));
    if (result) formElement.reset();
    return result;
  }
  return { busy, message, fields, setFields, run, submitForm };
}

export type Mutation = ReturnType<typeof useMutation>;
