// Restart policies across a berthd restart: containers that died while berthd was away come back
// when it starts again if their policy says so (always; unless-stopped and on-failure unless stopped
// by hand), and healthchecks of containers that kept running resume.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, SECOND, until, type Fixture } from './fixture.js';

let f: Fixture;
before(async () => { f = await openFixture(); });
after(async () => { await f?.stop(); });

test('always, unless-stopped and on-failure containers come back after berthd is killed; stopped ones stay stopped', async () => {
  const policy = (Name: 'no' | 'always' | 'unless-stopped' | 'on-failure') => ({ HostConfig: { NetworkMode: 'none', RestartPolicy: { Name } } });
  const always = await f.run(['sleep', '1000'], policy('always'), 'always');
  const unless = await f.run(['sleep', '1000'], policy('unless-stopped'), 'unless');
  const onFailure = await f.run(['sleep', '1000'], policy('on-failure'), 'onfailure');
  const none = await f.run(['sleep', '1000'], policy('no'), 'none');
  const unlessStopped = await f.run(['sleep', '1000'], policy('unless-stopped'), 'unless-stopped-by-hand');
  const alwaysStopped = await f.run(['sleep', '1000'], policy('always'), 'always-stopped-by-hand');
  const healthy = await f.run(['sleep', '1000'], { Healthcheck: { Test: ['CMD', 'true'], Interval: 0.2 * SECOND } }, 'healthy');
  await f.client.containers.stop(unlessStopped, { timeout: 0 });
  await f.client.containers.stop(alwaysStopped, { timeout: 0 });
  assert.equal(await until(async () => (await f.inspect(healthy)).State.Health?.Status === 'healthy', 10_000), true);

  // berthd dies; while it is away, the running containers die too (their monitors record it).
  const pids = await Promise.all([always, unless, onFailure, none].map(async (id) => (await f.inspect(id)).State.Pid as number));
  process.kill(f.daemon.pid, 'SIGKILL');
  await f.daemon.exited();
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  await f.daemon.restart('SIGKILL');

  const status = async (id: string) => (await f.inspect(id)).State.Status as string;
  for (const id of [always, unless, onFailure, alwaysStopped]) {
    assert.equal(await until(async () => (await status(id)) === 'running', 15_000), true, `${(await f.inspect(id)).Name} is running again`);
  }
  assert.equal(await status(none), 'exited');
  assert.equal((await f.inspect(none)).State.ExitCode, 137);
  assert.equal(await status(unlessStopped), 'exited');
  // The container that kept running keeps its health, and its probes go on.
  const lastProbe = async () => ((await f.inspect(healthy)).State.Health as { Status: string; Log: { Start: string }[] });
  const h = await lastProbe();
  assert.equal(h.Status, 'healthy');
  const probed = h.Log.at(-1)?.Start;
  assert.equal(await until(async () => (await lastProbe()).Log.at(-1)?.Start !== probed, 5000), true, 'probes resume');
  for (const id of [always, unless, onFailure, none, unlessStopped, alwaysStopped, healthy]) await f.client.containers.remove(id, { force: true });
});
