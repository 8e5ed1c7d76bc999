// A container's network namespace made before the runtime creates the container: a bind mount at
// `${execRoot}/netns/<id>` (the runtime joins it by path), so the network attach can run while
// conmon and the runtime create the container instead of after (docs/runtime.md, "Start path").
// Once the process runs in it, the file becomes a symlink to /proc/<pid>/ns/net (pinNetnsToProcess);
// what is left is released at the exit, a failed start, a removal, or at daemon start for
// containers that are not running.
import { lstat, mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hostAgent, MNT_DETACH } from './host-agent.js';

export const netnsDir = (execRoot: string): string => join(execRoot, 'netns');
export const netnsFile = (execRoot: string, id: string): string => join(netnsDir(execRoot), id);

/** Whether namespaces can be made so here (through the host helper); if not, the runtime makes them. */
export function canPrepareNetns(): boolean {
  return hostAgent().available;
}

/** A fresh namespace at `path` (a leftover there is released first). */
export async function createNetnsFile(path: string): Promise<void> {
  await releaseNetnsFile(path);
  await mkdir(join(path, '..'), { recursive: true });
  await hostAgent().newNetns(path);
}

/**
 * Once the container's process is in the namespace: the bind mount gives way to a symlink to
 * /proc/<pid>/ns/net, so the namespace (and its veth) ends with the process, as one the runtime
 * made does, and the exit costs no extra teardown. Best effort: if this fails the bind mount
 * stays and is released at the exit.
 */
export async function pinNetnsToProcess(path: string, pid: number): Promise<void> {
  try {
    await hostAgent().umount(path, MNT_DETACH);
    await rm(path, { force: true });
    await symlink(`/proc/${pid}/ns/net`, path);
  } catch { /* released at the exit */ }
}

/** Unmounts and deletes the file or symlink (idempotent): the namespace ends with its last process. */
export async function releaseNetnsFile(path: string): Promise<void> {
  const isLink = await lstat(path).then((st) => st.isSymbolicLink(), () => true);
  if (!isLink && hostAgent().available) await hostAgent().umount(path, MNT_DETACH).catch(() => undefined);
  await rm(path, { force: true });
}

/** The namespace files of containers `keep` does not name (a daemon killed mid-start leaves some). */
export async function releaseStrayNetnsFiles(execRoot: string, keep: (id: string) => boolean): Promise<void> {
  const names = await readdir(netnsDir(execRoot)).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => !keep(n)).map((n) => releaseNetnsFile(join(netnsDir(execRoot), n))));
}

/** Whether a container's sandbox key is one of these files (not /proc/<pid>/ns/net). */
export function isNetnsFile(execRoot: string, sandboxKey: string): boolean {
  return sandboxKey.startsWith(`${netnsDir(execRoot)}/`);
}
