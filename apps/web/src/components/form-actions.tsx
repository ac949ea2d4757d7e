/** A create-or-edit form's buttons: submit (disabled while the request runs) and, when editing, Cancel. */
export function FormActions({ submitLabel, busy, onCancel }: { submitLabel: string; busy: boolean; onCancel?: (() => void) | undefined }) {
  return (
    <div className="row" style={{ marginTop: 8 }}>
      <button className="btn primary" type="submit" disabled={busy}>
        {submitLabel}
      </button>
      {onCancel ? (
        <button className="btn" type="button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}
