// BerthError kinds → Docker's HTTP status codes (containerd's errdefs idea, Docker's numbers).
import type { ErrorKind } from '../../../common/errors.js';

const STATUS: Record<ErrorKind, number> = {
  not_found: 404,
  already_exists: 409,
  conflict: 409,
  invalid_argument: 400,
  failed_precondition: 500,
  unavailable: 503,
  unauthenticated: 401,
  permission_denied: 403,
  not_implemented: 501,
  internal: 500,
};

export function statusForKind(kind: ErrorKind): number {
  return STATUS[kind] ?? 500;
}
