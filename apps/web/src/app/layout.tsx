import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';

import { THEME_COOKIE } from '@/lib/theme.constant';
import './globals.css';

export const metadata: Metadata = { title: { default: 'Ratchet', template: '%s · Ratchet' }, description: 'Pod Security Standards readiness, namespace by namespace.' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The theme is read on the server so the first paint is already in it (no flash); absent: the OS's.
  const theme = (await cookies()).get(THEME_COOKIE)?.value;
  return (
    <html lang="en" data-theme={theme === 'light' || theme === 'dark' ? theme : undefined}>
      <body>{children}</body>
    </html>
  );
}
