'use client';

import { useEffect, useState } from 'react';
import { WhatIfResult } from '@ratchet/contracts';

import { ApiErrorPanel } from '@/components/api-error-panel';
import { CodeBlock } from '@/components/copy-button';
import { ApiError, apiErrorOf } from '@/lib/api-error';
import { ORG_HEADER } from '@/lib/org.constant';
import type { WhatIfChoice } from './what-if.util';

type State =
  | { kind: 'loading' }
  | { kind: 'queued'; message: string; retryIn: number; attempt: number }
  | { kind: 'error'; error: ApiError }
  | { kind: 'done'; result: WhatIfResult };

/** Workloads rendered at once; the counts above always cover all of them. */
const SHOWN = 200;

/**
 * Runs the what-if in the browser (a POST through this origin, so the session cookie and Origin check apply). A 503
 * means the API queued the evaluation for the worker: shown as such and retried after its Retry-After; a 409 (no
 * heartbeat yet, so `latest` is unknown) and every other error show the API's message.
 */
export function WhatIfResults({ clusterId, orgId, choice }: { clusterId: string; orgId: string; choice: WhatIfChoice }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    void (async () => {
      try {
        const response = await fetch(`/api/v1/clusters/${clusterId}/what-if`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', [ORG_HEADER]: orgId },
          body: JSON.stringify({ level: choice.level, version: choice.version, namespaces: choice.namespaces }),
          credentials: 'same-origin',
          signal: controller.signal,
        });
        if (response.status === 503) {
          const error = await apiErrorOf(response);
          const hinted = Number(response.headers.get('retry-after')) || Number((error.details as { retryAfterSeconds?: unknown }).retryAfterSeconds) || 5;
          const retryIn = Math.min(30, Math.max(1, hinted));
          setState({ kind: 'queued', message: error.message, retryIn, attempt });
          timer = setTimeout(() => setAttempt((n) => n + 1), retryIn * 1000);
          return;
        }
        if (!response.ok) {
          setState({ kind: 'error', error: await apiErrorOf(response) });
          return;
        }
        setState({ kind: 'done', result: WhatIfResult.parse(await response.json()) });
      } catch (error) {
        if (controller.signal.aborted) return;
        setState({ kind: 'error', error: new ApiError(0, 'network', error instanceof Error ? error.message : String(error)) });
      }
    })();
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [clusterId, orgId, choice, attempt]);

  const subject = `${choice.namespaces === 'all' ? 'every namespace' : choice.namespaces.join(', ')} enforced ${choice.level}:${choice.version}`;
  if (state.kind === 'loading') {
    return (
      <p role="status" className="panel muted">
        Evaluating what would be rejected if {subject}…
      </p>
    );
  }
  if (state.kind === 'queued') {
    return (
      <div role="status" className="notice" data-state="queued">
        <strong>Evaluation queued.</strong> {state.message} Retrying in {state.retryIn} s (attempt {state.attempt + 1}).
      </div>
    );
  }
  if (state.kind === 'error') return <ApiErrorPanel error={state.error} what="the what-if" />;

  const { result } = state;
  return (
    <section aria-labelledby="what-if-result" data-testid="what-if-result">
      <h2 id="what-if-result">
        If {subject} ({result.evaluatedVersion})
      </h2>
      <div className="kpis">
        <div className="kpi">
          <strong>{result.summary.rejectedWorkloads}</strong>
          <span className="small">of {result.summary.workloads} workloads rejected</span>
        </div>
        <div className="kpi">
          <strong>{result.summary.rejectedPods}</strong>
          <span className="small">of {result.summary.pods} pods rejected</span>
        </div>
        <div className="kpi">
          <strong>{result.summary.namespaces}</strong>
          <span className="small">namespaces</span>
        </div>
      </div>
      {result.unknownNamespaces.length > 0 ? (
        <p className="notice">Never reported by the agent, so nothing is known of them (not compliant): {result.unknownNamespaces.join(', ')}.</p>
      ) : null}
      {result.workloads.length === 0 ? (
        <p className="panel">Nothing would be rejected: every workload and pod passes {result.level}:{result.version}.</p>
      ) : (
        <>
          <table className="data" aria-label="Rejected workloads per check">
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col">Rejected workloads</th>
              </tr>
            </thead>
            <tbody>
              {result.byCheck.map((check) => (
                <tr key={check.id}>
                  <td className="mono">{check.id}</td>
                  <td>{check.workloads}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Rejected workloads{result.workloads.length > SHOWN ? ` (first ${SHOWN} of ${result.workloads.length})` : ''}</h3>
          {result.workloads.slice(0, SHOWN).map((workload) => (
            <article key={workload.workloadId} className="panel" data-workload={`${workload.namespace}/${workload.kind}/${workload.name}`}>
              <h4 className="mono" style={{ margin: '0 0 4px' }}>
                {workload.namespace}/{workload.kind}/{workload.name}
              </h4>
              <p className="small muted" style={{ margin: 0 }}>
                {workload.templateRejected ? 'Its next rollout is rejected' : 'Its template passes; running pods fail (an injected container)'} · {workload.rejectedPodCount} pod
                {workload.rejectedPodCount === 1 ? '' : 's'} rejected
                {workload.rejectedPods.length > 0 ? `: ${workload.rejectedPods.join(', ')}${workload.rejectedPodCount > workload.rejectedPods.length ? ', …' : ''}` : ''}
              </p>
              <pre className="mono small">{workload.warning}</pre>
              <ul>
                {workload.checks.map((check) => (
                  <li key={check.id}>
                    <strong>{check.title}</strong> <span className="mono small">({check.id})</span>: {check.reason}
                    {check.detail ? ` (${check.detail})` : ''}. {check.remediation}
                  </li>
                ))}
              </ul>
              {workload.patchYaml ? <CodeBlock code={workload.patchYaml} label="Patch for spec.template" /> : null}
              {workload.manualCheckIds.length > 0 ? <p className="small">Needs a decision (no automatic patch): {workload.manualCheckIds.join(', ')}.</p> : null}
            </article>
          ))}
        </>
      )}
    </section>
  );
}
