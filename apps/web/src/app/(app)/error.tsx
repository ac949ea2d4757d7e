'use client';

// Errors the pages did not turn into a message themselves (the API's own errors are shown in place, with its words).
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="alert" role="alert">
      <strong>Something went wrong.</strong> {error.message}
      {error.digest ? <span className="small"> (reference {error.digest})</span> : null}{' '}
      <button type="button" className="btn small" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
