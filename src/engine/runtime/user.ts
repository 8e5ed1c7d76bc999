// Resolves a Docker `user` string (name, uid, uid:gid, name:group) against the rootfs's own
// /etc/passwd and /etc/group, as the runtime spec wants numeric ids.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '../../common/errors.js';

export interface ResolvedUser { uid: number; gid: number; additionalGids: number[]; home: string }

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

async function readLines(path: string): Promise<string[][]> {
  try {
    const text = await readFile(path, 'utf8');
    return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

const isNumeric = (s: string) => /^\d+$/.test(s);

export async function resolveUser(rootfs: string, user: string, groupAdd: string[] = []): Promise<ResolvedUser> {
  const passwd: PasswdEntry[] = (await readLines(join(rootfs, 'etc/passwd'))).map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/' }));
  const groups: GroupEntry[] = (await readLines(join(rootfs, 'etc/group'))).map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
  const [userPart = '', groupPart] = (user || '0').split(':', 2);
  let entry: PasswdEntry | undefined;
  let uid: number;
  if (isNumeric(userPart)) {
    uid = Number(userPart);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw invalidArgument(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.uid;
  }
  let gid = entry?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw invalidArgument(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  const additional = new Set<number>();
  // Supplementary groups come from group membership only when no explicit group was given (as Docker).
  if (entry && groupPart === undefined) for (const g of groups) if (g.members.includes(entry.name) && g.gid !== gid) additional.add(g.gid);
  for (const ga of groupAdd) {
    if (isNumeric(ga)) additional.add(Number(ga));
    else {
      const g = groups.find((x) => x.name === ga);
      if (!g) throw invalidArgument(`unable to find group ${ga}: no matching entries in group file`);
      additional.add(g.gid);
    }
  }
  return { uid, gid, additionalGids: [...additional], home: entry?.home ?? '/' };
}
