// A loading state per page, not one for the whole shell: a boundary above the cluster pages would stream them
// with a 200 before they can answer 404.
export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="panel muted">
      Loading…
    </div>
  );
}
