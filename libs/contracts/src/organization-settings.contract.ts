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
  privilegedNamespaceAllowlist: Object.freeze(['kube-system', 'kube-public', 'kube-node-lease']) as readonly string[],
  /** Days raw audit events are kept: older rows are deleted, and a monthly partition is dropped once every organization is past it. */
  auditRetentionDays: 30,
});
