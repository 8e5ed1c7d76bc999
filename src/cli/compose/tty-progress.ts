// docker compose's live progress on a terminal: a `[+] Running 2/3` title and one line per
// resource, redrawn in place as its status changes (a spinner while working, a green ✔ when
// done, a red ✘ on error) with the seconds it took on the right. Warnings print above the block.
import type { ProgressEvent, Reporter } from '../../orchestrator/index.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const WORKING = new Set(['Creating', 'Starting', 'Stopping', 'Removing', 'Waiting', 'Recreate', 'Restarting', 'Killing', 'Pausing', 'Unpausing', 'Copying', 'Pulling', 'Building']);
const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

interface Line { id: string; status: string; start: number; end?: number; error: boolean }

export interface TtyProgress extends Reporter {
  /**
   * Draws the final state and stops redrawing: what is printed next stays below the block, and a
   * later event starts a new block (attached `up` stopping on Ctrl-C after its logs).
   */
  close(): void;
}

/** `write` is the terminal (stderr); `columns` its width; `now` a clock in ms (tests pass their own). */
export function ttyProgress(write: (s: string) => void, columns: () => number, now: () => number = Date.now): TtyProgress {
  const lines: Line[] = [];
  const byId = new Map<string, Line>();
  let drawn = 0;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const render = (): string => {
    const width = Math.max(40, columns());
    const done = lines.filter((l) => l.end !== undefined).length;
    const idWidth = Math.max(0, ...lines.map((l) => l.id.length));
    const statusWidth = Math.max(0, ...lines.map((l) => l.status.length));
    let out = drawn ? `\x1b[${drawn}A` : '';
    out += `\x1b[2K[+] Running ${done}/${lines.length}\n`;
    for (const l of lines) {
      const icon = l.error ? `${RED}✘${RESET}` : l.end !== undefined ? `${GREEN}✔${RESET}` : SPINNER[frame % SPINNER.length];
      const secs = `${(((l.end ?? now()) - l.start) / 1000).toFixed(1)}s`;
      const left = ` ${icon} ${l.id.padEnd(idWidth)}  ${l.status.padEnd(statusWidth)}`;
      // The icon's escape codes take no room on screen.
      const visible = left.replace(/\x1b\[[0-9;]*m/g, '').length;
      out += `\x1b[2K${left}${' '.repeat(Math.max(1, width - visible - secs.length - 1))}${secs}\n`;
    }
    drawn = lines.length + 1;
    return out;
  };
  const draw = () => { if (lines.length) write(render()); };

  return {
    event(e: ProgressEvent) {
      const id = `${e.resource} ${e.name}`;
      let line = byId.get(id);
      if (!line) {
        line = { id, status: e.status, start: now(), error: false };
        byId.set(id, line);
        lines.push(line);
      }
      line.status = e.status;
      line.error = e.status === 'Error';
      line.end = WORKING.has(e.status) ? undefined : now();
      timer ??= setInterval(() => { frame++; draw(); }, 100).unref();
      draw();
    },
    warn(message: string) {
      // Above the block: clear it, print the warning, draw the block again below.
      if (drawn) write(`\x1b[${drawn}A\x1b[J`);
      drawn = 0;
      write(`WARN[0000] ${message}\n`);
      draw();
    },
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      draw();
      lines.length = 0;
      byId.clear();
      drawn = 0;
    },
  };
}
