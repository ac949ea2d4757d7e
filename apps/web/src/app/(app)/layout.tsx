import { cookies } from 'next/headers';
import Link from 'next/link';
import type { ReactNode } from 'react';

import { AccountMenu } from '@/components/account-menu';
import { NavLink } from '@/components/nav-link';
import { ThemeSwitch } from '@/components/theme-switch';
import { requireSession } from '@/lib/api.server';
import { listClusters } from '@/lib/data.server';
import { THEME_COOKIE } from '@/lib/theme.constant';

// The signed-in shell: the sidebar lists the pages of the organization and each cluster's namespaces. Pages that
// of a cluster (what-if, coverage and drift) are reached from the cluster's page.
export default async function AppLayout({ children }: { children: ReactNode }) {
  const [session, jar] = await Promise.all([requireSession(), cookies()]);
  const theme = jar.get(THEME_COOKIE)?.value;
  const clusters = session.orgId ? await listClusters(session.orgId) : { items: [], nextCursor: null };
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link className="brand" href="/">
          Ratchet
        </Link>
        <nav className="nav" aria-label="Main">
          <NavLink href="/" exact>
            Overview
          </NavLink>
          {clusters.items.length > 0 ? <span className="group">Clusters</span> : null}
          {clusters.items.map((cluster) => (
            <NavLink key={cluster.id} href={`/clusters/${cluster.id}`}>
              {cluster.name}
            </NavLink>
          ))}
          <span className="group">Explore</span>
          <NavLink href="/findings">Findings</NavLink>
          <NavLink href="/audit-events">Audit events</NavLink>
          <span className="group">Organization</span>
          <NavLink href="/alerts">Alerts</NavLink>
          <NavLink href="/settings">Settings</NavLink>
        </nav>
        <div style={{ marginTop: 'auto' }}>
          <ThemeSwitch theme={theme === 'light' || theme === 'dark' ? theme : 'system'} />
        </div>
      </aside>
      <div className="main">
        <header className="topbar">
          <span className="muted small">{session.me.user.name}</span>
          <AccountMenu me={session.me} orgId={session.orgId} />
        </header>
        <main id="main">{children}</main>
      </div>
    </div>
  );
}
