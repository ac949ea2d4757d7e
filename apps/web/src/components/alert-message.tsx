/** A failed action's message (from the API or the network), announced to screen readers; nothing when empty. */
export function AlertMessage({ message }: { message: string }) {
  if (!message) return null;
  return (
    <div className="alert" role="alert">
      {message}
    </div>
  );
}
