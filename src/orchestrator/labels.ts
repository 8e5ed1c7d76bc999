// Docker Compose's labels and names: containers, networks and volumes carry them so berth and
// docker compose recognise each other's resources (see docker compose's pkg/api/labels.go).

export const LABEL = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  oneoff: 'com.docker.compose.oneoff',
  configHash: 'com.docker.compose.config-hash',
  dependsOn: 'com.docker.compose.depends_on',
  image: 'com.docker.compose.image',
  configFiles: 'com.docker.compose.project.config_files',
  workingDir: 'com.docker.compose.project.working_dir',
  version: 'com.docker.compose.version',
  network: 'com.docker.compose.network',
  volume: 'com.docker.compose.volume',
} as const;

/** The Compose version berth writes in `com.docker.compose.version` (the v2 line it follows). */
export const COMPOSE_VERSION = '2.40.3';

/** `<project>-<service>-<n>`, or the service's container_name. */
export function containerName(project: string, service: string, n: number, fixedName?: string): string {
  return fixedName ?? `${project}-${service}-${n}`;
}

/** The filter that lists a project's containers (one-offs included; callers sort them out). */
export function projectFilter(project: string): Record<string, string[]> {
  return { label: [`${LABEL.project}=${project}`] };
}
