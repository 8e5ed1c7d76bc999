// Linux capabilities: Docker's default set, the host's bounding set, and --cap-add/--cap-drop.
// --privileged grants the host's bounding set (never "every capability": this host's root lacks some).
import { readFileSync } from 'node:fs';
import { invalidArgument } from '../../common/errors.js';

/** Capability names by bit number (linux/capability.h). */
const CAP_NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
].map((n) => `CAP_${n}`);

export const DOCKER_DEFAULT_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

let hostBounding: string[] | undefined;

/** The capabilities in this process's bounding set (/proc/self/status CapBnd). */
export function hostBoundingSet(): string[] {
  if (hostBounding) return hostBounding;
  const status = readFileSync('/proc/self/status', 'utf8');
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0';
  const mask = BigInt(`0x${hex}`);
  hostBounding = CAP_NAMES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
  return hostBounding;
}

function normalize(name: string): string {
  const up = name.trim().toUpperCase();
  return up.startsWith('CAP_') ? up : `CAP_${up}`;
}

/** The capability set of a container's process. */
export function resolveCapabilities(opts: { privileged: boolean; capAdd: string[]; capDrop: string[] }): string[] {
  const host = hostBoundingSet();
  if (opts.privileged) return [...host];
  const set = new Set(DOCKER_DEFAULT_CAPS);
  const adds = opts.capAdd.map(normalize);
  const drops = opts.capDrop.map(normalize);
  for (const c of [...adds, ...drops]) {
    if (c !== 'CAP_ALL' && !CAP_NAMES.includes(c)) throw invalidArgument(`invalid capability: ${c.replace(/^CAP_/, '')}`);
  }
  if (drops.includes('CAP_ALL')) set.clear();
  if (adds.includes('CAP_ALL')) for (const c of host) set.add(c);
  for (const c of adds) if (c !== 'CAP_ALL') set.add(c);
  for (const c of drops) if (c !== 'CAP_ALL') set.delete(c);
  return [...set].filter((c) => host.includes(c));
}
