'use client';

import { useRouter } from 'next/navigation';

/** Light, dark or the OS's theme, kept in a cookie so the server renders the first paint in it. */
export function ThemeSwitch({ theme }: { theme: 'light' | 'dark' | 'system' }) {
  const router = useRouter();
  return (
    <label className="small" style={{ fontWeight: 400 }}>
      Theme{' '}
      <select
        aria-label="Theme"
        defaultValue={theme}
        onChange={(event) => {
          const value = event.target.value;
          document.cookie = value === 'system' ? 'ratchet_theme=; path=/; max-age=0' : `ratchet_theme=${value}; path=/; max-age=31536000; samesite=lax`;
          if (value === 'system') delete document.documentElement.dataset.theme;
          else document.documentElement.dataset.theme = value;
          router.refresh();
        }}
      >
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </label>
  );
}
