// The engines the orchestrator tests run `bin/berth compose` against, one after the other: berthd
// (a test daemon) always, and a throwaway Debian dockerd (own containerd, roots and socket under
// /tmp, --iptables=false) when docker.io is installed, so that every test shows berthd and Docker
// giving the same results (Docker's behaviour is the spec). BERTH_ORCH_ENGINE=berthd|dockerd runs
// one only. Both get a busybox image imported from busybox-static; `stop()` removes everything.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineClient } from '../../../src/api/client/index.js';
import { BUSYBOX_PATH, makeBusyboxTar } from '../../helpers/busybox.js';
import { ensureBuilt, startTestDaemon } from '../../helpers/daemon.js';
import { dockerdAvailable, startDockerd } from '../images/dockerd.js';

const REPO = resolve(import.meta.dirname, '../../..');
export const BERTH = join(REPO, 'bin/berth');
export const IMAGE = 'busybox:latest';

export interface Engine {
  kind: 'berthd' | 'dockerd';
  host: string;
  client: EngineClient;
  stop(): Promise<void>;
}

export type EngineKind = Engine['kind'];

export interface RunResult { code: number; stdout: string; stderr: string }

/** No single `berth` call in these tests needs more: one that does is stuck and is killed. */
const COMMAND_TIMEOUT_MS = 90_000;

/**
 * Runs `bin/berth` with DOCKER_HOST pointing at the engine. A command still running after
 * `timeoutMs` is killed and reported (code -1, stderr says so) instead of hanging the suite.
 */
