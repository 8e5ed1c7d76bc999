// The `yaml` package (source positions, precise syntax messages) is only needed when a Compose
// file has an error. It is loaded on first use, outside the CLI bundle, so every `berth` command
// starts without parsing it.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const requireAtRuntime = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;

export function yamlPackage(): typeof Yaml {
  return (yaml ??= requireAtRuntime('yaml') as typeof Yaml);
}
