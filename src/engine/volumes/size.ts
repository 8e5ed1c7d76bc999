// A volume's disk usage for `system df`: the bytes of the files under its _data (hard links once),
// as Docker's directory size counts them.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function directorySize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(d, e.name);
      const st = await lstat(p).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) { await walk(p); continue; }
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}
