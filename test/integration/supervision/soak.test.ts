// A bounded soak (40 s of churn, under two minutes in all): 20 containers crash and come back on their restart policies while
// 10 others run healthy under 0.5 s probes. Afterwards nothing is left behind (processes, mounts,
// veths, endpoints, exec dirs, berthd's open files) and berthd's memory stayed roughly flat.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { hostNames } from '../../../src/engine/network/names.js';
import { openFixture, SECOND, sleep, until, type Fixture } from './fixture.js';

let f: Fixture;
before(async () => { f = await openFixture(); });
after(async () => { await f?.stop(); });

const SOAK_MS = Number(process.env.BERTH_SOAK_MS ?? 40_000);

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/** berthd's open descriptors, and those on files under the daemon's roots (logs, state). */
function fds(pid: number, root: string): { total: number; underRoot: string[]; kinds: Record<string, number> } {
  const names = readdirSync(`/proc/${pid}/fd`);
  const underRoot: string[] = [];
  const kinds: Record<string, number> = {};
  for (const n of names) {
    try {
      const t = readlinkSync(`/proc/${pid}/fd/${n}`);
      if (t.startsWith(root)) underRoot.push(t);
      const kind = t.replace(/:\[\d+\]$/, '').replace(/^\/.*/, 'file');
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    } catch { /* closed meanwhile */ }
  }
  return { total: names.length, underRoot, kinds };
}

/** Processes (other than berthd) whose command line names the daemon's root: monitors, runtimes, probes. */
function processesUnder(root: string, except: number): string[] {
  const out: string[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (Number(p) === except) continue;
    try { const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' '); if (cmd.includes(root) && !cmd.includes('--test')) out.push(cmd.slice(0, 120)); } catch { /* gone */ }
  }
  return out;
}

async function inBatches<T, R>(items: T[], fn: (item: T) => Promise<R>, size = 5): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

const mountsUnder = (root: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m && m.startsWith(root));

test('20 crashing containers restart on their policies beside 10 healthy ones; nothing leaks, memory stays flat', async () => {
  const root = dirname(f.daemon.dataRoot);
  const pid = f.daemon.pid;
  const veths = () => (spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.match(new RegExp(`^\\d+: ${hostNames(f.daemon.dataRoot).vethPrefix}`, 'gm')) ?? []).length;
  const before = { fds: fds(pid, root), veths: veths() };

  const policies = ['always', 'unless-stopped', 'on-failure'] as const;
  // Created five at a time: the machine is shared, and the soak is about what follows.
  const crashers = await inBatches(Array.from({ length: 20 }, (_, i) => i), (i) =>
    // Half on the default bridge (veth, address, DNS per run), half without a network.
    f.run(['sh', '-c', `echo run ${i}; sleep 0.${1 + (i % 5)}; exit ${1 + (i % 3)}`], {
      HostConfig: { NetworkMode: i % 2 ? 'none' : 'default', RestartPolicy: { Name: policies[i % 3] } },
    }));
  const healthy = await inBatches(Array.from({ length: 10 }, (_, i) => i), () =>
    f.run(['sleep', '1000'], { Healthcheck: { Test: ['CMD-SHELL', 'echo ok'], Interval: 0.5 * SECOND } }));
  await sleep(Math.min(10_000, SOAK_MS / 4));
  const rssWarm = rssKb(pid);
  const fdsWarm = fds(pid, root).total;
  await sleep(SOAK_MS - Math.min(10_000, SOAK_MS / 4));
  const rssEnd = rssKb(pid);
  const fdsEnd = fds(pid, root).total;

  const restarts = (await Promise.all(crashers.map((id) => f.inspect(id)))).map((c) => c.RestartCount as number);
  assert.ok(restarts.every((n) => n >= 3), `every crasher came back several times: ${restarts.join(' ')}`);
  const states = await Promise.all(healthy.map(async (id) => (await f.inspect(id)).State.Health?.Status));
  assert.deepEqual(states, healthy.map(() => 'healthy'));
  // Roughly flat: after warm-up, memory grows by less than a third (and 40 MB) over the rest of the soak.
  assert.ok(rssEnd < rssWarm * 1.33 + 40_000 && rssEnd - rssWarm < 40_000, `berthd RSS ${rssWarm} kB after warm-up, ${rssEnd} kB at the end`);
  assert.ok(fdsEnd <= fdsWarm + 20, `berthd fds ${fdsWarm} after warm-up, ${fdsEnd} at the end`);
  console.log(`soak: ${restarts.reduce((a, b) => a + b, 0)} restarts in ${SOAK_MS / 1000} s; berthd RSS ${rssWarm} → ${rssEnd} kB; fds ${fdsWarm} → ${fdsEnd}`);

  // Everything goes: then nothing of theirs may remain.
  await inBatches([...crashers, ...healthy], (id) => f.client.containers.remove(id, { force: true }));
  assert.equal(await until(async () => processesUnder(root, pid).length === 0, 10_000), true, `left: ${processesUnder(root, pid).join('\n')}`);
  const mounts = mountsUnder(root);
  assert.deepEqual(mounts, [], 'no mounts left under the daemon root');
  assert.equal(veths(), before.veths, 'no veths left');
  const bridge = JSON.parse((await (await import('../../helpers/daemon.js')).daemonRequest(f.daemon.socket, 'GET', '/networks/bridge')).body) as { Containers: Record<string, unknown> };
  assert.deepEqual(Object.keys(bridge.Containers ?? {}), [], 'no endpoints left on the bridge');
  const bundles = join(f.daemon.execRoot, 'c');
  assert.deepEqual(existsSync(bundles) ? readdirSync(bundles) : [], [], 'no container run dirs left');
  const after = fds(pid, root);
  assert.deepEqual(after.underRoot.filter((p) => p.startsWith(f.daemon.dataRoot) || p.startsWith(f.daemon.execRoot)), [], 'no container files held open');
  // Sockets are the API connections the test's client keeps alive; anything else must be back to where it was.
  const notSockets = (k: Record<string, number>) => Object.entries(k).filter(([kind]) => kind !== 'socket').reduce((a, [, n]) => a + n, 0);
  assert.ok(notSockets(after.kinds) <= notSockets(before.fds.kinds) + 2, `berthd fds before ${JSON.stringify(before.fds.kinds)}, after ${JSON.stringify(after.kinds)}`);
});
