import { z } from 'zod';

import { DisplayName, SecretToken } from './auth.contract.js';
import { Id, Timestamp } from './common.contract.js';
import { PsaConfiguration } from './ingest.contract.js';
import { ClusterName, ClusterSummary } from './query.contract.js';

/** `POST /api/v1/clusters`: register a cluster before installing its agent. Names are unique per organization. */
export const CreateClusterRequest = z.strictObject({
  name: ClusterName,
});
export type CreateClusterRequest = z.infer<typeof CreateClusterRequest>;

/**
 * `PATCH /api/v1/clusters/:clusterId`: rename a cluster and/or set its Pod Security admission configuration
 * (upstream `PodSecurityConfiguration` field names). A configuration set here overrides the one the agent reports;
 * `null` removes it (the agent's, else the organization's default, applies again). At least one field.
 */
export const UpdateClusterRequest = z
  .strictObject({
    name: ClusterName.optional(),
    psaConfiguration: PsaConfiguration.nullable().optional().meta({
      description: "The cluster's PodSecurityConfiguration (defaults and exemptions); overrides the agent's report; null removes it.",
    }),
  })
  .refine((body) => body.name !== undefined || body.psaConfiguration !== undefined, { message: 'name or psaConfiguration is required', path: ['name'] });
export type UpdateClusterRequest = z.infer<typeof UpdateClusterRequest>;

/** Path parameters of `/api/v1/clusters/:clusterId/...`. */
export const ClusterParams = z.strictObject({
  clusterId: Id,
});
export type ClusterParams = z.infer<typeof ClusterParams>;

/** Path parameters of `/api/v1/clusters/:clusterId/agent-tokens/:tokenId`. */
export const AgentTokenParams = z.strictObject({
  clusterId: Id,
  tokenId: Id,
});
export type AgentTokenParams = z.infer<typeof AgentTokenParams>;

/**
 * How to install the agent with its token: a Helm values file, the matching `helm upgrade --install` command,
 * and a `kubectl create secret` command to keep the token in a Secret instead of the values file. All of them
 * embed the agent token, so they are shown once, with it.
 */
export const AgentInstall = z.strictObject({
  helmValues: z.string().min(1).max(8192),
  helmCommand: z.string().min(1).max(2048),
  kubectlSecretCommand: z.string().min(1).max(2048),
});
export type AgentInstall = z.infer<typeof AgentInstall>;

/** The answer to registering a cluster: the cluster, its agent token (shown once) and the install snippet. */
export const ClusterCreated = z.strictObject({
  cluster: ClusterSummary,
  agentToken: SecretToken,
  install: AgentInstall,
});
export type ClusterCreated = z.infer<typeof ClusterCreated>;

/** An agent token as listed: never the secret, only its first characters to tell tokens apart. */
export const AgentTokenSummary = z.strictObject({
  id: Id,
  clusterId: Id,
  name: DisplayName,
  prefix: z.string().min(1).max(16),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export type AgentTokenSummary = z.infer<typeof AgentTokenSummary>;

/** `GET /api/v1/clusters/:clusterId/agent-tokens`: every token of the cluster, revoked ones included, newest first. */
export const AgentTokenList = z.strictObject({
  items: z.array(AgentTokenSummary),
});
export type AgentTokenList = z.infer<typeof AgentTokenList>;

/**
 * `POST /api/v1/clusters/:clusterId/agent-tokens`: issue another token for the cluster, e.g. to rotate: install
 * the new one, then revoke the old one. The name defaults to one with today's date.
 */
export const IssueAgentTokenRequest = z
  .strictObject({
    name: DisplayName.optional(),
  })
  .default({});
export type IssueAgentTokenRequest = z.infer<typeof IssueAgentTokenRequest>;

/** The answer to issuing an agent token: the secret (`agentToken`) is in this answer only. */
export const AgentTokenIssued = z.strictObject({
  token: AgentTokenSummary,
  agentToken: SecretToken,
  install: AgentInstall,
});
export type AgentTokenIssued = z.infer<typeof AgentTokenIssued>;
