import { describe, expect, it } from '@jest/globals';
import { AgentInstall } from '@ratchet/contracts';
import { parse } from 'yaml';

import { AGENT_NAMESPACE, AGENT_SECRET_NAME, renderAgentInstall } from './agent-install.util.js';

describe('renderAgentInstall', () => {
  const token = `rag_${'x'.repeat(43)}`;
  const sut = renderAgentInstall({
    apiUrl: 'https://ratchet.example.com',
    chart: 'oci://ghcr.io/ratchet/charts/ratchet-agent',
    clusterName: 'prod-eu-1',
    token,
  });

  it('renders Helm values that parse as YAML with the URL, the cluster and the token', () => {
    expect(AgentInstall.parse(sut)).toEqual(sut);
    expect(parse(sut.helmValues)).toEqual({ apiUrl: 'https://ratchet.example.com', clusterName: 'prod-eu-1', agent: { token } });
  });

  it('tells how to keep the token in a Secret instead', () => {
    expect(sut.helmValues).toContain(`existingSecret: ${AGENT_SECRET_NAME}`);
    expect(sut.kubectlSecretCommand).toContain(`kubectl create secret generic ${AGENT_SECRET_NAME} -n ${AGENT_NAMESPACE} --from-literal=token=${token}`);
  });

  it('installs the chart into its namespace with the values file', () => {
    expect(sut.helmCommand).toBe(
      `helm upgrade --install ratchet-agent oci://ghcr.io/ratchet/charts/ratchet-agent -n ${AGENT_NAMESPACE} --create-namespace -f values.yaml`,
    );
  });
});
