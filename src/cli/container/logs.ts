// `logs`: the container's output, stdout and stderr kept apart (raw bytes for a TTY container).
import type { Command } from 'commander';
import { demux } from '../../api/client/index.js';
import { connect } from '../context.js';
import { apiTimestamp } from '../flags.js';

export async function logsCommand(container: string, f: { follow?: boolean; tail?: string; since?: string; until?: string; timestamps?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const info = await client.containers.inspect(container);
  const res = await client.containers.logs(container, {
    follow: f.follow, tail: f.tail, since: apiTimestamp(f.since), until: apiTimestamp(f.until), timestamps: f.timestamps,
  });
  const write = async (out: NodeJS.WriteStream, data: Buffer) => {
    if (!out.write(data)) await new Promise((r) => out.once('drain', r));
  };
  if (info.Config.Tty) for await (const chunk of res) await write(process.stdout, chunk as Buffer);
  else for await (const fr of demux(res)) await write(fr.stream === 2 ? process.stderr : process.stdout, fr.data);
}