export function berth(host: string, args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = COMMAND_TIMEOUT_MS): Promise<RunResult> {
  return new Promise((resolveP, reject) => {
    const child = spawn(BERTH, args, { cwd, env: { ...process.env, DOCKER_HOST: host, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\n[test] berth ${args.join(' ')} still running after ${timeoutMs / 1000} s: killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolveP({ code: code ?? -1, stdout, stderr }); });
  });
}

/** The engines to run the suites on: berthd, then dockerd (skipped with the reason when absent). */
export function engineKinds(): EngineKind[] {
  const only = process.env.BERTH_ORCH_ENGINE;
  if (only === 'berthd' || only === 'dockerd') return [only];
  return ['berthd', 'dockerd'];
}

/** A whole test file's worth of time on one engine; a test that outlives it fails loudly. */
export const SUITE_TIMEOUT_MS = 240_000;

async function importBusybox(host: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bb-'));
  try {
    const tar = makeBusyboxTar(join(dir, 'busybox.tar'));
    const r = await berth(host, ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMAGE], dir);
    if (r.code !== 0) throw new Error(`importing busybox failed: ${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts an engine of that kind with busybox imported, or says why it cannot (the tests skip). */
export async function startEngine(kind: EngineKind): Promise<Engine | string> {
  ensureBuilt();
  if (kind === 'dockerd') {
    const missing = dockerdAvailable();
    return missing ? `no Docker engine to compare with: ${missing}` : startDockerEngine();
  }
  const berthd = await startTestDaemon({ runtime: 'runc' });
  const client = EngineClient.fromHost(berthd.dockerHost);
  const stop = async () => { client.close(); await berthd.stop(); };
  try {
    await importBusybox(berthd.dockerHost);
  } catch (e) {
    await stop();
    throw e;
  }
  return { kind: 'berthd', host: berthd.dockerHost, client, stop };
}

async function startDockerEngine(): Promise<Engine> {
  const dockerd = await startDockerd();
  const client = EngineClient.fromHost(dockerd.host);
  const stop = async () => {
    client.close();
    await dockerd.stop();
    rmSync(dockerd.dir, { recursive: true, force: true });
  };
  try {
    await importBusybox(dockerd.host);
  } catch (e) {
    await stop();
    throw e;
  }
  return { kind: 'dockerd', host: dockerd.host, client, stop };
}

/**
 * What a suite of project tests on one engine shares: the engine, a temp directory holding one
 * `<project>.yaml` per test, `bin/berth compose` run against them, and an `after` hook that removes
 * every container, network and volume labelled with one of its projects, then the engine itself.
 */
export interface ProjectSuite {
  readonly engine: Engine;
  readonly kind: EngineKind;
  /** The directory the projects' files are written to (and `berth` runs in). */
  readonly dir: string;
  /** Writes `<prefix><name>.yaml` with `name:` set; returns the project name. */
  project(name: string, yaml: string): string;
  /** `berth compose -f <p>.yaml ... args` (or the given files, in order). */
  compose(p: string, args: string[], files?: string[], timeoutMs?: number): Promise<RunResult>;
  /** compose(), asserting exit code 0 (the message carries its stderr). */
  ok(p: string, args: string[], files?: string[], timeoutMs?: number): Promise<RunResult>;
  /** The project's containers (one-offs included) → state, by name without the project prefix. */
  states(p: string): Promise<Record<string, string>>;
  /** node:test's `test`, skipped (with the reason) when the engine could not be had. */
  test(name: string, fn: (t: TestContext) => Promise<void>): void;
}

function projectSuite(kind: EngineKind, prefix: string): ProjectSuite {
  let engine: Engine | undefined;
  let skip: string | false = false;
  let dir = '';
  const projects = new Set<string>();

  before(async () => {
    if (process.getuid?.() !== 0) { skip = 'needs root'; return; }
    const started = await startEngine(kind);
    if (typeof started === 'string') { skip = started; return; }
    engine = started;
    dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  });

  after(async () => {
    if (engine) {
      for (const p of projects) await removeProject(engine.client, p);
      await engine.stop();
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const suite: ProjectSuite = {
    get engine() {
      if (!engine) throw new Error('no engine (the test should have been skipped)');
      return engine;
    },
    kind,
    get dir() { return dir; },
    project(name, yaml) {
      const p = `${prefix}${process.pid}${name}`;
      projects.add(p);
      writeFileSync(join(dir, `${p}.yaml`), `name: ${p}\n${yaml}`);
      return p;
    },
    compose: (p, args, files = [`${p}.yaml`], timeoutMs) => berth(suite.engine.host, ['compose', ...files.flatMap((f) => ['-f', f]), ...args], dir, {}, timeoutMs),
    async ok(p, args, files, timeoutMs) {
      const r = await suite.compose(p, args, files, timeoutMs);
      assert.equal(r.code, 0, `compose ${args.join(' ')} failed:\n${r.stderr}`);
      return r;
    },
    async states(p) {
      const list = await suite.engine.client.containers.list({ all: true, filters: { label: [`com.docker.compose.project=${p}`] } });
      return Object.fromEntries(list.map((c) => [c.Names[0].replace(/^\//, '').slice(p.length + 1), c.State]));
    },
    test(name, fn) {
      void test(name, async (t) => {
        if (skip) return t.skip(skip);
        await fn(t);
      });
    },
  };
  return suite;
}

/** Removes whatever carries the project's label: containers (with their volumes), networks, volumes. */
export async function removeProject(client: EngineClient, p: string): Promise<void> {
  const label = [`com.docker.compose.project=${p}`];
  for (const c of await client.containers.list({ all: true, filters: { label } })) await client.containers.remove(c.Id, { force: true, volumes: true }).catch(() => undefined);
  for (const n of await client.networks.list({ label })) await client.networks.remove(n.Id).catch(() => undefined);
  for (const v of await client.volumes.list({ label })) await client.volumes.remove(v.Name).catch(() => undefined);
}

/**
 * One `describe('on <engine>')` per engine (engineKinds()), each with its own ProjectSuite: `body`
 * declares the tests once, and they run with the same assertions on berthd and on Docker.
 * `prefix` (a few letters) keeps project and directory names apart between test files.
 */
export function onEachEngine(prefix: string, body: (s: ProjectSuite) => void): void {
  for (const kind of engineKinds()) void describe(`on ${kind}`, { timeout: SUITE_TIMEOUT_MS }, () => body(projectSuite(kind, prefix)));
}
