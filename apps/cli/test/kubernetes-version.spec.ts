import { join } from 'node:path';

import { beforeAll, describe, expect, it } from '@jest/globals';

import { REPO_ROOT, assertCliBuilt, runRatchet } from './support/run-ratchet.util.js';

// Cases rebuilt from public bug reports; provenance in libs/pss/test/public-reports/PROVENANCE.md.
const reports = (name: string) => join(REPO_ROOT, 'libs/pss/test/public-reports', name);

describe('ratchet check --kubernetes-version', () => {
  beforeAll(assertCliBuilt);

  it('shows what a v1.30+ apiserver adds to a Pod before Pod Security sees it, and only that', async () => {
    const latest = await runRatchet(['check', '--level', 'baseline', reports('d1-apparmor-annotation-pod.yaml')]);
    expect(latest.stdout).toContain(
      'forbidden AppArmor profiles (container "app" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    );
    // A 1.29 apiserver does not copy the annotation into the field: only the annotation is forbidden.
    const older = await runRatchet(['check', '--level', 'baseline', '--kubernetes-version', 'v1.29.3+k3s1', reports('d1-apparmor-annotation-pod.yaml')]);
    expect(older.stdout).toContain(
      'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
    );
    expect(older.stdout).not.toContain('container "app" and annotation');
    expect([latest.code, older.code]).toEqual([1, 1]);
  });

  it('refuses a malformed release with exit 2', async () => {
    const result = await runRatchet(['check', '--kubernetes-version', 'one-thirty', reports('d1-apparmor-annotation-pod.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--kubernetes-version');
  });

  it('advises dropping hostNetwork in JSON too when the apiserver filled in the hostPorts', async () => {
    const result = await runRatchet(['check', '--level', 'baseline', '--format', 'json', reports('d5-defaulted-hostport-advice.yaml')]);
    const report = JSON.parse(result.stdout) as { workloads: { checks: { id: string; remediation: { what: string } }[] }[] };
    const hostPorts = report.workloads.flatMap((workload) => workload.checks).find((check) => check.id === 'hostPorts');
    expect(hostPorts?.remediation.what).toMatch(/hostNetwork/);
    expect(hostPorts?.remediation.what).not.toMatch(/remove .?hostPort/i);
  });
});
