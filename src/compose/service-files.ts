// Files a service points at: `env_file` entries are read and folded under `environment`
// (environment wins), `label_file` entries under `labels`; both keys are then dropped, as
// `docker compose config` prints them.
import { existsSync, readFileSync } from 'node:fs';
import { composeError } from './errors.js';
import { DotenvSyntaxError, parseDotenv } from './dotenv.js';
import type { SourceMap } from './source-map.js';
import type { Project } from './types.js';

/** env_file entries are read and folded into environment (environment wins); env_file is dropped. */
export function resolveServiceEnvironment(p: Project, sources: SourceMap, discard = true): void {
  for (const [name, s] of Object.entries(p.services)) {
    const serviceEnv = s.environment ?? {};
    const envFiles = (s.env_file as Array<{ path: string; required: boolean; format?: string }> | undefined) ?? [];
    if (envFiles.length === 0) continue;
    const fromFiles: Record<string, string> = {};
    for (const f of envFiles) {
      if (!existsSync(f.path)) {
        if (f.required === false) continue;
        throw composeError(`env file ${f.path} not found`, sources.locate(['services', name, 'env_file']));
      }
      try {
        parseDotenv(readFileSync(f.path, 'utf8'), (k) => {
          if (Object.prototype.hasOwnProperty.call(p.environment, k)) return p.environment[k];
          const v = serviceEnv[k];
          return typeof v === 'string' ? v : undefined;
        }, fromFiles);
      } catch (e) {
        if (e instanceof DotenvSyntaxError) throw composeError(`failed to read env file: ${e.message}`, { file: f.path, line: e.line });
        throw e;
      }
    }
    s.environment = { ...fromFiles, ...serviceEnv };
    if (discard) delete s.env_file;
  }
}

/** label_file entries are read (KEY=VALUE, like .env) under the service's labels, then dropped. */
export function resolveLabelFiles(p: Project, sources: SourceMap, discard = true): void {
  for (const [name, s] of Object.entries(p.services)) {
    const files = s.label_file as string[] | undefined;
    if (!files || files.length === 0) continue;
    const fromFiles: Record<string, string> = {};
    for (const f of files) {
      if (!existsSync(f)) throw composeError(`label file ${f} not found`, sources.locate(['services', name, 'label_file']));
      try {
        parseDotenv(readFileSync(f, 'utf8'), (k) => fromFiles[k], fromFiles);
      } catch (e) {
        if (e instanceof DotenvSyntaxError) throw composeError(`failed to read label file: ${e.message}`, { file: f, line: e.line });
        throw e;
      }
    }
    s.labels = { ...fromFiles, ...(s.labels ?? {}) };
    if (discard) delete s.label_file;
  }
}

