import type { Metadata } from 'next';

import { currentSession } from '@/lib/api.server';
import { AcceptForm } from './accept-form';

export const metadata: Metadata = { title: 'Accept invitation' };

export default async function AcceptInvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const [{ token }, session] = await Promise.all([params, currentSession()]);
  return (
    <main className="auth panel" id="main">
      <h1>Join an organization on Ratchet</h1>
      <AcceptForm token={token} signedInAs={session?.me.user.email ?? null} />
    </main>
  );
}
