// Test harness for engine integration tests: an engine over temp data/exec roots with a small
// busybox image store of its own (a plain directory per container), and a cleanup that removes
// everything the engine made (containers, monitors, runtime state, mounts, cgroups, files).
import { mkdtempSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { makeBusyboxRootfs, BUSYBOX_PATH } from '../../helpers/busybox.js';
import { openEngineWith, type ImageStoreLike } from '../../../src/engine/engine.js';
import type { ContainerSpec, ImageRecord, LogLine } from '../../../src/engine/types.js';
import { notFound, notImplemented } from '../../../src/common/errors.js';
import { removeCgroupParent } from '../../../src/engine/runtime/cgroups.js';
import { scrub } from '../network/fixture.js';

export const BUSYBOX_IMAGE: ImageRecord = {
  id: `sha256:${'b'.repeat(64)}`, repoTags: ['busybox:latest'], repoDigests: [], created: new Date(0).toISOString(),
  architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'], Env: [`PATH=${BUSYBOX_PATH}`] }, diffIds: [], history: [], size: 0,
};

/** A RootfsService giving each container an overlayfs over one shared busybox directory. */
export function busyboxStore(root: string): ImageStoreLike {
  const dir = (id: string) => join(root, 'rootfs', id);
  const lower = join(root, 'lower');
  const isMounted = (p: string) => readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === p);
  const unsupported = async (): Promise<never> => { throw notImplemented('not in the test image store'); };
  return {
    list: async () => [BUSYBOX_IMAGE],
    get: async (ref) => {
      if (['busybox', 'busybox:latest', BUSYBOX_IMAGE.id].includes(ref)) return BUSYBOX_IMAGE;
      throw notFound(`No such image: ${ref}`);
    },
    import: unsupported, load: unsupported, save: unsupported, tag: unsupported, history: unsupported, prune: unsupported,
    mount: async (id) => {
      if (!existsSync(join(lower, 'bin/busybox'))) { await mkdir(lower, { recursive: true }); makeBusyboxRootfs(lower); }
      const target = join(dir(id), 'merged');
      if (isMounted(target)) return target;
      for (const d of ['upper', 'work', 'merged']) await mkdir(join(dir(id), d), { recursive: true });
      execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${join(dir(id), 'upper')},workdir=${join(dir(id), 'work')}`, target]);
      return target;
    },
    unmount: async (id) => { if (isMounted(join(dir(id), 'merged'))) execFileSync('umount', [join(dir(id), 'merged')]); },
    // ImageService.remove(ref, opts) and RootfsService.remove(containerId) share a name: told apart by opts.
    remove: (async (id: string, opts?: object) => {
      if (opts) return unsupported();
      if (isMounted(join(dir(id), 'merged'))) execFileSync('umount', [join(dir(id), 'merged')]);
      await rm(dir(id), { recursive: true, force: true });
    }) as ImageStoreLike['remove'],
    size: async () => 0,
  };
}

export function spec(cmd: string[], over: Partial<ContainerSpec> = {}, host: Partial<ContainerSpec['host']> = {}): ContainerSpec {
  return {
    image: 'busybox', cmd, env: [], labels: {}, tty: false, openStdin: false, stdinOnce: false, attachStdin: false,
    attachStdout: true, attachStderr: true, exposedPorts: [], volumes: [], endpoints: {},
    host: {
      binds: [], mounts: [], tmpfs: {}, volumesFrom: [], networkMode: 'default', portBindings: {}, publishAllPorts: false,
      restartPolicy: { name: 'no', maximumRetryCount: 0 }, autoRemove: false, init: false, readonlyRootfs: false, privileged: false,
      capAdd: [], capDrop: [], securityOpt: [], dns: [], dnsSearch: [], dnsOptions: [], extraHosts: [], links: [],
      logConfig: { type: 'k8s-file', config: {} }, resources: {}, sysctls: {}, groupAdd: [], ...host,
    },
    ...over,
  };
}

/** BERTH_TEST_RUNTIME=runc|crun runs the suite on one runtime; default auto. */
export function testRuntime(): 'auto' | 'runc' | 'crun' {
  const r = process.env.BERTH_TEST_RUNTIME;
  return r === 'runc' || r === 'crun' ? r : 'auto';
}

export interface TestEngine {
  engine: Awaited<ReturnType<typeof openEngineWith>>;
  dataRoot: string;
  execRoot: string;
  root: string;
}

export async function openTestEngine(root?: string): Promise<TestEngine> {
  const base = root ?? mkdtempSync(join(tmpdir(), 'berth-eng-'));
  const dataRoot = join(base, 'data');
  const execRoot = join(base, 'run');
  try {
    const engine = await openEngineWith({ dataRoot, execRoot, runtime: testRuntime(), log: () => undefined }, async () => busyboxStore(base));
    return { engine, dataRoot, execRoot, root: base };
  } catch (e) {
    await cleanupEngine(base);
    throw e;
  }
}


/** Removes all a test engine made, whatever state it is in. */
export async function cleanupEngine(root: string): Promise<void> {
  const execRoot = join(root, 'run');
  const runtimeRoot = join(execRoot, 'runtime');
  // Monitors first (they would otherwise report exits into a vanishing directory).
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.startsWith('conmon') && cmd.includes(runtimeRoot)) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
  }
  if (existsSync(runtimeRoot)) {
    for (const rt of ['runc', 'crun']) {
      let list: { id: string }[] = [];
      try { list = JSON.parse(execFileSync(rt, ['--root', runtimeRoot, 'list', '--format', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }) || 'null') ?? []; } catch { /* none */ }
      for (const c of list) { try { execFileSync(rt, ['--root', runtimeRoot, 'delete', '--force', c.id], { stdio: 'ignore' }); } catch { /* gone */ } }
    }
  }
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m?.startsWith(root)).reverse();
  for (const m of mounts) { try { execFileSync('umount', ['-l', m], { stdio: 'ignore' }); } catch { /* gone */ } }
  removeCgroupParent(join(root, 'data'));
  // Bridges, veths and the nft table of the engine's networks (every engine has the default bridge).
  await scrub(join(root, 'data')).catch(() => undefined);
  await rm(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}

export async function collectLogs(it: AsyncIterable<LogLine>): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for await (const l of it) out.push(l);
  return out;
}

export function text(lines: LogLine[], stream?: 'stdout' | 'stderr'): string {
  return Buffer.concat(lines.filter((l) => !stream || l.stream === stream).map((l) => l.data)).toString();
}

export async function readAll(r: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString();
}
