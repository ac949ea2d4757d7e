import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { currentSession } from '@/lib/api.server';
import { LoginForm } from './login-form';

export const metadata: Metadata = { title: 'Log in' };

export default async function LoginPage() {
  if (await currentSession()) redirect('/');
  return (
    <main className="auth panel" id="main">
      <h1>Log in to Ratchet</h1>
      <LoginForm />
    </main>
  );
}
