// Project networks and volumes as Engine API create requests, labelled as docker compose labels them.
import type { NetworkCreateBody, VolumeCreateBody } from '../api/client/index.js';
import { notImplemented } from '../common/errors.js';
import type { NetworkConfig, Project, VolumeConfig } from '../compose/index.js';
import { COMPOSE_VERSION, LABEL } from './labels.js';

const NETWORK_KEYS = new Set(['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels', 'enable_ipv6']);
const VOLUME_KEYS = new Set(['name', 'driver', 'driver_opts', 'external', 'labels']);

function checkKeys(kind: string, key: string, cfg: Record<string, unknown>, known: Set<string>): void {
  for (const k of Object.keys(cfg)) {
    if (!k.startsWith('x-') && cfg[k] !== undefined && !known.has(k)) throw notImplemented(`${kind} "${key}": "${k}" is not supported by berth compose yet`);
  }
}

export function networkCreateBody(project: Project, key: string, n: NetworkConfig): NetworkCreateBody {
  checkKeys('network', key, n, NETWORK_KEYS);
  const body: NetworkCreateBody = {
    Name: n.name,
    CheckDuplicate: true,
    Driver: n.driver ?? 'bridge',
    Labels: { ...(n.labels ?? {}), [LABEL.network]: key, [LABEL.project]: project.name, [LABEL.version]: COMPOSE_VERSION },
  };
  if (n.driver_opts) body.Options = n.driver_opts;
  if (n.internal) body.Internal = true;
  if (n.attachable) body.Attachable = true;
  if (n.enable_ipv6) body.EnableIPv6 = true;
  if (n.ipam) {
    body.IPAM = {
      Driver: n.ipam.driver ?? 'default',
      Config: (n.ipam.config ?? []).map((c) => ({
        Subnet: c.subnet as string | undefined,
        IPRange: c.ip_range as string | undefined,
        Gateway: c.gateway as string | undefined,
        AuxiliaryAddresses: c.aux_addresses as Record<string, string> | undefined,
      })),
    };
  }
  return body;
}

export function volumeCreateBody(project: Project, key: string, v: VolumeConfig): VolumeCreateBody {
  checkKeys('volume', key, v, VOLUME_KEYS);
  return {
    Name: v.name,
    Driver: v.driver ?? 'local',
    DriverOpts: v.driver_opts ?? {},
    Labels: { ...(v.labels ?? {}), [LABEL.volume]: key, [LABEL.project]: project.name, [LABEL.version]: COMPOSE_VERSION },
  };
}
