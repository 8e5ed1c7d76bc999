// The one place berthd reaches for the engine assembly (src/engine/engine.ts).
import { unavailable } from '../common/errors.js';
import type { Engine } from '../engine/contract.js';
import type { Log } from './logger.js';

export interface OpenEngineOptions { dataRoot: string; execRoot: string; runtime: 'auto' | 'runc' | 'crun'; log: Log }

// Placeholder until src/engine/engine.ts exports openEngine.
export async function openEngine(_opts: OpenEngineOptions): Promise<Engine> {
  throw unavailable('the engine is not assembled yet (src/engine/engine.ts)');
}
