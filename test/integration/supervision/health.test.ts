// Healthchecks run inside the container as Docker runs them: counting rules, start period, timeout,
// the last five results in inspect, ps's status and filter, events; and --health-on-failure.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openFixture, SECOND, until, type Fixture } from './fixture.js';

let f: Fixture;
before(async () => { f = await openFixture(); });
after(async () => { await f?.stop(); });

async function logText(id: string): Promise<string> {
  let text = '';
  for await (const chunk of await f.client.containers.logs(id, { stdout: true, stderr: true })) text += (chunk as Buffer).toString('latin1');
  return text;
}

const health = async (id: string) => (await f.inspect(id)).State.Health as { Status: string; FailingStreak: number; Log: { ExitCode: number; Output: string; Start: string; End: string }[] };

test('a check that starts failing after a file is removed turns the container unhealthy after `retries` failures', async () => {
  const id = await f.run(['sh', '-c', 'touch /ok; exec sleep 1000'], {
    Healthcheck: { Test: ['CMD-SHELL', 'test -f /ok && echo fine || { echo gone; exit 1; }'], Interval: 0.3 * SECOND, Retries: 3 },
  });
  assert.equal((await health(id)).Status, 'starting');
  assert.equal(await until(async () => (await health(id)).Status === 'healthy', 10_000), true);
  const ok = await health(id);
  assert.equal(ok.FailingStreak, 0);
  assert.equal(ok.Log.at(-1)?.ExitCode, 0);
  assert.equal(ok.Log.at(-1)?.Output, 'fine\n');
  const [ps] = await f.client.containers.list({ filters: { id: [id] } });
  assert.match(ps.Status, /^Up .* \(healthy\)$/);

  const events = f.client.system.events({ filters: { container: [id], event: ['health_status'] } });
  const firstEvent = events.next();
  await f.client.exec.startDetached(await f.client.exec.create(id, { Cmd: ['rm', '/ok'] }));
  // Two failures leave it healthy with a streak of 2; the third makes it unhealthy.
  assert.equal(await until(async () => (await health(id)).FailingStreak >= 1, 10_000), true);
  const h1 = await health(id);
  if (h1.FailingStreak < 3) assert.equal(h1.Status, 'healthy');
  assert.equal(await until(async () => (await health(id)).Status === 'unhealthy', 10_000), true);
  await until(async () => (await health(id)).Log.length >= 5 && (await health(id)).FailingStreak >= 4, 10_000);
  const bad = await health(id);
  assert.ok(bad.FailingStreak >= 4, `streak ${bad.FailingStreak}`);
  assert.equal(bad.Log.length, 5, 'the last five results, no more');
  assert.equal(bad.Log.at(-1)?.ExitCode, 1);
  assert.equal(bad.Log.at(-1)?.Output, 'gone\n');
  const ev = await firstEvent;
  assert.equal(ev.value?.Action, 'health_status: unhealthy');
  await events.return(undefined);
  const unhealthy = await f.client.containers.list({ filters: { health: ['unhealthy'] } });
  assert.deepEqual(unhealthy.map((c) => c.Id), [id]);
  const [ps2] = await f.client.containers.list({ filters: { id: [id] } });
  assert.match(ps2.Status, /\(unhealthy\)$/);
  await f.client.containers.remove(id, { force: true });
});

test('failures within the start period do not count; CMD runs without a shell', async () => {
  const id = await f.run(['sleep', '1000'], {
    Healthcheck: { Test: ['CMD', 'false'], Interval: 0.2 * SECOND, StartPeriod: 3 * SECOND, StartInterval: 0.2 * SECOND, Retries: 1 },
  });
  await until(async () => (await health(id)).Log.length >= 2, 5000);
  const early = await health(id);
  assert.equal(early.Status, 'starting', 'still starting within the start period');
  assert.equal(early.FailingStreak, 0);
  assert.equal(await until(async () => (await health(id)).Status === 'unhealthy', 10_000), true);
  assert.equal((await health(id)).FailingStreak, 1);
  await f.client.containers.remove(id, { force: true });
});

