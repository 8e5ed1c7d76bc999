// JSON progress messages (pull, push) shown as the docker CLI shows them: on a terminal one line
// per layer, rewritten in place with its bar; elsewhere one line per status change, bars left out.
import type { ProgressMessage } from '../../api/client/index.js';

export interface ProgressDisplay {
  show(msg: ProgressMessage): void;
  end(): void;
}

export function progressDisplay(write: (s: string) => void, tty: boolean): ProgressDisplay {
  if (!tty) {
    return {
      show(msg) {
        if (msg.progress || (msg.progressDetail && msg.progressDetail.current !== undefined)) return;
        if (msg.status) write(`${msg.id ? `${msg.id}: ` : ''}${msg.status}\n`);
        else if (msg.stream) write(msg.stream);
      },
      end() { /* nothing pending */ },
    };
  }
  // Lines of layers, top to bottom; a message for a known id rewrites its line in place.
  const lines = new Map<string, number>();
  let count = 0;
  const text = (msg: ProgressMessage) => `${msg.id ? `${msg.id}: ` : ''}${msg.status ?? ''}${msg.progress ? ` ${msg.progress}` : ''}`;
  return {
    show(msg) {
      if (!msg.status && msg.stream) { write(msg.stream); return; }
      if (!msg.status) return;
      if (msg.id && lines.has(msg.id)) {
        const up = count - (lines.get(msg.id) as number);
        write(`\x1b[${up}A\r\x1b[2K${text(msg)}\r\x1b[${up}B`);
        return;
      }
      // Only per-layer lines (ids that are not a tag's "Pulling from") stay addressable.
      if (msg.id && !msg.status.startsWith('Pulling from')) lines.set(msg.id, count);
      write(`${text(msg)}\n`);
      count++;
    },
    end() { /* cursor already below the last line */ },
  };
}
