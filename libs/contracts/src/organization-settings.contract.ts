import { z } from 'zod';

import { NamespaceName, Timestamp } from './common.contract.js';
import { PsaConfiguration } from './ingest.contract.js';

/**
 * Organization-wide settings that readiness, coverage and retention read. Defaults here are what a new
 * organization gets; `GET/PATCH /api/v1/organization/settings` reads and changes them.
 */
export const ORGANIZATION_SETTINGS_DEFAULTS = Object.freeze({
  /** Days an audit-mode violation keeps blocking readiness, and a namespace must be observed before `ready` is firm. */
  readinessWindowDays: 7,
  /**
   * Namespaces expected to run privileged workloads (the control plane's own); coverage reports them as exempt
   * rather than flagging them.
   */
  privilegedNamespaceAllowlist: Object.freeze<readonly string[]>(['kube-system', 'kube-public', 'kube-node-lease']),
  /** Days raw audit events are kept: older rows are deleted, and a monthly partition is dropped once every organization is past it. */
  auditRetentionDays: 30,
});

/** Bounds of the settings, enforced by the contract and again by database checks. */
export const ORGANIZATION_SETTINGS_LIMITS = Object.freeze({
  readinessWindowDays: { min: 1, max: 90 },
  auditRetentionDays: { min: 1, max: 400 },
  /** Entries of the privileged namespace allowlist. */
  privilegedNamespaceAllowlist: 256,
});

const ReadinessWindowDays = z
  .number()
  .int()
  .min(ORGANIZATION_SETTINGS_LIMITS.readinessWindowDays.min)
  .max(ORGANIZATION_SETTINGS_LIMITS.readinessWindowDays.max)
  .meta({
    description:
      'Days an audit-mode violation keeps blocking readiness, and how long a namespace must be observed before its `ready` is firm (not provisional). 1 to 90.',
  });

const AuditRetentionDays = z
  .number()
  .int()
  .min(ORGANIZATION_SETTINGS_LIMITS.auditRetentionDays.min)
  .max(ORGANIZATION_SETTINGS_LIMITS.auditRetentionDays.max)
  .meta({ description: 'Days raw audit events are kept (whole daily partitions are dropped past it). 1 to 400.' });

const PrivilegedNamespaceAllowlist = z
  .array(NamespaceName)
  .max(ORGANIZATION_SETTINGS_LIMITS.privilegedNamespaceAllowlist)
  .superRefine((names, ctx) => {
    const seen = new Set<string>();
    names.forEach((name, index) => {
      if (seen.has(name)) ctx.addIssue({ code: 'custom', message: `"${name}" is listed more than once`, path: [index] });
      seen.add(name);
    });
  })
  .meta({
    description: `Namespaces expected to run privileged workloads (DNS-1123 labels, no repeats, at most ${ORGANIZATION_SETTINGS_LIMITS.privilegedNamespaceAllowlist}): coverage reports them as exempt by the allowlist instead of flagging them. Never read as compliance.`,
  });

/**
 * `GET /api/v1/organization/settings`: the organization's settings. `defaultPsaConfiguration` is the Pod Security
 * admission configuration (upstream `PodSecurityConfiguration`: defaults and exemptions) assumed for a cluster
 * that has none of its own (neither set through the API nor reported by its agent); null means upstream's
 * defaults (privileged at latest, no exemptions).
 */
export const OrganizationSettings = z.strictObject({
  readinessWindowDays: ReadinessWindowDays,
  privilegedNamespaceAllowlist: PrivilegedNamespaceAllowlist,
  auditRetentionDays: AuditRetentionDays,
  defaultPsaConfiguration: PsaConfiguration.nullable().meta({
    description: "The PodSecurityConfiguration assumed for clusters without their own; null: upstream's defaults (privileged, latest, no exemptions).",
  }),
  updatedAt: Timestamp,
});
export type OrganizationSettings = z.infer<typeof OrganizationSettings>;

/**
 * `PATCH /api/v1/organization/settings` (owner or admin): the fields to change, at least one; a field left out
 * keeps its value, `defaultPsaConfiguration: null` goes back to upstream's defaults. A change to what readiness
 * reads (window, default PSA configuration) queues readiness again for every cluster of the organization.
 */
export const UpdateOrganizationSettingsRequest = z
  .strictObject({
    readinessWindowDays: ReadinessWindowDays.optional(),
    privilegedNamespaceAllowlist: PrivilegedNamespaceAllowlist.optional(),
    auditRetentionDays: AuditRetentionDays.optional(),
    defaultPsaConfiguration: PsaConfiguration.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'name at least one setting to change' });
export type UpdateOrganizationSettingsRequest = z.infer<typeof UpdateOrganizationSettingsRequest>;

/** Where the settings live. */
export const ORGANIZATION_SETTINGS_PATH = '/api/v1/organization/settings';
