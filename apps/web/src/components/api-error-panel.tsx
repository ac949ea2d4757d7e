import type { ApiError } from '@/lib/api-error';

/** An API failure as the API worded it, with its code. */
export function ApiErrorPanel({ error, what }: { error: Pick<ApiError, 'message' | 'code' | 'status'>; what: string }) {
  return (
    <div className="alert" role="alert">
      <strong>Could not load {what}.</strong> {error.message} <span className="small">({error.code}, HTTP {error.status})</span>
    </div>
  );
}
