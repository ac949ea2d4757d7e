import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, stringify } from 'yaml';

import { REPO_ROOT, assertCliBuilt, manifest, runRatchet } from './support/run-ratchet.util.js';
import { strategicMerge } from './support/strategic-merge.util.js';

// What kubectl prints when it creates failing-cronjob.yaml in a namespace labelled
// pod-security.kubernetes.io/warn=restricted, written out by hand from the upstream rules: checks in
// upstream order (allowPrivilegeEscalation, capabilities_restricted, restrictedVolumes, runAsNonRoot,
// runAsUser, seccompProfile_restricted; hostPathVolumes and capabilities_baseline are overridden at
// restricted), added capabilities as a sorted quoted set, the pod as the only runAsUser=0 setter.
const CRONJOB_DETAIL_V1_22 = [
  'allowPrivilegeEscalation != false (container "report" must set securityContext.allowPrivilegeEscalation=false)',
  'unrestricted capabilities (container "report" must set securityContext.capabilities.drop=["ALL"]; container "report" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)',
  'restricted volume types (volume "scratch" uses restricted volume type "hostPath")',
  'runAsNonRoot != true (pod or container "report" must set securityContext.runAsNonRoot=true)',
  'seccompProfile (pod or container "report" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
];
// runAsUser exists from v1.23 and sorts between runAsNonRoot and seccompProfile_restricted.
const CRONJOB_DETAIL_LATEST = [...CRONJOB_DETAIL_V1_22.slice(0, 4), 'runAsUser=0 (pod must not set runAsUser=0)', CRONJOB_DETAIL_V1_22[4]!];
const KUBECTL_CRONJOB_WARNING = `Warning: would violate PodSecurity "restricted:latest": ${CRONJOB_DETAIL_LATEST.join(', ')}`;

const CLEAN_OK_LINE = `ok    ${manifest('clean-deployment.yaml')}:1  Deployment shop/storefront`;

function lines(text: string): string[] {
  return text.split('\n');
}

/** The YAML patch printed under `fix:` for the workload whose header is `source:line  ...`. */
function printedPatch(stdout: string, header: string): unknown {
  const all = lines(stdout);
  const start = all.findIndex((line) => line.startsWith(header));
  expect(start).toBeGreaterThanOrEqual(0);
  const fix = all.findIndex((line, i) => i > start && line.startsWith('  fix: '));
  const end = all.findIndex((line, i) => i > fix && !line.startsWith('    '));
  return parse(all.slice(fix + 1, end).map((line) => line.slice(4)).join('\n'));
}

// The fields of `--format json` these tests read.
interface JsonWorkload {
  [field: string]: unknown;
  source: string;
  kind: string;
  name: string;
  allowed: boolean;
  forbiddenReason: string;
  checks: { id: string; reason: string; detail: string; remediation: Record<string, string> }[];
  patch: {
    changes: unknown[];
    yaml: string | null;
    manual: { checkId: string; reason: string; detail: string }[];
    allowedAfter: boolean;
  } | null;
}

interface JsonReport {
  level: string;
  version: string;
  summary: Record<string, number>;
  workloads: JsonWorkload[];
  unknown: Record<string, unknown>[];
  skipped: Record<string, unknown>[];
  errors: Record<string, unknown>[];
}

