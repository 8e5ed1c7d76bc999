// What the orchestrator reports while it works: one event per resource status change, as docker
// compose's progress writer receives them. The CLI decides how they look.

/** `copy` is `compose cp`'s: Compose's line reads ` copy web-1:/a to ./b  Copied`. */
export type ResourceKind = 'Container' | 'Network' | 'Volume' | 'Image' | 'copy';

export interface ProgressEvent {
  resource: ResourceKind;
  name: string;
  /** Creating, Created, Recreate, Recreated, Starting, Started, Running, Waiting, Healthy, Exited,
   *  Stopping, Stopped, Removing, Removed, Restarting, Error. */
  status: string;
}

export interface Reporter {
  event(e: ProgressEvent): void;
  warn(message: string): void;
}

export const silentReporter: Reporter = { event: () => undefined, warn: () => undefined };
