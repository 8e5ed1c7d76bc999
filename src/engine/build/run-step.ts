// RUN: the command runs in a real container on berth's runtime (created from the step's parent
// image, on the build's network so apt-get reaches its mirror), its output streamed into the
// build; the container's writable layer is what the step commits.
import { invalidArgument } from '../../common/errors.js';
import type { ContainerService } from '../contract.js';
import type { ContainerSpec } from '../types.js';
import type { BuildReporter } from './types.js';

export interface RunStepSpec {
  image: string;
  cmd: string[];
  env: string[];
  user?: string;
  workingDir?: string;
  networkMode: string;
  rm: boolean;
  forceRm: boolean;
}

function containerSpec(r: RunStepSpec): ContainerSpec {
  return {
    image: r.image, cmd: r.cmd, entrypoint: [], env: r.env, workingDir: r.workingDir || undefined, user: r.user || undefined,
    labels: {}, tty: false, openStdin: false, stdinOnce: false, attachStdin: false, attachStdout: true, attachStderr: true,
    exposedPorts: [], volumes: [], healthcheck: { test: ['NONE'] },
    host: {
      binds: [], mounts: [], tmpfs: {}, volumesFrom: [], networkMode: r.networkMode, portBindings: {}, publishAllPorts: false,
      restartPolicy: { name: 'no', maximumRetryCount: 0 }, autoRemove: false, init: false, readonlyRootfs: false, privileged: false,
      capAdd: [], capDrop: [], securityOpt: [], dns: [], dnsSearch: [], dnsOptions: [], extraHosts: [], links: [],
      logConfig: { type: 'json-file', config: {} }, resources: {}, sysctls: {}, groupAdd: [],
    },
    endpoints: {},
  };
}

/** Runs the step; returns the container id (its rootfs holds the changes). Throws on a non-zero exit. */
export async function runStep(containers: ContainerService, r: RunStepSpec, out: BuildReporter, signal?: AbortSignal): Promise<string> {
  const { id } = await containers.create(containerSpec(r));
  out.stream(` ---> Running in ${id.slice(0, 12)}\n`);
  let failed = true;
  try {
    const session = await containers.attach(id, { stdin: false, stdout: true, stderr: true, logs: false, stream: true });
    const pump = (s: NodeJS.ReadableStream) => new Promise<void>((resolve) => {
      s.on('data', (c: Buffer) => out.stream(c.toString('utf8')));
      s.on('end', resolve);
      s.on('close', resolve);
      s.on('error', () => resolve());
    });
    const pumped = Promise.all([pump(session.stdout), pump(session.stderr)]);
    const { result } = await containers.wait(id, 'next-exit');
    const onAbort = () => { void containers.kill(id, 'SIGKILL').catch(() => undefined); };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await containers.start(id);
      const res = await result;
      await Promise.race([session.done, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await Promise.race([pumped, new Promise((resolve) => setTimeout(resolve, 500))]);
      session.close();
      if (signal?.aborted) throw invalidArgument('build canceled');
      if (res.exitCode !== 0) {
        throw invalidArgument(`The command '${r.cmd.join(' ')}' returned a non-zero code: ${res.exitCode}`);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    failed = false;
    return id;
  } finally {
    // A failed step's container stays for inspection unless --force-rm (Docker's rule).
    if (failed && r.forceRm) await containers.remove(id, { force: true, volumes: true }).catch(() => undefined);
  }
}
