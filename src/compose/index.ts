// berth's Compose model: load a project exactly as Docker Compose v2 does, and print it as
// `docker compose config` does. Pure library: files in, typed Project out; no engine, no sockets.
export { loadProject, loadModel, type LoadOptions, type LoadResult, type ModelResult } from './load.js';
export { renderYaml, renderJson, serviceConfigHash } from './render.js';
export { parseDuration, formatDuration, parseBytes } from './units.js';
export { parseDotenv } from './dotenv.js';
export { substitute } from './template.js';
export { normalizeProjectName } from './project-name.js';
export type * from './types.js';
export { parsePortSpec, PortSyntaxError } from './ports.js';
export { parseVolumeSpec, VolumeSyntaxError } from './volumes.js';
