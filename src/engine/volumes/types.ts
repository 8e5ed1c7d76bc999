// Volumes as berthd stores them (local driver only) and the options they are created with.
import type { EventBus } from '../events/bus.js';

export interface VolumeRecord {
  name: string;
  driver: 'local';
  /** ${dataRoot}/volumes/<name>/_data */
  mountpoint: string;
  created: string;
  labels: Record<string, string>;
  /** local driver options: type (tmpfs, none, or a filesystem type), o (mount options), device */
  options: Record<string, string>;
  scope: 'local';
}

export interface VolumeCreateOptions {
  /** absent: an anonymous volume with a random name */
  name?: string;
  driver?: string;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

export interface VolumeServiceOptions {
  dataRoot: string;
  /** Containers (ids) whose records use the volume: such a volume is not removed without force. */
  containersUsing?: (name: string) => string[] | Promise<string[]>;
  /** Docker's volume events (create, destroy, mount, unmount) go here when given. */
  events?: EventBus;
}

/** Docker's label on anonymous volumes: `prune` without `all` removes only these. */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
