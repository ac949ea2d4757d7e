'use client';

import { useState } from 'react';

/** Copies `text` to the clipboard and says so (in a live region, for screen readers too). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <span className="row">
      <button
        type="button"
        className="btn small"
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setState('copied'),
            () => setState('failed'),
          );
        }}
      >
        {label}
      </button>
      <span role="status" className="small muted">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text instead' : ''}
      </span>
    </span>
  );
}

/** A code block with a copy button. */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div>
      <div className="spread">
        <span className="small muted">{label}</span>
        <CopyButton text={code} label={`Copy ${label.toLowerCase()}`} />
      </div>
      <pre>
        <code>{code}</code>
      </pre>
    </div>
  );
}
