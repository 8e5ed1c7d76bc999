// The Compose orchestrator: plans and converges a Project on an engine through the API client.
// Pure planning (plan.ts, create-body.ts) is separate from execution (up.ts, down.ts, lifecycle.ts).
export { up, checkProject, type UpOptions, type UpResult } from './up.js';
export { buildServices, buildService, imageNameOf, withImageNames, type BuildServicesOptions } from './build.js';
export { down, type DownOptions } from './down.js';
export { pullServices, pushServices, type PullOptions, type PushOptions } from './pull-push.js';
export { startServices, stopServices, restartServices, removeServices, killServices, pauseServices, listProjectContainers, serviceContainer } from './lifecycle.js';
export { projectLogs, containerLogLines, prefixer, shortName, type LogLine, type LogOptions, type LogSource } from './logs.js';
export { planUp, planDown, replicasOf, type UpPlan, type DownPlan, type ContainerStep, type RecreatePolicy } from './plan.js';
export { buildCreateRequest, checkSupported, type CreateRequest } from './create-body.js';
export { observeProject } from './engine-state.js';
export { LABEL, COMPOSE_VERSION, containerName } from './labels.js';
export { silentReporter, type ProgressEvent, type Reporter } from './progress.js';
export { waitHealthy } from './wait.js';
export { listProjects, summarizeProjects, type ProjectSummary } from './projects.js';
export { createOneOff, type RunOptions, type OneOff } from './run.js';
export { DieEvents, followAcrossRestarts, sinceOf, type ContainerExit } from './follow.js';
export { pullPolicyOf, mustPull, UP_PULL_VALUES, type PullPolicy } from './pull-policy.js';
export { watchProject, type WatchOptions } from './watch.js';
export { projectWatchRules, type WatchRule, type WatchAction } from './watch-rules.js';
export { setParallelLimit } from './parallel.js';
