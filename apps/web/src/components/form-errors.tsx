/** A failed submit: the API's message and every field issue by its path (from the zod contract or the API). */
export function FormErrors({ fields, message }: { fields: Record<string, string>; message: string }) {
  const entries = Object.entries(fields).filter(([, text]) => text);
  if (!message && entries.length === 0) return null;
  return (
    <div className="alert" role="alert">
      {message}
      {entries.length > 0 ? (
        <ul style={{ margin: 0 }}>
          {entries.map(([path, text]) => (
            <li key={path}>
              {path || 'form'}: {text}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
