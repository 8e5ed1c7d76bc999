// Runs the real `docker` CLI against a test berthd: DOCKER_HOST at its socket, a throwaway
// DOCKER_CONFIG so no user context or credential helper is consulted.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOCKER = process.env.BERTH_DOCKER_CLI ?? '/usr/local/bin/docker';

export interface CliResult { code: number; stdout: string; stderr: string }

export function dockerCli(dockerHost: string, extraEnv: Record<string, string> = {}) {
  const config = mkdtempSync(join(tmpdir(), 'berth-docker-config-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: config, DOCKER_CLI_HINTS: 'false', DOCKER_BUILDKIT: '0', ...extraEnv };
  delete env.DOCKER_CONTEXT;
  return (args: string[], opts: { input?: string | Buffer; timeoutMs?: number } = {}): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(DOCKER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
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
