// The built `ratchet` binary against floors that read the same input and do nothing else (issue 7, items 14
// and 15). Each subject is a fresh process, as a user runs it; wall time, CPU time and peak RSS (the last two
// reported by a preload shared by all subjects) are taken in interleaved rounds, and each ratio is the median
// of per-round ratios. On a shared machine wall time swings with the neighbours' load; CPU time much less,
// so both ratios are printed.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { clusterExport } from './cluster-export.ts';
import { realisticPods } from './realistic-pods.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'apps/cli/dist/main.js');
const USAGE = join(ROOT, 'bench/floors/usage.js');
const ROUNDS = 5;

interface Sample {
  ms: number;
  cpuMs: number;
  rssBytes: number;
}

function runOnce(args: string[], stdinFile: string | undefined, scratch: string): Promise<Sample> {
  const usageFile = join(scratch, 'usage.json');
  const stdin = stdinFile === undefined ? 'ignore' : openSync(stdinFile, 'r');
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', USAGE, ...args], {
    cwd: ROOT,
    env: { ...process.env, BENCH_USAGE_FILE: usageFile, NODE_OPTIONS: '' },
    stdio: [stdin, 'ignore', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (typeof stdin === 'number') closeSync(stdin);
      if (code !== 0 && code !== 1) {
        reject(new Error(`${args.join(' ')} exited ${code}`));
        return;
      }
      const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { rssBytes: number; cpuMs: number };
      resolve({ ms, ...usage });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Subject {
  args: string[];
  stdin?: string;
}

/** Interleaves subject and floor; returns medians and the median per-round ratios subject/floor. */
async function compare(subject: Subject, floor: Subject, scratch: string) {
  const rounds: { subject: Sample; floor: Sample }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const s = await runOnce(subject.args, subject.stdin, scratch);
    const f = await runOnce(floor.args, floor.stdin, scratch);
    rounds.push({ subject: s, floor: f });
  }
  return {
    subjectMs: median(rounds.map((r) => r.subject.ms)),
    floorMs: median(rounds.map((r) => r.floor.ms)),
    subjectMb: median(rounds.map((r) => r.subject.rssBytes)) / 2 ** 20,
    floorMb: median(rounds.map((r) => r.floor.rssBytes)) / 2 ** 20,
    subjectCpuMs: median(rounds.map((r) => r.subject.cpuMs)),
    floorCpuMs: median(rounds.map((r) => r.floor.cpuMs)),
    timeRatio: median(rounds.map((r) => r.subject.ms / r.floor.ms)),
    cpuRatio: median(rounds.map((r) => r.subject.cpuMs / r.floor.cpuMs)),
    memoryRatio: median(rounds.map((r) => r.subject.rssBytes / r.floor.rssBytes)),
  };
}

function times(result: Awaited<ReturnType<typeof compare>>, side: 'subject' | 'floor'): string {
  return side === 'subject'
    ? `${result.subjectMs.toFixed(0)} ms wall, ${result.subjectCpuMs.toFixed(0)} ms CPU`
    : `${result.floorMs.toFixed(0)} ms wall, ${result.floorCpuMs.toFixed(0)} ms CPU`;
}

function dumpYaml(value: unknown): string {
  const require = createRequire(join(ROOT, 'libs/pss/package.json'));
  const { dump } = require('js-yaml') as { dump: (value: unknown, options: { noRefs: boolean }) => string };
  // kubectl never writes anchors; the generator shares label objects between pods.
  return dump(value, { noRefs: true });
}

export async function benchEvalOnly(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'ratchet-bench-'));
  try {
    await benchEval(scratch);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function benchEval(scratch: string): Promise<void> {
  const pods = 40_000;
  const jsonl = join(scratch, 'pods.jsonl');
  writeFileSync(jsonl, realisticPods(pods, 42).map((pod, i) => `${JSON.stringify({ id: `pod-${i}`, level: 'restricted', version: 'latest', pod })}\n`).join(''));
  console.log(`\nratchet eval --jsonl (built binary), ${pods.toLocaleString('en-US')} realistic pods at restricted@latest, ${ROUNDS} interleaved rounds`);
  const evaluation = await compare({ args: [CLI, 'eval', '--jsonl'], stdin: jsonl }, { args: ['bench/floors/eval-jsonl.js'], stdin: jsonl }, scratch);
  console.log(`  ratchet eval --jsonl  ${times(evaluation, 'subject')};  floor (read, JSON.parse, write each line) ${times(evaluation, 'floor')}`);
  console.log(`  ratio eval/floor      wall ${evaluation.timeRatio.toFixed(2)}, CPU ${evaluation.cpuRatio.toFixed(2)}  (goal <= 2.0)`);
}

export async function benchCli(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'ratchet-bench-'));
  try {
    await benchEval(scratch);

    const count = 10_000;
    const list = clusterExport(count, 1);
    const json = join(scratch, 'pods.json');
    const yaml = join(scratch, 'pods.yaml');
    // kubectl indents -o json by 4 spaces.
    writeFileSync(json, `${JSON.stringify(list, null, 4)}\n`);
    writeFileSync(yaml, dumpYaml(list));
    const mb = (file: string) => (readFileSync(file).length / 2 ** 20).toFixed(1);
    console.log(`\nratchet check (built binary) on a kubectl get pods -A export, List of ${count.toLocaleString('en-US')} pods (JSON ${mb(json)} MB, YAML ${mb(yaml)} MB)`);
    const fromJson = await compare({ args: [CLI, 'check', json] }, { args: ['bench/floors/read-json.js', json] }, scratch);
    console.log(`  JSON: check ${times(fromJson, 'subject')}, ${fromJson.subjectMb.toFixed(0)} MB;  floor (read + JSON.parse) ${times(fromJson, 'floor')}, ${fromJson.floorMb.toFixed(0)} MB`);
    console.log(`  ratio check/floor     time: wall ${fromJson.timeRatio.toFixed(2)}, CPU ${fromJson.cpuRatio.toFixed(2)} (goal <= 8); memory ${fromJson.memoryRatio.toFixed(2)} (goal <= 4)`);
    const fromYaml = await compare({ args: [CLI, 'check', yaml] }, { args: ['bench/floors/load-yaml.js', yaml] }, scratch);
    console.log(`  YAML: check ${times(fromYaml, 'subject')}, ${fromYaml.subjectMb.toFixed(0)} MB;  js-yaml load ${times(fromYaml, 'floor')}, ${fromYaml.floorMb.toFixed(0)} MB`);
    console.log(`  ratio check/js-yaml   time: wall ${fromYaml.timeRatio.toFixed(2)}, CPU ${fromYaml.cpuRatio.toFixed(2)} (goal <= 2); memory ${fromYaml.memoryRatio.toFixed(2)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
