import type { Readable, Writable } from 'node:stream';

// The evaluator entry, not the package root: `eval` must not load manifest parsing and remediation at start.
import { parseVersion } from '@ratchet/pss/evaluator';
import type { PolicyVersion } from '@ratchet/pss/evaluator';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';


/** Streams and settings the CLI runs with; tests pass their own. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  color: boolean;
  /** The environment `gate` reads RATCHET_API_URL and RATCHET_API_TOKEN from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

const CLI_VERSION = '0.1.0';

function policyVersion(value: string): PolicyVersion {
  try {
    return parseVersion(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message.replace(/^invalid version "[^"]*": /, ''));
  }
}

// A cluster's release as `kubectl version` prints it (v1.30.4, v1.29.3+k3s1) or as a policy version (v1.30,
// latest): only the minor decides the apiserver's create-time defaulting.
function kubernetesVersion(value: string): string {
  const minor = /^(v1\.\d+)\.\d+([-+].*)?$/.exec(value);
  const version = minor ? minor[1]! : value;
  policyVersion(version);
  return version;
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError('must be a number of seconds, 0 or more');
  return seconds;
}

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}

/** Runs `ratchet` with argv (without node and script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = new Command('ratchet')
    .description('Check Kubernetes manifests against the Pod Security Standards, exactly as Pod Security Admission would.')
    .version(CLI_VERSION, '-V, --version', 'print the ratchet version')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  program
    .command('check')
    .description('evaluate every workload in the manifests; exit 0 clean, 1 violations, 2 bad or empty input')
    .addOption(new Option('-l, --level <level>', 'Pod Security level to check against').choices(['baseline', 'restricted']).default('restricted'))
    .addOption(
      new Option('-v, --version <version>', 'policy version: latest or v1.N, as in pod-security.kubernetes.io/enforce-version')
        .argParser(policyVersion)
        .default(parseVersion('latest'), 'latest'),
    )
    .addOption(
      new Option(
        '--kubernetes-version <version>',
        "release of the kube-apiserver that would admit the objects (latest or v1.N): its create-time defaulting of Pods is what Pod Security sees",
      )
        .argParser(kubernetesVersion)
        .default('latest'),
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--allow-empty', 'exit 0 when the input holds no Kubernetes object (by default that is bad input, exit 2)'))
    .argument('<path...>', 'manifest files, directories (searched recursively), or - for stdin')
    .action(async (paths: string[], options: { level: 'baseline' | 'restricted'; version: PolicyVersion; kubernetesVersion: string; format: 'text' | 'json'; allowEmpty?: boolean }) => {
      // Loaded on demand, as `eval` is: each command pays only for its own modules at start.
      const [{ checkManifests, exitCode, rejectEmpty }, { collectInputs }, { renderJson }, { renderText }] = await Promise.all([
        import('./check/check-run.js'),
        import('./check/collect-inputs.util.js'),
        import('./check/json-report.js'),
        import('./check/text-report.js'),
      ]);
      const inputs = await collectInputs(paths, io.stdin);
      const run = checkManifests(inputs, options.level, options.version, options.kubernetesVersion);
      if (!options.allowEmpty) rejectEmpty(run, paths);
      await write(io.stdout, options.format === 'json' ? renderJson(run) : renderText(run, io.color));
      code = exitCode(run);
    });

  program
    .command('eval')
    .description('batch mode: one JSON request per stdin line, one JSON result per stdout line, in order')
    .requiredOption('--jsonl', 'read and write JSON Lines (the only batch format)')
    .addHelpText('after', `
Input line:  {"id": "...", "level": "privileged"|"baseline"|"restricted", "version": "latest"|"v1.N", "pod": {...}}
Output line: {"id", "allowed", "forbiddenReason", "forbiddenDetail", "checks": [{"id", "reason", "detail"}]}
             or {"id", "error"} for a malformed line; processing continues.`)
    .action(async () => {
      const { runEvalJsonl } = await import('./eval/eval-jsonl.command.js');
      code = await runEvalJsonl(io.stdin, io.stdout);
    });

  program
    .command('gate')
    .description('CI gate: ask Ratchet whether namespaces can enforce a level; exit 0 ready, 1 not ready, 2 error')
    .requiredOption('-c, --cluster <clusterId>', 'the cluster id, as Ratchet shows it')
    .addOption(new Option('-l, --level <level>', 'Pod Security level to enforce').choices(['baseline', 'restricted']).default('restricted'))
    .addOption(new Option('-v, --version <version>', "policy version: latest (the cluster's release) or v1.N").argParser((value: string) => policyVersion(value).label).default('latest'))
    .option('-n, --namespaces <names>', 'comma-separated namespace names (default: every namespace of the cluster)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(new Option('--timeout <seconds>', 'per request').argParser(positiveSeconds).default(30))
    .addOption(new Option('--wait <seconds>', 'how long to keep retrying while Ratchet evaluates a new version (503 + Retry-After)').argParser(positiveSeconds).default(120))
    .addHelpText('after', '\nEnvironment: RATCHET_API_URL (the Ratchet URL) and RATCHET_API_TOKEN (an API token, rat_...).')
    .action(async (options: { cluster: string; level: 'baseline' | 'restricted'; version: string; namespaces?: string; output: 'text' | 'json'; timeout: number; wait: number }) => {
      const [{ runGate }, { GateError }] = await Promise.all([import('./gate/gate.command.js'), import('./gate/gate-env.util.js')]);
      try {
        code = await runGate(
          {
            clusterId: options.cluster,
            level: options.level,
            version: options.version,
            namespaces: options.namespaces?.split(',').map((name) => name.trim()).filter((name) => name !== ''),
            output: options.output,
            timeoutMs: options.timeout * 1000,
            waitMs: options.wait * 1000,
          },
          io.env ?? process.env,
          io.stdout,
        );
      } catch (error) {
        if (!(error instanceof GateError)) throw error;
        await write(io.stderr, `ratchet gate: ${error.message}\n`);
        code = 2;
      }
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; anything else commander rejects is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    await write(io.stderr, `ratchet: ${(error as Error).message}\n`);
    return 2;
  }
  return code;
}