test('a probe that outlives its timeout is killed and recorded as -1 with Docker\'s message', async () => {
  const id = await f.run(['sleep', '1000'], {
    Healthcheck: { Test: ['CMD-SHELL', 'echo slow; sleep 30'], Interval: 0.2 * SECOND, Timeout: 0.5 * SECOND, Retries: 1 },
  });
  assert.equal(await until(async () => (await health(id)).Status === 'unhealthy', 10_000), true);
  const h = await health(id);
  assert.equal(h.Log[0].ExitCode, -1);
  assert.equal(h.Log[0].Output, 'Health check exceeded timeout (500ms): slow\n');
  const took = Date.parse(h.Log[0].End) - Date.parse(h.Log[0].Start);
  assert.ok(took < 5000, `the probe was cut after ${took} ms`);
  await f.client.containers.remove(id, { force: true });
});

test('output is cut at 4096 bytes with a "..." mark; a NONE test means no healthcheck', async () => {
  const id = await f.run(['sleep', '1000'], {
    Healthcheck: { Test: ['CMD-SHELL', 'head -c 5000 /dev/zero | tr "\\0" a'], Interval: 0.2 * SECOND },
  });
  assert.equal(await until(async () => (await health(id)).Status === 'healthy', 10_000), true);
  const out = (await health(id)).Log[0].Output;
  assert.equal(out.length, 4099);
  assert.ok(out.endsWith('a...'));
  const none = await f.run(['sleep', '1000'], { Healthcheck: { Test: ['NONE'] } });
  assert.equal((await f.inspect(none)).State.Health, undefined);
  await f.client.containers.remove(id, { force: true });
  await f.client.containers.remove(none, { force: true });
});

test('--health-on-failure restart replaces the process in place, counted, and it comes back healthy', async () => {
  // The check fails until /ok exists in the container's own filesystem: the first run is born
  // broken, and a marker kept in a volume-less upper layer survives the in-place restart.
  const id = await f.run(['sh', '-c', 'if [ -f /ran-once ]; then touch /ok; fi; touch /ran-once; echo run; exec sleep 1000'], {
    Healthcheck: { Test: ['CMD', 'test', '-f', '/ok'], Interval: 0.2 * SECOND, Retries: 2 },
    HealthOnFailure: 'restart',
    HostConfig: { NetworkMode: 'none' },
    StopTimeout: 1,
  }, 'healer');
  const firstPid = (await f.inspect(id)).State.Pid;
  assert.equal(await until(async () => (await f.inspect(id)).RestartCount === 1, 15_000), true);
  assert.equal(await until(async () => (await health(id)).Status === 'healthy', 15_000), true);
  const after = await f.inspect(id);
  assert.equal(after.Id, id);
  assert.equal(after.Name, '/healer');
  assert.notEqual(after.State.Pid, firstPid);
  assert.equal(after.State.Status, 'running');
  assert.equal(after.Config.HealthcheckOnFailureAction, 'restart');
  assert.ok((await logText(id)).split('run').length - 1 >= 2, 'logs keep both runs');
  await f.client.containers.remove(id, { force: true });
});

test('the label berth.health-on-failure=stop stops an unhealthy container for good', async () => {
  const id = await f.run(['sleep', '1000'], {
    Healthcheck: { Test: ['CMD', 'false'], Interval: 0.2 * SECOND, Retries: 1 },
    Labels: { 'berth.health-on-failure': 'stop' },
    HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'always' } },
    StopTimeout: 1,
  });
  assert.equal(await until(async () => (await f.inspect(id)).State.Status === 'exited', 15_000), true);
  await new Promise((r) => setTimeout(r, 1000));
  const st = await f.inspect(id);
  assert.equal(st.State.Status, 'exited', 'the always policy does not undo it');
  assert.equal(st.RestartCount, 0);
  const bad = await f.client.containers.create({ Image: 'busybox:latest', Cmd: ['true'], Labels: { 'berth.health-on-failure': 'explode' } }).then(() => 'created', (e: Error) => e.message);
  assert.match(bad, /invalid label berth.health-on-failure=explode/);
  await f.client.containers.remove(id, { force: true });
});
