// /containers/{id}/exec and /exec/*: create, start (hijacked unless detached), inspect, resize.
import type { Transport, Hijacked } from './transport.js';
import type { ExecCreateBody, ExecInspect } from './types.js';

const enc = encodeURIComponent;

export class Execs {
  constructor(private readonly t: Transport) {}

  async create(container: string, body: ExecCreateBody): Promise<string> {
    const r = await this.t.json<{ Id: string }>('POST', `/containers/${enc(container)}/exec`, { body });
    return r.Id;
  }

  /** Starts an exec and takes over the connection for its stdio. */
  start(id: string, opts: { tty?: boolean; consoleSize?: [number, number] } = {}): Promise<Hijacked> {
    return this.t.hijack('POST', `/exec/${enc(id)}/start`, { body: { Detach: false, Tty: opts.tty ?? false, ConsoleSize: opts.consoleSize } });
  }

  startDetached(id: string, opts: { tty?: boolean } = {}): Promise<void> {
    return this.t.call('POST', `/exec/${enc(id)}/start`, { body: { Detach: true, Tty: opts.tty ?? false } });
  }

  inspect(id: string): Promise<ExecInspect> {
    return this.t.json('GET', `/exec/${enc(id)}/json`);
  }

  resize(id: string, height: number, width: number): Promise<void> {
    return this.t.call('POST', `/exec/${enc(id)}/resize`, { query: { h: height, w: width } });
  }
}
