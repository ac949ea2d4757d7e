import { evaluatePod, parseVersion } from '@ratchet/pss';
import { beforeAll, describe, expect, it } from '@jest/globals';

import { loadFixtures } from '../../../libs/pss/test/support/fixtures.util.js';
import type { Fixture } from '../../../libs/pss/test/support/fixtures.util.js';
import { assertCliBuilt, runRatchet } from './support/run-ratchet.util.js';

interface EvalOutput {
  id: string | null;
  allowed?: boolean;
  forbiddenReason?: string;
  forbiddenDetail?: string;
  checks?: { id: string; reason: string; detail: string }[];
  error?: string;
}

function request(id: string, fixture: Pick<Fixture, 'level' | 'version' | 'pod'>): string {
  return JSON.stringify({ id, level: fixture.level, version: fixture.version, pod: fixture.pod });
}

/** What `ratchet eval` must answer for a fixture: the library's own evaluation, field by field. */
function expectedFor(id: string, fixture: Fixture): EvalOutput {
  const evaluation = evaluatePod(fixture.pod, fixture.level, parseVersion(fixture.version));
  return {
    id,
    allowed: evaluation.allowed,
    forbiddenReason: evaluation.forbiddenReason,
    forbiddenDetail: evaluation.forbiddenDetail,
    checks: evaluation.checks.map(({ id: checkId, reason, detail }) => ({ id: checkId, reason, detail })),
  };
}

async function evalJsonl(input: string): Promise<{ code: number | null; results: EvalOutput[]; stderr: string }> {
  const run = await runRatchet(['eval', '--jsonl'], { stdin: input });
  expect(run.stdout.endsWith('\n')).toBe(true);
  return { code: run.code, stderr: run.stderr, results: run.stdout.slice(0, -1).split('\n').map((line) => JSON.parse(line) as EvalOutput) };
}

const DEPLOYMENT_POD = { spec: { containers: [{ name: 'app', image: 'nginx' }] } };

