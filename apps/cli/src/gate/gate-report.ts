import type { GateResult } from '@ratchet/contracts';

/** The gate's verdict for a CI log: one headline, then each blocking namespace with its workloads and warnings. */
export function renderGateText(result: GateResult): string {
  const policy = `${result.level}:${result.version}${result.version === 'latest' ? ` (${result.evaluatedVersion})` : ''}`;
  const lines = [`${result.verdict === 'ready' ? 'READY' : 'NOT READY'}  ${policy} on cluster ${result.clusterId}: ${result.namespacesChecked} namespace(s) checked`];
  for (const reason of result.reasons) lines.push(`  ${reason}`);
  for (const blocker of result.blockers) {
    if (blocker.workloads.length === 0) continue;
    lines.push('', `${blocker.namespace}:`);
    for (const workload of blocker.workloads) {
      lines.push(`  ${workload.kind}/${workload.name}  ${workload.checks.join(', ')}`, `    ${workload.warning}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
