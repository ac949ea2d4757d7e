// Evaluator throughput, one core (one Node thread), compared with JSON.parse of the same pods.
//   npm run bench:pss
// Prints pods/s for restricted@latest and for all levels at once, on the upstream fixture corpus and on a
// realistic mix of Deployment-shaped pods, and the ratio evaluate time / JSON.parse time (goal: <= 1.0).
// Then the built `ratchet` binary against floors doing only the reading (cli-ratios.ts): `eval --jsonl` on
// 40,000 pods (goal <= 2.0x), `check` on a 10,000-pod kubectl export as JSON (<= 8x time, <= 4x memory of
// JSON.parse) and as YAML (<= 2x the time of js-yaml loading it).
import { readFileSync } from 'node:fs';

import { evaluatePod, evaluatePodAllLevels } from '@ratchet/pss';
import type { PodLike } from '@ratchet/pss';
import { parse } from 'yaml';

import { benchCli } from './cli-ratios.ts';
import { realisticPods } from './realistic-pods.ts';

interface Bundle {
  fixtures: { sha256: string }[];
  blobs: Record<string, string>;
}

const ROUNDS = 9;
const TARGET_MS = 400;

function corpusPods(): PodLike[] {
  const bundle = JSON.parse(
    readFileSync(new URL('../libs/pss/test/conformance/pss-fixtures.json', import.meta.url), 'utf8'),
  ) as Bundle;
  const parsed = new Map<string, PodLike>();
  return bundle.fixtures.map(({ sha256 }) => {
    let pod = parsed.get(sha256);
    if (!pod) parsed.set(sha256, (pod = parse(bundle.blobs[sha256]!) as PodLike));
    return structuredClone(pod);
  });
}

interface Subject {
  body: () => void;
  loops: number;
}

/** Calibrates how many passes over the pods take about TARGET_MS. */
function calibrate(body: () => void): Subject {
  body();
  body();
  let loops = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < loops; i++) body();
    const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (elapsedMs > TARGET_MS / 4) return { body, loops: Math.max(1, Math.ceil((loops * TARGET_MS) / elapsedMs)) };
    loops *= 2;
  }
}

function nsPerItem(subject: Subject, items: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < subject.loops; i++) subject.body();
  return Number(process.hrtime.bigint() - start) / (subject.loops * items);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Runs the subjects in interleaved rounds (a, b, c, a, b, c, ...) and reports per subject the median time and
 * the median of its per-round ratio to the last subject. This VM's speed drifts by tens of percent within a
 * minute; measured back to back, each ratio compares runs made under the same conditions.
 */
function measureInterleaved(items: number, bodies: (() => void)[]): { ns: number[]; ratios: number[] } {
  const subjects = bodies.map(calibrate);
  const samples = subjects.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    subjects.forEach((subject, index) => samples[index]!.push(nsPerItem(subject, items)));
  }
  const reference = samples[samples.length - 1]!;
  return {
    ns: samples.map(median),
    ratios: samples.map((series) => median(series.map((value, round) => value / reference[round]!))),
  };
}

let sink = 0;

function bench(name: string, pods: PodLike[]): void {
  const json = pods.map((pod) => JSON.stringify(pod));
  const bytes = json.reduce((sum, text) => sum + text.length, 0);
  const { ns, ratios } = measureInterleaved(pods.length, [
    () => {
      for (const pod of pods) sink += evaluatePod(pod, 'restricted', 'latest').checks.length;
    },
    () => {
      for (const pod of pods) sink += evaluatePodAllLevels(pod, 'latest').restricted.checks.length;
    },
    () => {
      for (const text of json) sink += (JSON.parse(text) as PodLike).spec ? 1 : 0;
    },
  ]);
  const [restrictedNs, allLevelsNs, parseNs] = ns as [number, number, number];
  const [restrictedRatio, allLevelsRatio] = ratios as [number, number, number];
  const allowed = pods.filter((pod) => evaluatePod(pod, 'restricted', 'latest').allowed).length;
  const rate = (ns: number) => Math.round(1e9 / ns).toLocaleString('en-US').padStart(11);
  console.log(`\n${name}: ${pods.length} pods, ${Math.round(bytes / pods.length)} bytes of JSON each on average, ` +
    `${Math.round((100 * allowed) / pods.length)}% allowed at restricted`);
  console.log(`  restricted@latest     ${rate(restrictedNs)} pods/s  (${restrictedNs.toFixed(0)} ns/pod)`);
  console.log(`  all levels at once    ${rate(allLevelsNs)} pods/s  (${allLevelsNs.toFixed(0)} ns/pod)`);
  console.log(`  JSON.parse            ${rate(parseNs)} pods/s  (${parseNs.toFixed(0)} ns/pod)`);
  console.log(`  ratio evaluate/parse  restricted ${restrictedRatio.toFixed(2)}, all levels ${allLevelsRatio.toFixed(2)}  (goal <= 1.0; median of per-round ratios)`);
}

console.log(`pss benchmark: node ${process.version}, one thread; ${ROUNDS} interleaved rounds of ~${TARGET_MS} ms per subject`);
bench('upstream fixture corpus', corpusPods());
bench('realistic mix', realisticPods(5000, 42));
if (sink === -1) console.log('unreachable');
await benchCli();
