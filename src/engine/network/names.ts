// Names of what a daemon creates on the host. Each carries a short hash of the daemon's data root
// so daemons side by side never touch each other's links or tables, and restore() can tell its own
// leftovers apart. Linux limits interface names to 15 characters.
import { createHash } from 'node:crypto';

export function daemonHash(dataRoot: string): string {
  return createHash('sha256').update(dataRoot).digest('hex');
}

export interface HostNames {
  /** nftables table (family ip) */
  table: string;
  /** prefix of every bridge this daemon names itself */
  bridgePrefix: string;
  /** prefix of every host-side veth */
  vethPrefix: string;
  bridge(networkId: string): string;
  veth(endpointId: string): string;
}

export function hostNames(dataRoot: string): HostNames {
  const h = daemonHash(dataRoot);
  const short = h.slice(0, 5);
  return {
    table: `berth-${h.slice(0, 12)}`,
    bridgePrefix: `b${short}-`,
    vethPrefix: `v${short}`,
    bridge: (id) => `b${short}-${id.slice(0, 8)}`, // 1+5+1+8 = 15
    veth: (id) => `v${short}${id.slice(0, 9)}`, // 1+5+9 = 15
  };
}

export const MAX_IFNAME = 15;
