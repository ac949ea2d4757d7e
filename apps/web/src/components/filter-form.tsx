import Link from 'next/link';
import type { ReactNode } from 'react';

/**
 * A GET form: submitting puts the filters in the URL, so the server renders the filtered page and the view can be
 * shared. Works without JavaScript.
 */
export function FilterForm({ action, children, label }: { action: string; children: ReactNode; label: string }) {
  return (
    <form action={action} method="get" className="filters" role="search" aria-label={label}>
      {children}
      <button className="btn primary" type="submit">
        Apply
      </button>
      <Link className="btn" href={action}>
        Reset
      </Link>
    </form>
  );
}

export function SelectFilter({ id, label, value, options }: { id: string; label: string; value: string | undefined; options: readonly (string | { value: string; label: string })[] }) {
  return (
    <div>
      <label htmlFor={`f-${id}`}>{label}</label>
      <select id={`f-${id}`} name={id} defaultValue={value ?? ''}>
        <option value="">Any</option>
        {options.map((option) => {
          const { value: optionValue, label: optionLabel } = typeof option === 'string' ? { value: option, label: option } : option;
          return (
            <option key={optionValue} value={optionValue}>
              {optionLabel}
            </option>
          );
        })}
      </select>
    </div>
  );
}

export function TextFilter({ id, label, value, type = 'text' }: { id: string; label: string; value: string | undefined; type?: string }) {
  return (
    <div>
      <label htmlFor={`f-${id}`}>{label}</label>
      <input id={`f-${id}`} name={id} type={type} defaultValue={value ?? ''} />
    </div>
  );
}

/** Cursor pagination: the next page keeps every filter; "first page" drops the cursor. */
export function Pager({ path, query, nextCursor }: { path: string; query: Record<string, string | undefined>; nextCursor: string | null }) {
  const base = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '' && entry[0] !== 'cursor'));
  const next = new URLSearchParams(base);
  if (nextCursor) next.set('cursor', nextCursor);
  return (
    <nav className="pager" aria-label="Pagination">
      {query.cursor ? (
        <Link className="btn" href={`${path}?${base.toString()}`}>
          First page
        </Link>
      ) : null}
      {nextCursor ? (
        <Link className="btn" href={`${path}?${next.toString()}`} rel="next">
          Next page
        </Link>
      ) : (
        <span className="small muted">Last page</span>
      )}
    </nav>
  );
}
