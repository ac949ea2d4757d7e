/**
 * The simulator CLI's environment variables, with the flag each mirrors and the option of `SimulatorOptionsSchema`
 * it sets. One table for the CLI's error messages and the generated configuration reference (docs/configuration.md).
 * `cliDefault` is where the CLI's default differs from the programmatic one (tests want a free port and a temp dir).
 */
export const SIMULATOR_ENV = [
  { variable: 'RATCHET_SIM_PORT', flag: '--port', option: 'port', cliDefault: '6443', description: 'TCP port of the HTTPS API server; 0 picks a free one.' },
  { variable: 'RATCHET_SIM_HOST', flag: '--host', option: 'host', description: 'Address to listen on; also put in the kubeconfig and the serving certificate.' },
  { variable: 'RATCHET_SIM_KUBECONFIG', flag: '--kubeconfig', option: 'kubeconfigPath', cliDefault: '.ratchet/demo/kubeconfig', description: 'Where to write the kubeconfig (server URL, CA, bearer token).' },
  { variable: 'RATCHET_SIM_SEED', flag: '--seed', option: 'seed', description: 'Seed of every random choice: the same seed and start time give the same cluster and scenario.' },
  { variable: 'RATCHET_SIM_NAMESPACES', flag: '--namespaces', option: 'namespaces', description: 'Namespaces to generate (system namespaces included).' },
  { variable: 'RATCHET_SIM_PODS', flag: '--pods', option: 'pods', description: 'Pods to generate.' },
  { variable: 'RATCHET_SIM_APISERVER_VERSION', flag: '--apiserver-version', option: 'apiserverVersion', description: 'Simulated kube-apiserver version (v1.22.0 to v1.39.x): /version, audit wording, which checks exist.' },
  { variable: 'RATCHET_SIM_TOKEN', flag: '--token', option: 'token', description: 'Bearer token clients must send; default: random per start.' },
  { variable: 'RATCHET_SIM_START_TIME', flag: '--start-time', option: 'startTime', description: 'Start of the simulated clock (RFC 3339); default: now.' },
  { variable: 'RATCHET_SIM_STEP_INTERVAL_MS', flag: '--step-interval-ms', option: 'stepIntervalMs', description: 'Simulated milliseconds between scenario steps.' },
  { variable: 'RATCHET_SIM_EVOLVE', flag: '--evolve', option: 'evolve', description: 'true: run scenario steps in real time (fixes, regressions, relabels, CronJob runs).' },
  { variable: 'RATCHET_SIM_AUDIT_WEBHOOK', flag: '--audit-webhook', option: 'auditWebhook', description: 'http(s) URL to POST audit EventLists to (the agent\'s audit webhook); unset: none.' },
  { variable: 'RATCHET_SIM_AUDIT_WEBHOOK_CA', flag: '--audit-webhook-ca', option: null, description: 'PEM file of the CA that signed the audit webhook receiver\'s certificate (https only).' },
] as const;

/** Secret variables of the simulator. */
export const SIMULATOR_SECRET_ENV: ReadonlySet<string> = new Set(['RATCHET_SIM_TOKEN']);
