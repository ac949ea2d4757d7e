'use client';

import type { ReactNode } from 'react';

import { apiSend } from '@/lib/api.client';
import type { Mutation } from '@/lib/use-mutation';

/**
 * A row's destructive action: sends `DELETE path` for the organization through the section's mutation, so the
 * section's busy state and error message cover it. `label` names the row for screen readers.
 */
export function DeleteButton({ mutation, path, orgId, label, children }: { mutation: Mutation; path: string; orgId: string; label: string; children: ReactNode }) {
  return (
    <button type="button" className="btn small danger" disabled={mutation.busy} aria-label={label} onClick={() => void mutation.run(() => apiSend('DELETE', path, undefined, orgId))}>
      {children}
    </button>
  );
}
