import type { AuditEventSummary } from '@ratchet/contracts';

import { formatTime } from '@/lib/format.util';

/** Audit-mode violations: when, which object, who made the request, and the checks in PSA's own words. */
export function AuditEventsTable({ events, showNamespace = true, caption }: { events: AuditEventSummary[]; showNamespace?: boolean; caption: string }) {
  return (
    <table className="data">
      <caption className="small muted" style={{ textAlign: 'left' }}>
        {caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          {showNamespace ? <th scope="col">Cluster / namespace</th> : null}
          <th scope="col">Object</th>
          <th scope="col">Created by</th>
          <th scope="col">Policy</th>
          <th scope="col">Violations</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id}>
            <td className="small">{formatTime(event.time)}</td>
            {showNamespace ? (
              <td className="small">
                {event.clusterName} / {event.namespace}
              </td>
            ) : null}
            <td className="small mono">
              {event.verb} {event.objectRef.resource}/{event.objectRef.name ?? '(generated name)'}
              {event.dryRun ? <div className="muted">dry run</div> : null}
              {event.responseCode ? <div className="muted">HTTP {event.responseCode}</div> : null}
            </td>
            <td className="small mono">
              {event.user.username}
              {event.impersonatedUser ? <div className="muted">as {event.impersonatedUser.username}</div> : null}
            </td>
            <td className="small">{event.level ? `${event.level}:${event.version ?? 'latest'}` : 'unreadable'}</td>
            <td className="small">
              {event.unparsed ? (
                <span>
                  Unparsed annotation: <span className="mono">{event.auditViolations}</span> ({event.parseError})
                </span>
              ) : (
                <ul style={{ margin: 0, paddingLeft: 16 }}>
                  {event.checks.map((check, index) => (
                    <li key={index}>
                      {check.reason}
                      {check.detail ? ` (${check.detail})` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