describe('ratchet eval --jsonl (built binary)', () => {
  beforeAll(() => {
    assertCliBuilt();
  });

  // An even spread over the bundle reaches every check, level and version.
  const fixtures = loadFixtures();
  const sample = Array.from({ length: 1000 }, (_, i) => fixtures[Math.floor((i * fixtures.length) / 1000)]!);

  it.concurrent('answers 1,000 lines in order, each exactly as evaluatePod does at its own level and version', async () => {
    const lines = sample.map((fixture, i) => request(`fixture-${i}`, fixture));

    const { code, results, stderr } = await evalJsonl(`${lines.join('\n')}\n`);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(results.map((result) => result.id)).toEqual(sample.map((_, i) => `fixture-${i}`));
    results.forEach((result, i) => {
      const fixture = sample[i]!;
      expect({ file: fixture.file, level: fixture.level, version: fixture.version, result }).toEqual({
        file: fixture.file, level: fixture.level, version: fixture.version, result: expectedFor(`fixture-${i}`, fixture),
      });
    });
    // The sample is only worth something if it holds both verdicts.
    expect(new Set(results.map((result) => result.allowed))).toEqual(new Set([true, false]));
  });

  it.concurrent('splits lines at \\n, \\r\\n and a lone \\r, across 64 kB chunks, and answers a last line without a newline', async () => {
    const line = (id: string) => JSON.stringify({ id, level: 'baseline', version: 'latest', pod: { ...DEPLOYMENT_POD, metadata: { annotations: { pad: 'x'.repeat(5000) } } } });
    // 40 lines of ~5 kB: several stdin chunks, so line ends also fall on chunk boundaries.
    const ids = Array.from({ length: 40 }, (_, i) => `line-${i}`);
    const endings = ['\n', '\r\n', '\r'];
    const input = ids.map((id, i) => line(id) + (i === ids.length - 1 ? '' : endings[i % 3]!)).join('');

    const { code, results } = await evalJsonl(input);

    expect(code).toBe(0);
    expect(results.map((result) => [result.id, result.allowed])).toEqual(ids.map((id) => [id, true]));
  });

  it.concurrent('answers a malformed line with {id, error} and carries on with the next', async () => {
    const good = (id: string) => JSON.stringify({ id, level: 'baseline', version: 'latest', pod: DEPLOYMENT_POD });
    const input = [
      good('first'),
      '{"id": "broken", "level": ',
      good('after-bad-json'),
      JSON.stringify({ level: 'baseline', version: 'latest', pod: DEPLOYMENT_POD }),
      JSON.stringify({ id: 7, level: 'baseline', version: 'latest', pod: DEPLOYMENT_POD }),
      JSON.stringify({ id: 'bad-level', level: 'enforce', version: 'latest', pod: DEPLOYMENT_POD }),
      JSON.stringify({ id: 'no-level', version: 'latest', pod: DEPLOYMENT_POD }),
      JSON.stringify({ id: 'bad-version', level: 'baseline', version: 'v2.0', pod: DEPLOYMENT_POD }),
      JSON.stringify({ id: 'pod-string', level: 'baseline', version: 'latest', pod: 'nginx' }),
      JSON.stringify({ id: 'pod-missing', level: 'baseline', version: 'latest' }),
      JSON.stringify({
        id: 'wrong-type', level: 'baseline', version: 'latest',
        pod: { spec: { containers: [{ name: 'app', securityContext: { privileged: 'yes please' } }] } },
      }),
      '["id", "level", "version", "pod"]',
      '{}',
      JSON.stringify({ id: 'all-wrong', level: 5, version: 3, pod: [] }),
      good('last'),
    ];

    const { code, results } = await evalJsonl(`${input.join('\n')}\n`);

    // Bad lines are answered in-band; the batch itself succeeded.
    expect(code).toBe(0);
    const passing = { allowed: true, forbiddenReason: '', forbiddenDetail: '', checks: [] };
    expect(results).toEqual([
      { id: 'first', ...passing },
      { id: null, error: expect.stringMatching(/^invalid JSON: /) },
      { id: 'after-bad-json', ...passing },
      { id: null, error: 'id: required, a string' },
      { id: null, error: 'id: required, a string' },
      { id: 'bad-level', error: 'level: must be one of privileged, baseline, restricted' },
      { id: 'no-level', error: 'level: required, one of privileged, baseline, restricted' },
      { id: 'bad-version', error: 'invalid version "v2.0": must be "latest" or "v1.<minor>", e.g. v1.30' },
      { id: 'pod-string', error: 'pod: required, an object' },
      { id: 'pod-missing', error: 'pod: required, an object' },
      { id: 'wrong-type', error: 'pod.spec.containers[0].securityContext.privileged: expected a boolean, got "yes please"' },
      { id: null, error: 'expected a JSON object {"id", "level", "version", "pod"} on each line' },
      // Every problem of a line, in field order.
      { id: null, error: 'id: required, a string; level: required, one of privileged, baseline, restricted; version: required, "latest" or "v1.N"; pod: required, an object' },
      { id: 'all-wrong', error: 'level: required, one of privileged, baseline, restricted; version: required, "latest" or "v1.N"; pod: required, an object' },
      { id: 'last', ...passing },
    ]);
  });

  it.concurrent('ignores blank lines and accepts CRLF and a missing final newline', async () => {
    const pod = (id: string, level: string) => JSON.stringify({ id, level, version: 'v1.0', pod: { spec: { hostPID: true } } });
    const input = ['', pod('a', 'baseline'), '   ', '\t', pod('b', 'privileged'), '', pod('c', 'restricted')].join('\r\n');

    const { results } = await evalJsonl(input);

    expect(results.map((result) => [result.id, result.allowed, result.forbiddenReason])).toEqual([
      ['a', false, 'host namespaces'],
      ['b', true, ''],
      ['c', false, 'host namespaces'],
    ]);
  });

  it.concurrent('streams a 20,000-line batch', async () => {
    const pods = sample.slice(0, 50);
    const input = Array.from({ length: 20_000 }, (_, i) => request(`line-${i}`, pods[i % pods.length]!)).join('\n');

    const { code, results, stderr } = await evalJsonl(`${input}\n`);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(results).toHaveLength(20_000);
    const expected = pods.map((fixture) => expectedFor('', fixture));
    expect(results).toEqual(results.map((_, i) => ({ ...expected[i % pods.length], id: `line-${i}` })));
  });
});
