#!/usr/bin/env node
import { readFile } from 'node:fs/promises';

import { Command, InvalidArgumentError } from 'commander';
import { ZodError } from 'zod';

import { startClusterSimulator } from './simulator.js';
import { SimulatorOptionsSchema, type SimulatorOptions } from './config/simulator-options.js';
import { SIMULATOR_ENV } from './config/simulator-env.constant.js';

const integer = (name: string) => (raw: string) => {
  if (!/^\d+$/.test(raw)) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
};

const program = new Command('ratchet-cluster-sim')
  .description('A fake Kubernetes API server over HTTPS serving a generated, seeded cluster (for tests and the demo).')
  .option('--port <port>', 'TCP port (env RATCHET_SIM_PORT)', integer('--port'))
  .option('--host <host>', 'address to listen on (env RATCHET_SIM_HOST)')
  .option('--kubeconfig <path>', 'where to write the kubeconfig (env RATCHET_SIM_KUBECONFIG)')
  .option('--seed <seed>', 'random seed (env RATCHET_SIM_SEED)', integer('--seed'))
  .option('--namespaces <n>', 'namespaces to generate (env RATCHET_SIM_NAMESPACES)', integer('--namespaces'))
  .option('--pods <n>', 'pods to generate (env RATCHET_SIM_PODS)', integer('--pods'))
  .option('--apiserver-version <version>', 'simulated kube-apiserver version, e.g. v1.31.4 (env RATCHET_SIM_APISERVER_VERSION)')
  .option('--audit-webhook <url>', 'POST audit EventLists here (env RATCHET_SIM_AUDIT_WEBHOOK)')
  .option('--audit-webhook-ca <file>', 'PEM CA of the audit webhook receiver (env RATCHET_SIM_AUDIT_WEBHOOK_CA)')
  .option('--token <token>', 'bearer token clients must send; default random (env RATCHET_SIM_TOKEN)')
  .option('--start-time <rfc3339>', 'simulated clock start (env RATCHET_SIM_START_TIME)')
  .option('--step-interval-ms <ms>', 'simulated time between scenario steps (env RATCHET_SIM_STEP_INTERVAL_MS)', integer('--step-interval-ms'))
  .option('--evolve', 'run scenarios in real time (env RATCHET_SIM_EVOLVE=true)');

/** The flag and variable each option comes from, so a configuration error names what the user typed. */
const SOURCES: Record<string, string> = Object.fromEntries(
  SIMULATOR_ENV.filter((entry) => entry.option !== null).map((entry) => [entry.option, `${entry.flag} / ${entry.variable}`]),
);

/** Flags win over RATCHET_SIM_* variables; both go through the one options schema, which names a bad field. */
async function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): Promise<SimulatorOptions> {
  program.parse(argv, { from: 'user' });
  const flags = program.opts<Record<string, string | number | boolean | undefined>>();
  const envInt = (name: string) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    if (!/^\d+$/.test(raw)) throw new InvalidArgumentError(`${name} must be a non-negative integer, got "${raw}"`);
    return Number(raw);
  };
  const envEvolve = env.RATCHET_SIM_EVOLVE;
  if (envEvolve !== undefined && envEvolve !== 'true' && envEvolve !== 'false') {
    throw new InvalidArgumentError(`RATCHET_SIM_EVOLVE must be true or false, got "${envEvolve}"`);
  }
  const webhookUrl = (flags.auditWebhook as string | undefined) ?? env.RATCHET_SIM_AUDIT_WEBHOOK;
  const caFile = (flags.auditWebhookCa as string | undefined) ?? env.RATCHET_SIM_AUDIT_WEBHOOK_CA;
  let caCert: string | undefined;
  if (caFile) {
    try {
      caCert = await readFile(caFile, 'utf8');
    } catch (error) {
      throw new InvalidArgumentError(`--audit-webhook-ca: cannot read ${caFile}: ${(error as Error).message}`);
    }
  }
  const pick = <T>(flag: T | undefined, fallback: T | undefined) => (flag !== undefined ? flag : fallback);
  const options: SimulatorOptions = {
    port: pick(flags.port as number | undefined, envInt('RATCHET_SIM_PORT')) ?? 6443,
    host: pick(flags.host as string | undefined, env.RATCHET_SIM_HOST),
    kubeconfigPath: pick(flags.kubeconfig as string | undefined, env.RATCHET_SIM_KUBECONFIG) ?? '.ratchet/demo/kubeconfig',
    seed: pick(flags.seed as number | undefined, envInt('RATCHET_SIM_SEED')),
    namespaces: pick(flags.namespaces as number | undefined, envInt('RATCHET_SIM_NAMESPACES')),
    pods: pick(flags.pods as number | undefined, envInt('RATCHET_SIM_PODS')),
    apiserverVersion: pick(flags.apiserverVersion as string | undefined, env.RATCHET_SIM_APISERVER_VERSION),
    token: pick(flags.token as string | undefined, env.RATCHET_SIM_TOKEN),
    startTime: pick(flags.startTime as string | undefined, env.RATCHET_SIM_START_TIME),
    stepIntervalMs: pick(flags.stepIntervalMs as number | undefined, envInt('RATCHET_SIM_STEP_INTERVAL_MS')),
    evolve: Boolean(flags.evolve) || envEvolve === 'true',
    ...(webhookUrl ? { auditWebhook: { url: webhookUrl, ...(caCert ? { caCert } : {}) } } : {}),
  };
  // Drop unset keys so the schema's defaults apply.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

try {
  const options = await optionsFrom(process.argv.slice(2), process.env);
  SimulatorOptionsSchema.parse(options);
  const sim = await startClusterSimulator(options);
  const { counts } = sim.snapshot();
  process.stdout.write(
    `${JSON.stringify({ msg: 'cluster simulator ready', url: sim.url, kubeconfig: sim.kubeconfigPath, apiserverVersion: sim.apiserverVersion, namespaces: counts.namespaces, pods: counts.pods, evolve: sim.options.evolve })}\n`,
  );
  const shutdown = () => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Faults a test or an operator can inject into a running simulator without a control API: SIGUSR1 cuts
  // every watch stream mid-flight, SIGUSR2 compacts history so every client's resourceVersion answers 410 Gone.
  process.on('SIGUSR1', () => {
    process.stdout.write(`${JSON.stringify({ msg: 'watches cut', watches: sim.cutWatches('abrupt') })}\n`);
  });
  process.on('SIGUSR2', () => {
    sim.expireResourceVersions();
    process.stdout.write(`${JSON.stringify({ msg: 'resourceVersions expired', resourceVersion: sim.snapshot().resourceVersion })}\n`);
  });
} catch (error) {
  if (error instanceof ZodError) {
    const lines = error.issues.map((issue) => {
      const field = issue.path.join('.');
      const source = SOURCES[String(issue.path[0])];
      return `  ${field || '(options)'}${source ? ` (${source})` : ''}: ${issue.message}`;
    });
    process.stderr.write(`invalid cluster simulator configuration:\n${lines.join('\n')}\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(2);
}
