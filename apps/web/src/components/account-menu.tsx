'use client';

import { useRouter } from 'next/navigation';
import { DropdownMenu } from 'radix-ui';
import type { Me } from '@ratchet/contracts';

import { apiSend } from '@/lib/api.client';
import { ORG_COOKIE } from '@/lib/org.constant';

/** The signed-in user's menu: switch organization (when in several), log out. */
export function AccountMenu({ me, orgId }: { me: Me; orgId: string }) {
  const router = useRouter();
  const current = me.memberships.find((m) => m.organization.id === orgId);
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="btn" aria-label={`Account: ${me.user.email}, organization ${current?.organization.name ?? 'none'}`}>
        <span>{current?.organization.name ?? 'No organization'}</span>
        <span className="muted small">({current?.role ?? '—'})</span>
        <span aria-hidden="true">▾</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
          <DropdownMenu.Label className="label">Signed in as {me.user.email}</DropdownMenu.Label>
          {me.memberships.length > 1 ? (
            <>
              <DropdownMenu.Label className="label">Organization</DropdownMenu.Label>
              <DropdownMenu.RadioGroup
                value={orgId}
                onValueChange={(value) => {
                  document.cookie = `${ORG_COOKIE}=${value}; path=/; max-age=31536000; samesite=lax`;
                  router.push('/');
                  router.refresh();
                }}
              >
                {me.memberships.map((m) => (
                  <DropdownMenu.RadioItem key={m.organization.id} value={m.organization.id}>
                    <DropdownMenu.ItemIndicator>✓</DropdownMenu.ItemIndicator>
                    {m.organization.name} <span className="muted small">{m.role}</span>
                  </DropdownMenu.RadioItem>
                ))}
              </DropdownMenu.RadioGroup>
              <DropdownMenu.Separator style={{ height: 1, background: 'var(--border)', margin: 4 }} />
            </>
          ) : null}
          <DropdownMenu.Item
            onSelect={() => {
              void apiSend('POST', '/api/v1/auth/logout', undefined).finally(() => {
                router.push('/login');
                router.refresh();
              });
            }}
          >
            Log out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
