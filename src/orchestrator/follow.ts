// What attached `up` (and `attach`) follow: one container's log lines across its restarts. A log
// stream ends when the container stops; docker compose then prints `<name> exited with code N`
// and, when the engine restarts the container (restart policy, or berthd healing an unhealthy
// one), goes on following it. The exit codes come from the engine's `die` events (a container
// restarted at once no longer shows its last exit code); the state from inspect.
import type { EngineClient, EventMessage } from '../api/client/index.js';
import { LABEL } from './labels.js';
import { containerLogLines, type LogLine, type LogSource } from './logs.js';

const POLL_MS = 200;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ContainerExit {
  exitCode: number;
  /** The engine is restarting it (or already has): its logs go on. */
  restarting: boolean;
}

interface Die { nano: number; exitCode: number }

/**
 * The project's container `die` events, from `since` on, kept per container so that each
 * follower finds the exit that ended its stream. Reading stops with close().
 */
export class DieEvents {
  private readonly dies = new Map<string, Die[]>();
  private readonly waiters = new Set<() => void>();
  private closed = false;
  /** Whether the events stream answered; without it, exits are read from inspect alone. */
  private broken = false;

  constructor(private readonly client: EngineClient, project: string, since: string) {
    void this.read(project, since);
  }

  private async read(project: string, since: string): Promise<void> {
    try {
      const stream = this.client.system.events({ since, filters: { type: ['container'], event: ['die'], label: [`${LABEL.project}=${project}`] } });
      for await (const e of stream) {
        if (this.closed) break;
        this.add(e);
      }
    } catch {
      // an engine without events: inspect says what it can
    }
    this.broken = true;
    this.wake();
  }

  private add(e: EventMessage): void {
    if (e.Action !== 'die' && e.status !== 'die') return;
    const id = e.Actor?.ID ?? e.id ?? '';
    const list = this.dies.get(id) ?? [];
    list.push({ nano: e.timeNano ?? e.time * 1e9, exitCode: Number(e.Actor?.Attributes?.exitCode ?? 0) });
    this.dies.set(id, list);
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** The first `die` of container `id` after `afterNano`; undefined once the stream is gone. */
  async next(id: string, afterNano: number, givesUp: () => Promise<boolean>): Promise<Die | undefined> {
    for (;;) {
      const found = this.dies.get(id)?.find((d) => d.nano > afterNano);
      if (found) return found;
      if (this.broken || this.closed) return undefined;
      // Wait for news, checking now and then that the container has not stopped for good unseen.
      let wake: () => void = () => undefined;
      const news = new Promise<void>((r) => { wake = r; this.waiters.add(r); });
      await Promise.race([news, sleep(1000)]);
      this.waiters.delete(wake);
      if (!this.dies.get(id)?.some((d) => d.nano > afterNano) && (await givesUp())) return undefined;
    }
  }

  close(): void {
    this.closed = true;
    this.wake();
  }
}

const nanosOf = (iso: string) => {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms * 1e6 : 0;
};
/** Nanoseconds since the epoch → the `since` Docker's logs endpoint takes (`seconds.nanoseconds`). */
export const sinceOf = (nano: number) => `${Math.floor(nano / 1e9)}.${String(Math.floor(nano % 1e9)).padStart(9, '0')}`;

/**
 * Follows `c`'s log lines until it stops for good, telling `exited` about each exit. Lines start
 * at `since` (attached `up` passes its own start: a container kept from before shows only what is
 * new, as Compose's attach does); each run after a restart is read from the exit on, so no line is
 * shown twice.
 */
export async function followAcrossRestarts(
  client: EngineClient, project: string, c: LogSource, dies: DieEvents,
  emit: (l: LogLine) => void, exited: (e: ContainerExit) => void, since?: string,
): Promise<void> {
  for (;;) {
    const started = nanosOf((await client.containers.inspect(c.id)).State.StartedAt);
    await containerLogLines(client, project, c, { follow: true, since }, emit);
    // The stream can end a moment before the engine says the container stopped.
    const stoppedForGood = async () => {
      const s = (await client.containers.inspect(c.id)).State;
      return !s.Running && !s.Restarting;
    };
    const die = await dies.next(c.id, started - 1e6, stoppedForGood);
    const state = (await client.containers.inspect(c.id)).State;
    // Docker reports a restarting container as Running and Restarting both.
    const restarted = state.Running && !state.Restarting && nanosOf(state.StartedAt) > (die?.nano ?? Infinity);
    const restarting = die !== undefined && (state.Restarting || restarted);
    exited({ exitCode: die?.exitCode ?? state.ExitCode, restarting });
    if (!restarting) return;
    // Back on its feet (or given up: a restart that failed leaves it exited).
    for (;;) {
      const s = (await client.containers.inspect(c.id)).State;
      if (s.Running && !s.Restarting) break;
      if (!s.Running && !s.Restarting) return;
      await sleep(POLL_MS);
    }
    since = sinceOf(die.nano);
  }
}
