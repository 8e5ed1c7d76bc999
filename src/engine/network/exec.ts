// Runs iproute2, nftables and nsenter: arguments as an array (no shell), optional stdin for
// batches (`ip -batch -`, `nft -f -`), and a typed error carrying the tool's own message.
// `tool`/`mustTool` run through the tool helper (tool-agent.ts) when it is there: for commands
// whose stdout is not needed, which are most of them (every per-container one).
import { spawn } from 'node:child_process';
import { internal } from '../../common/errors.js';
import { type ToolCall, toolAgent } from '../host/tool-agent.js';

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

/** A tool run for its exit code and stderr (stdout is dropped), in a netns if asked, after the `writes` there. */
export async function tool(argv: string[], c: ToolCall = {}): Promise<{ code: number; stderr: string }> {
  const agent = toolAgent();
  return agent.available ? agent.run(argv, c) : spawnTool(argv, c);
}

/** What `tool` does without the helper: the same with nsenter, and a shell for the writes. */
export async function spawnTool(argv: string[], c: ToolCall = {}): Promise<{ code: number; stderr: string }> {
  const writes = c.writes ?? [];
  const inner = writes.length === 0 ? argv
    : ['sh', '-c', `${writes.map((_, i) => `echo "$${2 * i + 2}" > "$${2 * i + 1}"`).join(' && ')} && shift ${2 * writes.length} && exec "$@"`, 'sh', ...writes.flat(), ...argv];
  const full = c.netns ? ['nsenter', `--net=${c.netns}`, ...inner] : inner;
  const r = await run(full[0]!, full.slice(1), c.input);
  return { code: r.code, stderr: r.stderr };
}

/** `tool` that throws an internal error with the tool's stderr when it fails. */
export async function mustTool(argv: string[], c: ToolCall = {}): Promise<void> {
  const r = await tool(argv, c);
  if (r.code !== 0) {
    throw internal(`${argv.join(' ')}${c.netns ? ` (in ${c.netns})` : ''} failed: ${r.stderr.trim() || `exit ${r.code}`}`, { input: c.input });
  }
}

/** `ip -batch -` on the host, or inside the network namespace at `netnsPath`. */
export function ipBatch(lines: string[], netnsPath?: string): Promise<void> {
  return mustTool(['ip', '-batch', '-'], { netns: netnsPath, input: `${lines.join('\n')}\n` });
}
