import { randomBytes } from 'node:crypto';

const MAX_SLUG_LENGTH = 48;

/** A URL-safe slug for an organization name: `Acme Platform Team` → `acme-platform-team`. */
export function organizationSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? 'org' : slug;
}

/**
 * The slug to try on the given attempt: the plain slug first, then with a random suffix. Other tenants' slugs
 * are invisible under row-level security, so uniqueness is found out by inserting.
 */
export function slugCandidate(name: string, attempt: number): string {
  const slug = organizationSlug(name);
  return attempt === 0 ? slug : `${slug}-${randomBytes(3).toString('hex')}`;
}
