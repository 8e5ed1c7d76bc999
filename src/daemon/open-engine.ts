// The one place berthd reaches for the engine assembly (src/engine/engine.ts).
import type { Engine } from '../engine/contract.js';
import { openEngine as openEngineAssembly } from '../engine/index.js';
import type { Log } from './logger.js';

export interface OpenEngineOptions { dataRoot: string; execRoot: string; runtime: 'auto' | 'runc' | 'crun'; insecureRegistries?: string[]; log: Log }

export function openEngine(opts: OpenEngineOptions): Promise<Engine> {
  return openEngineAssembly(opts);
}
