// Memory of a set of processes: RSS and PSS summed from /proc/<pid>/smaps_rollup, and finding the
// processes that belong to one private daemon (by command line naming its own paths, never a
// system daemon's).
import { readFileSync, readdirSync } from 'node:fs';

export interface Memory { rssMB: number; pssMB: number; pids: number }

function rollup(pid: number): { rss: number; pss: number } {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return { rss: 0, pss: 0 }; // gone meanwhile
  }
}

export function memoryOf(pids: number[]): Memory {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    const m = rollup(pid);
    rss += m.rss;
    pss += m.pss;
  }
  return { rssMB: rss / 1024, pssMB: pss / 1024, pids: pids.length };
}

function cmdline(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Pids whose executable's base name is `exe` and whose command line mentions `marker`. */
export function pidsOf(exe: string, marker: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n))) {
    const argv = cmdline(pid);
    if (!argv[0] || argv[0].split('/').pop() !== exe) continue;
    if (argv.some((a) => a.includes(marker))) out.push(Number(pid));
  }
  return out;
}

/** Pids whose parent is `ppid` (berthd's host helper, a Perl process it keeps, is part of the daemon). */
export function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n))) {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so count from its ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(pid));
    } catch { /* gone meanwhile */ }
  }
  return out;
}
