// The logs of several containers as one stream of lines, each tagged with its container, as
// `docker compose logs` and attached `up` show them. Streams are read as they come (no buffering
// beyond one partial line per stream).
import type { EngineClient } from '../api/client/index.js';
import { demux } from '../api/client/index.js';

export interface LogSource { id: string; name: string }

export interface LogLine {
  /** The container's name without the project prefix (`web-1`), as Compose prefixes lines. */
  source: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface LogOptions {
  follow?: boolean;
  tail?: string;
  timestamps?: boolean;
  since?: string;
  until?: string;
}

/** `demo-web-1` → `web-1`; a container_name stays as it is. */
export function shortName(project: string, name: string): string {
  return name.startsWith(`${project}-`) ? name.slice(project.length + 1) : name;
}

/** Compose's prefix: names padded to the longest plus one, then ` | ` (`web-1  | `). */
export function prefixer(names: string[]): (name: string) => string {
  const width = names.reduce((w, n) => Math.max(w, [...n].length), 0) + 1;
  return (name) => `${name.padEnd(width)} | `;
}

export async function* splitLines(chunks: AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>): AsyncGenerator<{ stream: 'stdout' | 'stderr'; text: string }> {
  const pending = { stdout: '', stderr: '' };
  for await (const { stream, data } of chunks) {
    pending[stream] += data.toString('utf8');
    let nl: number;
    while ((nl = pending[stream].indexOf('\n')) >= 0) {
      yield { stream, text: pending[stream].slice(0, nl).replace(/\r$/, '') };
      pending[stream] = pending[stream].slice(nl + 1);
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) yield { stream, text: pending[stream] };
}

/** Streams one container's log lines to `emit` until the log ends (or, with follow, the container stops). */
export async function containerLogLines(client: EngineClient, project: string, c: LogSource, opts: LogOptions, emit: (l: LogLine) => void): Promise<void> {
  const tty = (await client.containers.inspect(c.id)).Config.Tty === true;
  const res = await client.containers.logs(c.id, { follow: opts.follow, tail: opts.tail, timestamps: opts.timestamps, since: opts.since, until: opts.until });
  const source = shortName(project, c.name);
  async function* frames() {
    if (tty) {
      for await (const data of res) yield { stream: 'stdout' as const, data: data as Buffer };
    } else {
      for await (const f of demux(res)) yield { stream: f.stream === 2 ? 'stderr' as const : 'stdout' as const, data: f.data };
    }
  }
  try {
    for await (const l of splitLines(frames())) emit({ source, ...l });
  } finally {
    res.destroy();
  }
}

/** All containers' logs, interleaved as they arrive. */
export async function projectLogs(client: EngineClient, project: string, containers: LogSource[], opts: LogOptions, emit: (l: LogLine) => void): Promise<void> {
  await Promise.all(containers.map((c) => containerLogLines(client, project, c, opts, emit)));
}
