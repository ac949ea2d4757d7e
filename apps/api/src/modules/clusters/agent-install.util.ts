import type { AgentInstall } from '@ratchet/contracts';
import { Document, isScalar } from 'yaml';

/** Where the agent runs and how its release and Secret are named, as the chart's README documents them. */
export const AGENT_NAMESPACE = 'ratchet-system';
export const AGENT_RELEASE = 'ratchet-agent';
export const AGENT_SECRET_NAME = 'ratchet-agent-token';
export const AGENT_SECRET_KEY = 'token';

export interface AgentInstallInput {
  /** The API's public URL, which the agent posts its batches to. */
  apiUrl: string;
  /** The agent's Helm chart reference. */
  chart: string;
  clusterName: string;
  /** The agent token, shown once. */
  token: string;
}

/**
 * The snippet that installs the agent with its token: Helm values, the `helm upgrade --install` line, and the
 * `kubectl` line that puts the token in a Secret so that the values file need not carry it.
 */
export function renderAgentInstall({ apiUrl, chart, clusterName, token }: AgentInstallInput): AgentInstall {
  const values = new Document({ apiUrl, clusterName, agent: { token } });
  values.commentBefore = [
    ` Ratchet agent for cluster "${clusterName}". This file holds the cluster's agent token: keep it out of`,
    ' version control. Better: create the Secret with the kubectl command shown with this file, then replace',
    ` agent.token with agent.existingSecret: ${AGENT_SECRET_NAME} (the token under key "${AGENT_SECRET_KEY}").`,
  ].join('\n');
  const tokenNode = values.getIn(['agent', 'token'], true);
  if (isScalar(tokenNode)) tokenNode.comment = ` or existingSecret: ${AGENT_SECRET_NAME}`;
  return {
    helmValues: values.toString({ lineWidth: 0 }),
    helmCommand: `helm upgrade --install ${AGENT_RELEASE} ${chart} -n ${AGENT_NAMESPACE} --create-namespace -f values.yaml`,
    kubectlSecretCommand:
      `kubectl create namespace ${AGENT_NAMESPACE} --dry-run=client -o yaml | kubectl apply -f - && ` +
      `kubectl create secret generic ${AGENT_SECRET_NAME} -n ${AGENT_NAMESPACE} --from-literal=${AGENT_SECRET_KEY}=${token}`,
  };
}
