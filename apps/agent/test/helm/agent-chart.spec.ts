import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PsaConfiguration } from '@ratchet/contracts';
import { parseAllDocuments } from 'yaml';

import { kubeBinary } from '../../../../scripts/kube-binaries.js';
import { WATCHED_RESOURCES } from '@ratchet/collector';
import { tempDir } from '../support/agent-harness.js';
import { RatchetApiProcess } from '../support/ratchet-api.process.js';

const run = promisify(execFile);
const CHART = fileURLToPath(new URL('../../../../deploy/helm/ratchet-agent', import.meta.url));
const RATCHET_CLI = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

jest.setTimeout(120_000);

type Manifest = { kind: string; metadata: { name: string }; [key: string]: unknown };

describe('the ratchet-agent Helm chart', () => {
  let helm: string;
  let dir: string;

  beforeAll(async () => {
    helm = await kubeBinary('helm');
    dir = await tempDir('ratchet-chart');
  });

  async function render(args: string[]): Promise<{ yaml: string; manifests: Manifest[] }> {
    const { stdout } = await run(helm, ['template', 'ratchet-agent', CHART, '-n', 'ratchet-system', ...args]);
    return { yaml: stdout, manifests: parseAllDocuments(stdout).map((doc) => doc.toJSON() as Manifest).filter(Boolean) };
  }
  const base = ['--set', 'apiUrl=https://ratchet.example.com', '--set', 'clusterName=prod-eu-1'];

  it.each([
    ['a token in values', ['--set', 'agent.token=rat_agent_abc']],
    ['an existing Secret', ['--set', 'agent.existingSecret=ratchet-agent-token']],
    ['the audit webhook on', ['--set', 'agent.token=t', '--set', 'auditWebhook.enabled=true', '--set', 'auditWebhook.tlsSecretName=ratchet-agent-tls']],
  ])('renders with %s into a Deployment that `ratchet check` passes at restricted', async (_, args) => {
    const { yaml } = await render([...base, ...args]);
    const file = join(dir, 'rendered.yaml');
    await writeFile(file, yaml);
    const { stdout } = await run(process.execPath, [RATCHET_CLI, 'check', '--level', 'restricted', file]);
    expect(stdout).toMatch(/^ok\s+.*Deployment ratchet-system\/ratchet-agent$/m);
    expect(stdout).toMatch(/1 workload in 1 file checked against restricted:latest: 1 pass/);
  });

  it('gives the agent read-only access to exactly the resources it watches, and no automatic token', async () => {
    const { manifests } = await render([...base, '--set', 'agent.token=t']);
    const role = manifests.find((m) => m.kind === 'ClusterRole') as unknown as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    const granted = role.rules.flatMap((rule) => rule.resources.map((resource) => `${rule.apiGroups[0]}/${resource}`)).sort();
    expect(granted).toEqual(WATCHED_RESOURCES.map((r) => `${r.apiGroup}/${r.resource}`).sort());
    expect(new Set(role.rules.flatMap((rule) => rule.verbs))).toEqual(new Set(['get', 'list', 'watch']));
    const sa = manifests.find((m) => m.kind === 'ServiceAccount') as unknown as { automountServiceAccountToken: boolean };
    expect(sa.automountServiceAccountToken).toBe(false);
    const deployment = manifests.find((m) => m.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { automountServiceAccountToken: boolean; containers: { securityContext: Record<string, unknown> }[]; volumes: { name: string; emptyDir?: unknown }[] } } };
    };
    const pod = deployment.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0]!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.volumes.find((v) => v.name === 'spool')?.emptyDir).toEqual({ sizeLimit: '512Mi' });
  });

  it("passes the psaConfiguration value to the agent as RATCHET_PSA_CONFIGURATION, which its config schema accepts", async () => {
    const values = join(dir, 'psa-values.yaml');
    await writeFile(
      values,
      ['psaConfiguration:', '  defaults: {enforce: baseline, enforce-version: v1.30}', '  exemptions: {usernames: [ci-bot], runtimeClasses: [kata], namespaces: [kube-system]}', ''].join('\n'),
    );
    const env = async (args: string[]) => {
      const { manifests } = await render([...base, '--set', 'agent.token=t', ...args]);
      const deployment = manifests.find((m) => m.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
      return deployment.spec.template.spec.containers[0]!.env.find((e) => e.name === 'RATCHET_PSA_CONFIGURATION')?.value;
    };
    const json = await env(['-f', values]);
    expect(PsaConfiguration.parse(JSON.parse(json!))).toEqual({
      defaults: { enforce: 'baseline', 'enforce-version': 'v1.30', audit: 'privileged', 'audit-version': 'latest', warn: 'privileged', 'warn-version': 'latest' },
      exemptions: { usernames: ['ci-bot'], runtimeClasses: ['kata'], namespaces: ['kube-system'] },
    });
    // Not given: not reported (the API then uses the organization's default).
    expect(await env([])).toBeUndefined();
  });

  it('refuses values it does not know, and a missing token', async () => {
    await expect(render([...base, '--set', 'agent.tokn=t'])).rejects.toThrow(/tokn/);
    await expect(render(base)).rejects.toThrow(/agent.token, or agent.existingSecret/);
  });

  describe("the API's install snippet", () => {
    let api: RatchetApiProcess;
    beforeAll(async () => {
      api = new RatchetApiProcess();
      await api.start();
    });
    afterAll(async () => {
      await api.stop();
    });

    it('renders as it is, and with the existing Secret its comment suggests', async () => {
      const cluster = await api.registerCluster('snippet-cluster');
      const values = join(dir, 'values.yaml');
      await writeFile(values, cluster.helmValues);
      const { manifests } = await render(['-f', values]);
      const secret = manifests.find((m) => m.kind === 'Secret') as unknown as { stringData: { token: string } };
      expect(secret.stringData.token).toBe(cluster.agentToken);
      const env = (manifests.find((m) => m.kind === 'Deployment') as unknown as { spec: { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } } })
        .spec.template.spec.containers[0]!.env;
      expect(env.find((e) => e.name === 'RATCHET_API_URL')?.value).toBe(api.url);
      expect(env.find((e) => e.name === 'RATCHET_CLUSTER_NAME')?.value).toBe('snippet-cluster');

      await writeFile(values, cluster.helmValues.replace(/^(\s+)token: .*$/m, '$1existingSecret: ratchet-agent-token'));
      const withSecret = await render(['-f', values]);
      expect(withSecret.manifests.some((m) => m.kind === 'Secret')).toBe(false);
      expect(withSecret.yaml).toContain('secretName: ratchet-agent-token');
    });
  });
});
