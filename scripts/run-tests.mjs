// Finds the test files and runs them with Node's own test runner (through tsx for TypeScript).
// Unit tests run in parallel; integration tests start real daemons and containers, so they run one file at a time.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const kind = process.argv[2] ?? 'all';
const filter = process.argv[3];

function walk(dir, out = []) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'fixtures' || name === 'cases') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const all = [...walk('src'), ...walk('test')].sort();
const isIntegration = (f) => f.startsWith('test/integration/') || f.startsWith('test/compat/');
const pick = (files) => (filter ? files.filter((f) => f.includes(filter)) : files);
const unit = pick(all.filter((f) => !isIntegration(f)));
const integration = pick(all.filter(isIntegration));

function run(files, concurrency) {
  if (files.length === 0) return 0;
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  return r.status ?? 1;
}

let status = 0;
if (kind === 'unit' || kind === 'all') status ||= run(unit, 2);
if (kind === 'integration' || kind === 'all') {
  if (process.getuid?.() !== 0) {
    console.error('integration tests need root (real namespaces, mounts and cgroups); skipped');
  } else {
    status = run(integration, 1) || status;
  }
}
process.exit(status);
