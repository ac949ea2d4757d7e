import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { currentSession } from '@/lib/api.server';
import { SignUpForm } from './signup-form';

export const metadata: Metadata = { title: 'Sign up' };

export default async function SignUpPage() {
  if (await currentSession()) redirect('/');
  return (
    <main className="auth panel" id="main">
      <h1>Create your Ratchet account</h1>
      <p className="muted">You become the owner of a new organization; invite your team from Settings.</p>
      <SignUpForm />
    </main>
  );
}
