// Rebuilds libs/pss/test/conformance/pss-fixtures.json from a checkout of upstream
// kubernetes/pod-security-admission (or kubernetes/kubernetes' staging/src/k8s.io/pod-security-admission).
//
//   node scripts/refresh-pss-fixtures.ts <checkout> [--commit <sha>] [--kubernetes-commit <sha>]
//
// The YAML files are stored byte for byte, deduplicated by sha256; the manifest is derived from the
// directory layout and from the generators' expectErrorSubstring in test/fixtures_<check>.go.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const OUTPUT = new URL('../libs/pss/test/conformance/pss-fixtures.json', import.meta.url);

const CHECK_IDS = [
  'allowPrivilegeEscalation', 'appArmorProfile', 'capabilities_baseline', 'capabilities_restricted', 'hostNamespaces',
  'hostPathVolumes', 'hostPorts', 'hostProbesAndHostLifecycle', 'privileged', 'procMount', 'procMount_restricted',
  'restrictedVolumes', 'runAsNonRoot', 'runAsUser', 'seLinuxOptions', 'seccompProfile_baseline',
  'seccompProfile_restricted', 'sysctls', 'windowsHostProcess',
];

// Where a restricted check replaces a baseline one, the restricted check reports the failure
// (upstream policy OverrideCheckIDs). Kept here, independent of libs/pss, so the test cannot agree
// with the evaluator by construction.
const OVERRIDES: Record<string, { by: string; from: number }> = {
  hostPathVolumes: { by: 'restrictedVolumes', from: 0 },
  seccompProfile_baseline: { by: 'seccompProfile_restricted', from: 19 },
  capabilities_baseline: { by: 'capabilities_restricted', from: 22 },
  procMount: { by: 'procMount_restricted', from: 35 },
};

interface FixtureEntry {
  file: string;
  level: 'baseline' | 'restricted';
  version: string;
  expect: 'allow' | 'deny';
  check: string | null;
  index?: number;
  reportedBy?: string;
  expectErrorSubstring?: string;
  sha256: string;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { commit: { type: 'string' }, 'kubernetes-commit': { type: 'string' } },
});
const checkout = positionals[0];
if (!checkout) {
  console.error('usage: node scripts/refresh-pss-fixtures.ts <pod-security-admission checkout> [--commit <sha>] [--kubernetes-commit <sha>]');
  process.exit(2);
}
const testDir = join(checkout, 'test');
const testdata = join(testDir, 'testdata');

function expectedSubstrings(): Map<string, string> {
  const byCheck = new Map<string, string>();
  for (const id of CHECK_IDS) {
    // procMount_restricted's generator lives in fixtures_procMount.go; no file at all means "the ID".
    const candidates = [`fixtures_${id}.go`, `fixtures_${id.replace(/_[a-z]+$/, '')}.go`];
    const found = candidates.find((name) => existsSync(join(testDir, name)));
    const source = found ? readFileSync(join(testDir, found), 'utf8') : '';
    const match = /expectErrorSubstring:\s*"((?:[^"\\]|\\.)*)"/.exec(source);
    byCheck.set(id, match ? JSON.parse(`"${match[1]}"`) as string : id);
  }
  return byCheck;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : entry.name.endsWith('.yaml') ? [path] : [];
  });
}

const substrings = expectedSubstrings();
const byLowerId = new Map(CHECK_IDS.map((id) => [id.toLowerCase(), id]));
const blobs: Record<string, string> = {};
const fixtures: FixtureEntry[] = [];

for (const path of walk(testdata).sort()) {
  const file = `testdata/${relative(testdata, path).split('\\').join('/')}`;
  const match = /^testdata\/(baseline|restricted)\/(v1\.\d+)\/(pass|fail)\/([a-z_]+?)(\d*)\.yaml$/.exec(file);
  if (!match) throw new Error(`unexpected fixture path ${file}`);
  const [, level, version, outcome, stem, index] = match as unknown as [string, 'baseline' | 'restricted', string, string, string, string];
  const text = readFileSync(path, 'utf8');
  const sha256 = createHash('sha256').update(text).digest('hex');
  blobs[sha256] = text;
  const check = stem.startsWith('base') && index === '' ? null : byLowerId.get(stem) ?? null;
  if (check === null && !stem.startsWith('base')) throw new Error(`no check matches ${file}`);
  const entry: FixtureEntry = { file, level, version, expect: outcome === 'pass' ? 'allow' : 'deny', check, sha256 };
  if (index !== '') entry.index = Number(index);
  if (entry.expect === 'deny' && check) {
    const override = OVERRIDES[check];
    const minor = Number(version.slice(3));
    entry.reportedBy = level === 'restricted' && override && minor >= override.from ? override.by : check;
    entry.expectErrorSubstring = substrings.get(check) ?? check;
  }
  fixtures.push(entry);
}

const bundle = {
  source: {
    repository: 'kubernetes/pod-security-admission',
    path: 'test/testdata',
    commit: values.commit ?? 'unknown',
    kubernetesCommit: values['kubernetes-commit'] ?? 'unknown',
    license: 'Apache-2.0',
    note: 'YAML files stored byte-identical to upstream, deduplicated by sha256; manifest derived by scripts/refresh-pss-fixtures.ts',
  },
  fixtures,
  blobs,
};
writeFileSync(OUTPUT, `${JSON.stringify(bundle, null, 0)}\n`);
console.log(`wrote ${fixtures.length} fixtures (${Object.keys(blobs).length} distinct files) to ${OUTPUT.pathname}`);
