// One small set of error kinds for every layer (containerd's idea). Each layer maps a kind to its
// own wire: the API server to an HTTP status, the CLI to one line and an exit code.
// No layer string-matches another layer's messages; it switches on `kind`.

export type ErrorKind =
  | 'not_found' // no such container, image, network, volume, exec...
  | 'already_exists' // name in use, tag taken
  | 'invalid_argument' // malformed input, bad flag values, invalid Compose file
  | 'conflict' // resource is in a state that forbids the operation (image in use, container running)
  | 'failed_precondition' // something the operation needs is missing (runtime absent, not root)
  | 'unavailable' // engine not reachable, registry down
  | 'unauthenticated' // credentials missing or refused (a registry's 401)
  | 'permission_denied' // credentials accepted but not enough (a registry's 403)
  | 'not_implemented' // a documented feature berth does not have yet: say so, never pretend
  | 'internal'; // a bug or an unexpected system failure

export class BerthError extends Error {
  readonly kind: ErrorKind;
  /** Extra facts a user needs to act: file, line, model path, container id... */
  readonly details: Record<string, unknown>;

  constructor(kind: ErrorKind, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BerthError';
    this.kind = kind;
    this.details = details;
  }
}

export const notFound = (msg: string, details?: Record<string, unknown>) => new BerthError('not_found', msg, details);
export const alreadyExists = (msg: string, details?: Record<string, unknown>) => new BerthError('already_exists', msg, details);
export const invalidArgument = (msg: string, details?: Record<string, unknown>) => new BerthError('invalid_argument', msg, details);
export const conflict = (msg: string, details?: Record<string, unknown>) => new BerthError('conflict', msg, details);
export const failedPrecondition = (msg: string, details?: Record<string, unknown>) => new BerthError('failed_precondition', msg, details);
export const unavailable = (msg: string, details?: Record<string, unknown>) => new BerthError('unavailable', msg, details);
export const unauthenticated = (msg: string, details?: Record<string, unknown>) => new BerthError('unauthenticated', msg, details);
export const notImplemented = (msg: string, details?: Record<string, unknown>) => new BerthError('not_implemented', msg, details);
export const internal = (msg: string, details?: Record<string, unknown>, cause?: unknown) => new BerthError('internal', msg, details, { cause });

export function isBerthError(e: unknown, kind?: ErrorKind): e is BerthError {
  return e instanceof BerthError && (kind === undefined || e.kind === kind);
}

/** Turns anything thrown into a BerthError, keeping the original as the cause. */
export function asBerthError(e: unknown): BerthError {
  if (e instanceof BerthError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return internal(msg, {}, e);
}
