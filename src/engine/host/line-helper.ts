// A long-lived helper process that berthd speaks to one line per request: "<id>\t<fields...>\n"
// in, "<id>\t<answer fields...>\n" out, answers in any order. The engine's small Perl helpers
// (runtime/host-agent.ts: mounts, namespaces, conmon launches; host/tool-agent.ts: veth wiring,
// network tools and the runtime's output-less commands) share this plumbing and differ only in
// their script and how an answer reads.
// A helper holds nothing: it exits when berthd's end of its stdin closes (berthd killed -9
// included), and a dead helper is started again at the next request. It keeps berthd's event
// loop alive only while an answer is awaited.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { internal } from '../../common/errors.js';

type Pending<T> = { resolve: (value: T) => void; reject: (e: Error) => void; what: string };

export class LineHelper<T> {
  private child?: ChildProcess;
  private readonly pending = new Map<number, Pending<T>>();
  private nextId = 1;
  private buffer = '';

  /**
   * `label` names the helper in errors; `command` is what starts it; `settle` turns an answer's
   * fields (after the id) into the request's value, or an Error to reject it with.
   */
  constructor(
    private readonly label: string,
    private readonly command: () => [string, string[]],
    private readonly settle: (fields: string[], what: string) => T | Error,
  ) {}

  /** Sends one request (fields must hold no tab or newline); `what` names it in errors. */
  request(what: string, fields: string[]): Promise<T> {
    const child = this.ensure();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, what });
      this.holdLoop(true);
      child.stdin!.write(`${id}\t${fields.join('\t')}\n`);
    });
  }

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    const [file, args] = this.command();
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => this.onData(d));
    child.stdin!.on('error', () => undefined); // a dead helper shows as its exit below
    const gone = (why: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.buffer = '';
      for (const [id, p] of this.pending) { this.pending.delete(id); p.reject(internal(`${p.what}: ${this.label} ${why}`)); }
    };
    child.on('exit', (code, signal) => gone(`exited (${signal ?? code})`));
    child.on('error', (e) => gone(`failed: ${e.message}`));
    child.unref();
    this.holdLoop(false);
    return child;
  }

  private onData(d: string): void {
    this.buffer += d;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const [id, ...fields] = this.buffer.slice(0, nl).split('\t');
      this.buffer = this.buffer.slice(nl + 1);
      const p = this.pending.get(Number(id));
      if (!p) continue;
      this.pending.delete(Number(id));
      const settled = this.settle(fields, p.what);
      if (settled instanceof Error) p.reject(settled); else p.resolve(settled);
    }
    if (this.pending.size === 0) this.holdLoop(false);
  }

  private holdLoop(hold: boolean): void {
    for (const s of [this.child?.stdin, this.child?.stdout] as Array<Socket | undefined>) {
      if (hold) s?.ref?.(); else s?.unref?.();
    }
  }
}
