import { z } from 'zod';

import { SecretToken } from './auth.contract.js';
import { ClusterName, ClusterSummary } from './query.contract.js';

const Description = z.string().trim().max(500);

/** `POST /api/v1/clusters`: register a cluster before installing its agent. */
export const CreateClusterRequest = z.strictObject({
  name: ClusterName,
  description: Description.optional(),
});
export type CreateClusterRequest = z.infer<typeof CreateClusterRequest>;

/** `PATCH /api/v1/clusters/:id`: rename or describe a cluster; at least one field. */
export const UpdateClusterRequest = z
  .strictObject({
    name: ClusterName.optional(),
    description: Description.nullable().optional(),
  })
  .refine((request) => request.name !== undefined || request.description !== undefined, {
    message: 'send name or description',
  });
export type UpdateClusterRequest = z.infer<typeof UpdateClusterRequest>;

/**
 * How to install the agent with its token: a Helm values file and the matching `helm upgrade --install`
 * command. Both embed the agent token, so they are shown once, with it.
 */
export const AgentInstall = z.strictObject({
  helmValues: z.string().min(1).max(8192),
  helmCommand: z.string().min(1).max(2048),
});
export type AgentInstall = z.infer<typeof AgentInstall>;

/** The answer to registering a cluster: the cluster, its agent token (shown once) and the install snippet. */
export const ClusterCreated = z.strictObject({
  cluster: ClusterSummary,
  agentToken: SecretToken,
  install: AgentInstall,
});
export type ClusterCreated = z.infer<typeof ClusterCreated>;

/** The answer to rotating a cluster's agent token: the old token stops working. */
export const AgentTokenRotated = z.strictObject({
  agentToken: SecretToken,
  install: AgentInstall,
});
export type AgentTokenRotated = z.infer<typeof AgentTokenRotated>;
