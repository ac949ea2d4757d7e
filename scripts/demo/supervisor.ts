// The demo's child processes: started with their output in .ratchet/demo/logs/<name>.log, stopped in reverse
// order with SIGTERM (then SIGKILL after a grace period), so nothing outlives `npm start`.
// Erasable TypeScript only: Node runs this file directly.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';

export interface ChildSpec {
  /** Short name for progress lines and the log file. */
  name: string;
  /** Arguments to `node` (the script and its flags). Each child is node itself, never a shell or npm, so a
   * signal reaches the process that does the work and no grandchild is left behind. */
  args: string[];
  env: NodeJS.ProcessEnv;
}

interface Running {
  spec: ChildSpec;
  child: ChildProcess;
  log: WriteStream;
  logPath: string;
  exited: Promise<void>;
}

export class Supervisor {
  private readonly running: Running[] = [];
  private stopping = false;

  /** Called when a child exits on its own (not during stop): the demo is broken, start.ts shuts down. */
  onUnexpectedExit: (name: string, code: number | null, signal: NodeJS.Signals | null) => void = () => undefined;

  private readonly logDir: string;
  private readonly cwd: string;

  constructor(logDir: string, cwd: string) {
    this.logDir = logDir;
    this.cwd = cwd;
  }

  start(spec: ChildSpec): ChildProcess {
    const logPath = join(this.logDir, `${spec.name}.log`);
    const log = createWriteStream(logPath, { flags: 'a' });
    // Own process group: a terminal's Ctrl-C reaches start.ts alone, which then stops the children in order.
    const child = spawn(process.execPath, spec.args, { cwd: this.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        if (!this.stopping) this.onUnexpectedExit(spec.name, code, signal);
        resolve();
      });
    });
    this.running.push({ spec, child, log, logPath, exited });
    return child;
  }

  /** The last lines a child wrote, for an error report. */
  tail(name: string, lines = 20): string {
    const entry = this.running.find((r) => r.spec.name === name);
    if (!entry) return '';
    try {
      return readFileSync(entry.logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.running.map((r) => [r.spec.name, r.child.pid]));
  }

  /** SIGTERM to each child, last started first (the agent spools before the API goes); SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000, report: (line: string) => void = () => undefined): Promise<void> {
    this.stopping = true;
    for (const entry of [...this.running].reverse()) {
      const { child } = entry;
      if (child.exitCode === null && child.signalCode === null) {
        report(`stopping ${entry.spec.name}`);
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          report(`${entry.spec.name} did not stop within ${graceMs / 1000} s: killing it`);
          child.kill('SIGKILL');
        }, graceMs);
        await entry.exited;
        clearTimeout(timer);
      }
      entry.log.end();
    }
  }
}
