// Runs iproute2, nftables and nsenter: arguments as an array (no shell), optional stdin for
// batches (`ip -batch -`, `nft -f -`), and a typed error carrying the tool's own message.
import { spawn } from 'node:child_process';
import { internal } from '../../common/errors.js';

export interface RunResult { stdout: string; stderr: string; code: number }

export function run(cmd: string, args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: code ?? 1 }));
    child.stdin.on('error', () => { /* the tool may exit before reading everything; its exit code says why */ });
    child.stdin.end(input ?? '');
  });
}

/** Runs and throws an internal error with the tool's stderr when it fails. */
export async function mustRun(cmd: string, args: string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) {
    throw internal(`${cmd} ${args.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`, { input });
  }
  return r.stdout;
}

/** `ip -batch -` on the host, or inside the network namespace at `netnsPath`. */
export function ipBatch(lines: string[], netnsPath?: string): Promise<string> {
  const input = `${lines.join('\n')}\n`;
  return netnsPath ? mustRun('nsenter', [`--net=${netnsPath}`, 'ip', '-batch', '-'], input) : mustRun('ip', ['-batch', '-'], input);
}
