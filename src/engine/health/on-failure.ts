// What the engine does when a container turns unhealthy (berth's self-healing, Podman's names):
// the create request's HealthOnFailure, else the label `berth.health-on-failure` (how Compose
// files and the docker CLI ask for it), else nothing.
import type { ContainerSpec } from '../types.js';
import { invalidArgument } from '../../common/errors.js';

export type HealthAction = NonNullable<ContainerSpec['healthOnFailure']>;
export const HEALTH_ACTIONS: readonly HealthAction[] = ['none', 'kill', 'restart', 'stop'];
export const HEALTH_ON_FAILURE_LABEL = 'berth.health-on-failure';

export function healthAction(spec: Pick<ContainerSpec, 'healthOnFailure' | 'labels'>, imageLabels: Record<string, string> = {}): HealthAction {
  if (spec.healthOnFailure) return spec.healthOnFailure;
  const label = spec.labels[HEALTH_ON_FAILURE_LABEL] ?? imageLabels[HEALTH_ON_FAILURE_LABEL];
  if (label === undefined || label === '') return 'none';
  if (!(HEALTH_ACTIONS as readonly string[]).includes(label)) {
    throw invalidArgument(`invalid label ${HEALTH_ON_FAILURE_LABEL}=${label}: expected one of ${HEALTH_ACTIONS.join(', ')}`);
  }
  return label as HealthAction;
}
