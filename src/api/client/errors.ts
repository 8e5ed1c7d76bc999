// Docker's error bodies ({"message": "..."}) and HTTP statuses turned into berth's error kinds, so
// callers switch on `kind` and print the daemon's own message.
import { BerthError, type ErrorKind } from '../../common/errors.js';

const kindByStatus: Record<number, ErrorKind> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'conflict',
  412: 'failed_precondition',
  501: 'not_implemented',
  503: 'unavailable',
};

/** A BerthError built from a daemon's answer; `details.fromDaemon` tells the CLI to say so. */
export function daemonError(status: number, body: string): BerthError {
  let message = body.trim();
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // not JSON: keep the raw text, as the docker CLI does
  }
  if (!message) message = `HTTP ${status}`;
  return new BerthError(kindByStatus[status] ?? 'internal', message, { status, fromDaemon: true });
}

export function isFromDaemon(e: unknown): e is BerthError {
  return e instanceof BerthError && e.details.fromDaemon === true;
}
