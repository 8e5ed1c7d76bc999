// The project name: -p, else COMPOSE_PROJECT_NAME, else top-level `name:`, else the project
// directory's base name — normalised as Compose does (lowercase, [a-z0-9_-], no leading _ or -).
import { composeError } from './errors.js';

export function normalizeProjectName(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

export function invalidProjectName(name: string): Error {
  return composeError(
    `invalid project name ${JSON.stringify(name)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
  );
}

/** An explicit name (-p, COMPOSE_PROJECT_NAME) must already be valid; it is not rewritten. */
export function checkExplicitName(name: string): string {
  if (normalizeProjectName(name) !== name) throw invalidProjectName(name);
  return name;
}