describe('ratchet check (built binary)', () => {
  let scratch: string;

  beforeAll(async () => {
    assertCliBuilt();
    scratch = await mkdtemp(join(tmpdir(), 'ratchet-cli-'));
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it.concurrent('exits 0 and lists a clean Deployment as ok', async () => {
    const run = await runRatchet(['check', manifest('clean-deployment.yaml')]);

    expect(run).toEqual({
      code: 0,
      stdout: `${CLEAN_OK_LINE}\n\npass  1 workload in 1 file checked against restricted:latest: 1 pass\n`,
      stderr: '',
    });
  });

  it.concurrent('exits 1 on a failing CronJob and prints the warning line kubectl would print, byte for byte', async () => {
    const run = await runRatchet(['check', manifest('failing-cronjob.yaml')]);

    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    const header = out.indexOf(`${manifest('failing-cronjob.yaml')}:3  CronJob shop/nightly-report`);
    expect(header).toBeGreaterThanOrEqual(0);
    // Indented under its object's header; the rest of the line is exactly kubectl's.
    expect(out[header + 1]).toBe(KUBECTL_CRONJOB_WARNING);
    expect(out.at(-2)).toBe(
      'fail  1 workload in 1 file checked against restricted:latest: 0 pass, 1 would be rejected (0 fixed by the suggested patch, 1 needs a human)',
    );
  });

  it.concurrent('reports the line of each document in a multi-document file', async () => {
    const run = await runRatchet(['check', manifest('multi-document.yaml')]);

    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    // The third document starts at line 35, after a `---`, a blank line and a comment.
    expect(out).toContain(`${manifest('multi-document.yaml')}:35  Pod shop/debug`);
    expect(out).toContain(`ok    ${manifest('multi-document.yaml')}:10  Deployment shop/storefront`);
    expect(out).toContain(`skip  ${manifest('multi-document.yaml')}:2  ConfigMap shop/storefront-config: ConfigMap does not run pods`);
  });

  it.concurrent('recurses into directories, reading only manifests and skipping hidden folders', async () => {
    const run = await runRatchet(['check', '--format', 'json', manifest('tree')]);

    // .hidden/broken.yaml is malformed and README.md, notes.txt are not YAML manifests: reading any would be exit 2.
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.errors).toEqual([]);
    expect(report.summary.files).toBe(3);
    expect(report.workloads.map((w) => [w.source, w.kind, w.name, w.allowed])).toEqual([
      [manifest('tree/backend/api.json'), 'StatefulSet', 'api', true],
      [manifest('tree/backend/jobs/migrate.yml'), 'Job', 'migrate', false],
      [manifest('tree/frontend/web.yaml'), 'Deployment', 'web', true],
    ]);
  });

  it.concurrent('reads stdin for -, alongside files', async () => {
    const cronJob = await readFile(join(REPO_ROOT, manifest('failing-cronjob.yaml')), 'utf8');

    const run = await runRatchet(['check', '-', manifest('clean-deployment.yaml')], { stdin: cronJob });

    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out).toContain('<stdin>:3  CronJob shop/nightly-report');
    expect(out).toContain(KUBECTL_CRONJOB_WARNING);
    expect(out).toContain(CLEAN_OK_LINE);
    expect(out.at(-2)).toMatch(/^fail {2}2 workloads in 2 files checked against restricted:latest: 1 pass, 1 would be rejected/);
  });

  it.concurrent('passes at --level baseline a pod that restricted rejects', async () => {
    const [baseline, restricted] = await Promise.all([
      runRatchet(['check', '--level', 'baseline', manifest('baseline-only.yaml')]),
      runRatchet(['check', manifest('baseline-only.yaml')]),
    ]);

    expect(baseline.code).toBe(0);
    expect(baseline.stdout).toBe(
      `ok    ${manifest('baseline-only.yaml')}:2  Pod shop/plain\n\npass  1 workload in 1 file checked against baseline:latest: 1 pass\n`,
    );
    expect(restricted.code).toBe(1);
    expect(restricted.stdout).toContain('Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app"');
  });

  it.concurrent('applies the runAsUser check only from v1.23, as --version selects', async () => {
    const checkAt = (version: string) => runRatchet(['check', '--version', version, manifest('run-as-root.yaml')]);
    const [v122, v123] = await Promise.all([checkAt('v1.22'), checkAt('v1.23')]);

    expect(v122.code).toBe(0);
    expect(v122.stdout).toContain('checked against restricted:v1.22: 1 pass');
    expect(v123.code).toBe(1);
    expect(lines(v123.stdout)).toContain('Warning: would violate PodSecurity "restricted:v1.23": runAsUser=0 (pod must not set runAsUser=0)');
  });

  it.concurrent('leaves runAsUser out of the CronJob warning at v1.22', async () => {
    const run = await runRatchet(['check', '-v', 'v1.22', manifest('failing-cronjob.yaml')]);

    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toContain(`Warning: would violate PodSecurity "restricted:v1.22": ${CRONJOB_DETAIL_V1_22.join(', ')}`);
  });

  it.concurrent('prints a version newer than any check as given, evaluating it as the newest', async () => {
    const run = await runRatchet(['check', '--version', 'v1.40', manifest('run-as-root.yaml')]);

    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out).toContain('Warning: would violate PodSecurity "restricted:v1.40": runAsUser=0 (pod must not set runAsUser=0)');
    expect(out.at(-2)).toMatch(/checked against restricted:v1\.40: 0 pass, 1 would be rejected/);
  });

  it.concurrent('writes a JSON report with counts, checks, remediation, patch and what needs a human', async () => {
    const run = await runRatchet([
      'check', '--format', 'json',
      manifest('failing-cronjob.yaml'), manifest('clean-deployment.yaml'), manifest('mixed-kinds.yaml'),
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.level).toBe('restricted');
    expect(report.version).toBe('latest');
    expect(report.summary).toEqual({ files: 3, workloads: 2, allowed: 1, rejected: 1, unknown: 1, skipped: 1, errors: 0 });

    const [cronJob, deployment] = report.workloads;
    expect(cronJob).toMatchObject({
      source: manifest('failing-cronjob.yaml'),
      line: 3,
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      namespace: 'shop',
      name: 'nightly-report',
      itemPath: null,
      templatePath: 'spec.jobTemplate.spec.template',
      allowed: false,
      forbiddenReason: 'allowPrivilegeEscalation != false, unrestricted capabilities, restricted volume types, runAsNonRoot != true, runAsUser=0, seccompProfile',
      forbiddenDetail: CRONJOB_DETAIL_LATEST.join(', '),
      warning: KUBECTL_CRONJOB_WARNING.slice('Warning: '.length),
    });
    expect(cronJob!.checks.map((check) => check.id)).toEqual([
      'allowPrivilegeEscalation', 'capabilities_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
    expect(cronJob!.checks[4]).toMatchObject({ id: 'runAsUser', reason: 'runAsUser=0', detail: 'pod must not set runAsUser=0' });
    for (const check of cronJob!.checks) {
      expect(check.remediation).toEqual({ what: expect.any(String), why: expect.any(String), snippet: expect.any(String) });
      expect(check.remediation.what).not.toBe('');
    }

    const podPatch = {
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'report', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    };
    expect(parse(cronJob!.patch!.yaml!)).toEqual({ spec: { jobTemplate: { spec: { template: { spec: podPatch } } } } });
    // runAsNonRoot cannot be patched in while the pod asks for uid 0.
    expect(cronJob!.patch!.manual.map((fix) => fix.checkId)).toEqual(['capabilities_restricted', 'restrictedVolumes', 'runAsNonRoot', 'runAsUser']);
    expect(cronJob!.patch!.manual[0]).toMatchObject({
      detail: 'container "report" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add',
      reason: expect.stringContaining('NET_BIND_SERVICE'),
    });
    expect(cronJob!.patch!.allowedAfter).toBe(false);

    expect(deployment).toMatchObject({ kind: 'Deployment', name: 'storefront', line: 1, allowed: true, forbiddenReason: '', warning: null, checks: [], patch: null });
    expect(report.unknown).toEqual([expect.objectContaining({ source: manifest('mixed-kinds.yaml'), line: 1, kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1' })]);
    expect(report.skipped).toEqual([expect.objectContaining({ source: manifest('mixed-kinds.yaml'), line: 15, kind: 'Service', reason: 'Service does not run pods' })]);
    expect(report.errors).toEqual([]);
  });

  it.concurrent('prints a patch that, merged into the workload, makes it pass', async () => {
    const source = manifest('patchable-deployment.yaml');
    const before = await runRatchet(['check', source]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('  fix: apply this patch to Deployment spec.template\n');

    const original = parse(await readFile(join(REPO_ROOT, source), 'utf8'));
    const patched = join(scratch, 'patched-deployment.yaml');
    await writeFile(patched, stringify(strategicMerge(original, printedPatch(before.stdout, `${source}:2  Deployment shop/checkout`))));
    const after = await runRatchet(['check', patched]);

    expect(after.stderr).toBe('');
    expect(after.stdout).toBe(`ok    ${patched}:1  Deployment shop/checkout\n\npass  1 workload in 1 file checked against restricted:latest: 1 pass\n`);
    expect(after.code).toBe(0);
  });

  it.concurrent('prints a partial patch that leaves exactly what needs a human', async () => {
    const source = manifest('failing-cronjob.yaml');
    const before = await runRatchet(['check', source]);
    expect(before.stdout).toContain('  fix: for the rest, apply this patch to CronJob spec.jobTemplate.spec.template\n');

    const original = parse(await readFile(join(REPO_ROOT, source), 'utf8'));
    const patched = join(scratch, 'patched-cronjob.yaml');
    await writeFile(patched, stringify(strategicMerge(original, printedPatch(before.stdout, `${source}:3  CronJob shop/nightly-report`))));
    const after = await runRatchet(['check', '--format', 'json', patched]);

    expect(after.code).toBe(1);
    const [workload] = (JSON.parse(after.stdout) as JsonReport).workloads;
    expect(workload!.forbiddenReason).toBe('unrestricted capabilities, restricted volume types, runAsNonRoot != true, runAsUser=0');
    expect(workload!.patch!.changes).toEqual([]);
    expect(workload!.patch!.yaml).toBeNull();
  });

  it.concurrent('evaluates every item of a List, and reports each at its own line', async () => {
    const run = await runRatchet(['check', manifest('list.yaml')]);

    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out).toContain(`${manifest('list.yaml')}:6  Deployment shop/storefront [items[0]]`);
    expect(out).toContain(`${manifest('list.yaml')}:17  Pod shop/debug [items[1]]`);
    expect(out).toContain(`skip  ${manifest('list.yaml')}:28  Service shop/storefront [items[2]]: Service does not run pods`);
    expect(out.at(-2)).toMatch(/^fail {2}2 workloads in 1 file checked against restricted:latest: 0 pass, 2 would be rejected /);
  });

  it.concurrent('reports the items of a List at their lines, not the List\'s, in text and in JSON, from YAML and JSON', async () => {
    // The shared case: the List starts at line 3, its items at lines 6 and 14.
    const yaml = manifest('list-item-lines.yaml');
    const text = await runRatchet(['check', yaml]);
    expect(lines(text.stdout).filter((line) => line.startsWith(yaml))).toEqual([
      `${yaml}:6  Pod first [items[0]]`,
      `${yaml}:14  Pod second [items[1]]`,
    ]);

    const json = await runRatchet(['check', '--format', 'json', yaml]);
    expect((JSON.parse(json.stdout) as JsonReport).workloads.map((w) => [w.name, w.line])).toEqual([['first', 6], ['second', 14]]);

    // The same List as `kubectl get -o json` prints it, on stdin: each item's line is the line of its `{`.
    const exported = `${JSON.stringify(parse(await readFile(join(REPO_ROOT, yaml), 'utf8')), null, 4)}\n`;
    const itemLine = (name: string) => exported.split('\n').findIndex((line) => line.includes(`"name": "${name}"`)) + 1 - 4;
    expect([itemLine('first'), itemLine('second')]).toEqual([5, 20]);
    const fromStdin = await runRatchet(['check', '--format', 'json', '-'], { stdin: exported });
    expect((JSON.parse(fromStdin.stdout) as JsonReport).workloads.map((w) => [w.source, w.name, w.line])).toEqual([
      ['<stdin>', 'first', 5],
      ['<stdin>', 'second', 20],
    ]);
    const textFromStdin = await runRatchet(['check', '-'], { stdin: exported });
    expect(lines(textFromStdin.stdout)).toEqual(expect.arrayContaining(['<stdin>:5  Pod first [items[0]]', '<stdin>:20  Pod second [items[1]]']));
  });

  it.concurrent('folds pods of one owner that fail the same way into one entry with a count, in text and in JSON', async () => {
    const file = manifest('owned-pods.json');
    const text = await runRatchet(['check', file]);

    expect(text.code).toBe(1);
    const out = lines(text.stdout);
    expect(out.filter((line) => line.startsWith(file))).toEqual([
      `${file}:8  Pod shop/web-7d4f9-aaaaa [items[0]] (and 2 other pods of ReplicaSet web-7d4f9)`,
      `${file}:32  Pod shop/web-7d4f9-ccccc [items[2]]`,
      `${file}:56  Pod shop/debug [items[4]]`,
    ]);
    expect(out.filter((line) => line.startsWith('Warning:'))).toHaveLength(3);
    // Counts stay counts of pods; the privileged one needs a human.
    expect(out.at(-2)).toBe('fail  5 workloads in 1 file checked against restricted:latest: 0 pass, 5 would be rejected (4 fixed by the suggested patch, 1 needs a human)');

    const json = JSON.parse((await runRatchet(['check', '--format', 'json', file])).stdout) as JsonReport;
    expect(json.summary).toMatchObject({ workloads: 5, allowed: 0, rejected: 5 });
    expect(json.workloads.map((w) => ({ name: w.name, line: w.line, count: w['count'], owner: w['owner'], otherPods: w['otherPods'] }))).toEqual([
      {
        name: 'web-7d4f9-aaaaa', line: 8, count: 3, owner: { kind: 'ReplicaSet', name: 'web-7d4f9' },
        otherPods: [{ name: 'web-7d4f9-bbbbb', line: 20, itemPath: 'items[1]' }, { name: 'web-7d4f9-ddddd', line: 44, itemPath: 'items[3]' }],
      },
      { name: 'web-7d4f9-ccccc', line: 32, count: 1, owner: { kind: 'ReplicaSet', name: 'web-7d4f9' }, otherPods: [] },
      { name: 'debug', line: 56, count: 1, owner: null, otherPods: [] },
    ]);
    // The folded entry's patch is the one each of its pods needs.
    expect(json.workloads[0]!.patch!.allowedAfter).toBe(true);
  });

  it.concurrent('exits 2 on input without any Kubernetes object, unless --allow-empty', async () => {
    const message = 'no Kubernetes objects in the input, so nothing was checked (an empty file, or a command piped in that failed?); pass --allow-empty to accept this';
    // A failed `helm template ... | ratchet check -` pipes in nothing.
    const empty = await runRatchet(['check', '-'], { stdin: '' });
    expect(empty).toEqual({
      code: 2,
      stdout: `error <stdin>: ${message}\n\nerror  0 workloads in 1 file checked against restricted:latest: 0 pass, 1 input error\n`,
      stderr: '',
    });

    const comments = join(scratch, 'only-comments.yaml');
    await writeFile(comments, '# Source: chart/templates/deployment.yaml\n---\n# nothing rendered\n');
    const emptyList = '{"apiVersion": "v1", "kind": "List", "items": []}\n';
    const json = await runRatchet(['check', '--format', 'json', comments, '-'], { stdin: emptyList });
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as JsonReport).errors).toEqual([{ source: `${comments}, <stdin>`, message }]);

    const allowed = await runRatchet(['check', '--allow-empty', '-'], { stdin: emptyList });
    expect(allowed).toEqual({ code: 0, stdout: 'pass  0 workloads in 1 file checked against restricted:latest: 0 pass\n', stderr: '' });
    // One object without a pod is not empty input: it is listed and passes.
    const service = await runRatchet(['check', '-'], { stdin: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n' });
    expect(service.code).toBe(0);
  });

  it.concurrent('defaults hostPort from containerPort on a hostNetwork Pod, as the API server does, but not in a template', async () => {
    const run = await runRatchet(['check', '--level', 'baseline', manifest('host-network.yaml')]);

    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    const pod = out.indexOf(`${manifest('host-network.yaml')}:3  Pod monitoring/node-exporter`);
    const daemonSet = out.indexOf(`${manifest('host-network.yaml')}:15  DaemonSet monitoring/node-exporter`);
    expect(out[pod + 1]).toBe('Warning: would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPort (container "exporter" uses hostPort 9100)');
    expect(out[daemonSet + 1]).toBe('Warning: would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
  });

  it.concurrent('exits 2 on malformed YAML with file:line:col, and still reports the other files', async () => {
    const run = await runRatchet(['check', manifest('malformed.yaml'), manifest('clean-deployment.yaml')]);

    expect(run.code).toBe(2);
    const out = lines(run.stdout);
    // Line 5 indents `namespace:` (column 5) under the scalar `broken` on line 4: the error names that token.
    expect(out[0]).toBe(`error ${manifest('malformed.yaml')}:5:5: bad indentation of a mapping entry`);
    expect(out).toContain(CLEAN_OK_LINE);
    expect(out.at(-2)).toBe('error  1 workload in 2 files checked against restricted:latest: 1 pass, 1 input error');
  });

  it.concurrent('lists unknown kinds and pod-less kinds without changing the exit code', async () => {
    const run = await runRatchet(['check', manifest('mixed-kinds.yaml'), manifest('clean-deployment.yaml')]);

    // The Rollout's template has a privileged container, but a custom resource's template is not read.
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out).toContain(
      `unknown ${manifest('mixed-kinds.yaml')}:1  Rollout shop/storefront: unknown kind Rollout (argoproj.io/v1alpha1): ` +
        'not a built-in pod controller, so no pod template was read from it; Pod Security still checks the pods it creates when they are created',
    );
    expect(out).toContain(`skip  ${manifest('mixed-kinds.yaml')}:15  Service shop/storefront: Service does not run pods`);
    expect(out.at(-2)).toBe('pass  1 workload in 2 files checked against restricted:latest: 1 pass, 1 of unknown kind');
  });

  it.concurrent('exits 2 on a missing path, naming it', async () => {
    const missing = manifest('does-not-exist.yaml');
    const run = await runRatchet(['check', missing, manifest('clean-deployment.yaml')]);

    expect(run.code).toBe(2);
    expect(lines(run.stdout)).toEqual([
      `error ${missing}: no such file or directory`,
      '',
      CLEAN_OK_LINE,
      '',
      'error  1 workload in 1 file checked against restricted:latest: 1 pass, 1 input error',
      '',
    ]);
  });

  it.concurrent('exits 2 on a field of the wrong type, naming its path in the object', async () => {
    const run = await runRatchet(['check', manifest('wrong-type.yaml')]);

    expect(run.code).toBe(2);
    expect(lines(run.stdout)[0]).toBe(
      `error ${manifest('wrong-type.yaml')}:1: Deployment shop/legacy: spec.template.spec.containers[0].securityContext.privileged: expected a boolean, got "yes please"`,
    );
  });

  it.concurrent('exits 2 with a message on a bad flag value', async () => {
    const runs = await Promise.all([
      runRatchet(['check', '--level', 'privileged', manifest('clean-deployment.yaml')]),
      runRatchet(['check', '--version', 'v2.0', manifest('clean-deployment.yaml')]),
      runRatchet(['check', '--format', 'xml', manifest('clean-deployment.yaml')]),
      runRatchet(['check']),
    ]);

    expect(runs.map((run) => [run.code, run.stdout])).toEqual([[2, ''], [2, ''], [2, ''], [2, '']]);
    const [level, version, format, noPath] = runs.map((run) => run.stderr);
    expect(level).toMatch(/'privileged' is invalid\. Allowed choices are baseline, restricted\./);
    expect(version).toMatch(/'v2\.0' is invalid\. must be "latest" or "v1\.<minor>"/);
    expect(format).toMatch(/'xml' is invalid\. Allowed choices are text, json\./);
    expect(noPath).toMatch(/missing required argument 'path'/);
  });

  it.concurrent('prints help and exits 0 for --help', async () => {
    const run = await runRatchet(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: ratchet \[options\] \[command\]/);
    expect(run.stdout).toMatch(/\n {2}check \[options\] <path\.\.\.>/);
    expect(run.stdout).toMatch(/\n {2}eval \[options\]/);
  });

  it.concurrent('colors output only when FORCE_COLOR asks for it', async () => {
    const source = manifest('failing-cronjob.yaml');
    const [forced, off] = await Promise.all([
      runRatchet(['check', source], { env: { FORCE_COLOR: '1' } }),
      runRatchet(['check', source], { env: { FORCE_COLOR: '0' } }),
    ]);

    expect(forced.stdout).toContain('\u001b[');
    expect(off.stdout).not.toContain('\u001b[');
  });
});
