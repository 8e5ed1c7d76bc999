// Runs a real `docker` CLI against a test berthd: DOCKER_HOST at its socket, a throwaway
// DOCKER_CONFIG so no user context or credential helper is consulted. Two clients are tested:
// the docker 28 CLI (newer than berthd's API, so it negotiates down) and Debian's docker.io 20.10
// (older, API 1.41, so berthd serves it an older version of the API).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';

export const DOCKER = process.env.BERTH_DOCKER_CLI ?? '/usr/local/bin/docker';

export interface DockerClient {
  /** Shown in test names. */
  label: string;
  binary: string;
  /** The API version the client and berthd (1.44) settle on. */
  apiVersion: string;
  /** Major version of the client: some messages are printed by the client itself and changed over time. */
  major: number;
  /** Why the suite is skipped for this client, or false. */
  skip: string | false;
}

/** The newest API each client speaks, capped at berthd's 1.44. */
function negotiated(major: number): string {
  if (major >= 25) return '1.44';
  return ({ 20: '1.41', 23: '1.42', 24: '1.43' } as Record<number, string>)[major] ?? '1.41';
}

function describeClient(label: string, binary: string): DockerClient {
  if (!existsSync(binary)) return { label, binary, apiVersion: '', major: 0, skip: `${binary} is not installed` };
  const v = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const major = Number(/version (\d+)\./.exec(v)?.[1] ?? 0);
  return { label: `${label} ${v.match(/version ([^,\s]+)/)?.[1] ?? '?'}`, binary, apiVersion: negotiated(major), major, skip: false };
}

/** The docker CLIs the compat suites run with: the one at $BERTH_DOCKER_CLI or /usr/local/bin, and Debian's. */
export const CLIENTS: DockerClient[] = [
  describeClient('docker CLI', DOCKER),
  describeClient("Debian's docker.io CLI", '/usr/bin/docker'),
];

export interface CliResult { code: number; stdout: string; stderr: string }

/** Each client's private DOCKER_CONFIG dir; all removed when the test process exits. */
const configDirs = new Set<string>();
process.once('exit', () => { for (const d of configDirs) rmSync(d, { recursive: true, force: true }); });

export function dockerCli(dockerHost: string, extraEnv: Record<string, string> = {}, binary = DOCKER) {
  const config = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
  configDirs.add(config);
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: config, DOCKER_CLI_HINTS: 'false', DOCKER_BUILDKIT: '0', ...extraEnv };
  delete env.DOCKER_CONTEXT;
  return (args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(binary, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
      child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`docker ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`)); }, opts.timeoutMs ?? 30_000);
      child.on('error', reject);
      child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
      if (opts.input !== undefined) child.stdin.end(opts.input);
      else child.stdin.end();
    });
}

/** Asserts success and returns trimmed stdout; the error names the command and its stderr. */
export async function ok(p: Promise<CliResult>, what = 'docker'): Promise<string> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * The set-up compat suites share: a test berthd, a docker CLI (`binary`) pointed at it, and the
 * busybox image imported through that CLI as `image`. The caller stops the daemon.
 */
export async function daemonWithBusybox(image: string, binary = DOCKER): Promise<{ daemon: TestDaemon; docker: ReturnType<typeof dockerCli> }> {
  const daemon = await startTestDaemon();
  const docker = dockerCli(daemon.dockerHost, {}, binary);
  const tar = makeBusyboxTar();
  try {
    await ok(docker(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, image]));
  } catch (e) {
    await daemon.stop();
    throw e;
  } finally {
    rmSync(dirname(tar), { recursive: true, force: true });
  }
  return { daemon, docker };
}
