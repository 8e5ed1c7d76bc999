// The engine's public face for berthd: open it, then talk to it through the Engine contract.
export { openEngine, openEngineWith, SERVER_VERSION } from './engine.js';
export type { EngineOptions, ImageStoreFactory, ImageStoreLike } from './engine.js';
export type { Engine, ImageService, ContainerService, ExecService, EventService, RootfsService } from './contract.js';
export { EventBus } from './events/bus.js';
