// Every endpoint berthd serves, in one table (docs/api.md mirrors it). Specific paths come before
// the greedy image-name patterns.
import * as archive from './handlers/containers_archive.js';
import { attachContainer } from './handlers/containers_attach.js';
import { createContainer } from './handlers/containers_create.js';
import { containerLogs } from './handlers/containers_logs.js';
import { containerStats } from './handlers/containers_stats.js';
import * as containers from './handlers/containers.js';
import { events } from './handlers/events.js';
import * as exec from './handlers/exec.js';
import * as images from './handlers/images.js';
import * as system from './handlers/system.js';
import { Router } from './router.js';

export function buildRouter(): Router {
  const r = new Router();
  r.get('/_ping', system.ping).head('/_ping', system.ping);
  r.get('/version', system.version);
  r.get('/info', system.info);
  r.get('/system/df', system.diskUsage);
  r.get('/events', events);

  r.get('/containers/json', containers.listContainers);
  r.post('/containers/create', createContainer);
  r.post('/containers/prune', containers.pruneContainers);
  r.get('/containers/:id/json', containers.inspectContainer);
  r.post('/containers/:id/start', containers.startContainer);
  r.post('/containers/:id/stop', containers.stopContainer);
  r.post('/containers/:id/restart', containers.restartContainer);
  r.post('/containers/:id/kill', containers.killContainer);
  r.post('/containers/:id/pause', containers.pauseContainer);
  r.post('/containers/:id/unpause', containers.unpauseContainer);
  r.post('/containers/:id/rename', containers.renameContainer);
  r.post('/containers/:id/wait', containers.waitContainer);
  r.post('/containers/:id/resize', containers.resizeContainer);
  r.post('/containers/:id/update', containers.updateContainer);
  r.post('/containers/:id/attach', attachContainer);
  r.post('/containers/:id/exec', exec.createExec);
  r.get('/containers/:id/logs', containerLogs);
  r.get('/containers/:id/top', containers.topContainer);
  r.get('/containers/:id/stats', containerStats);
  r.head('/containers/:id/archive', archive.statArchive);
  r.get('/containers/:id/archive', archive.getArchive);
  r.put('/containers/:id/archive', archive.putArchive);
  r.get('/containers/:id/changes', images.notYet);
  r.get('/containers/:id/export', images.notYet);
  r.delete('/containers/:id', containers.removeContainer);

  r.post('/exec/:id/start', exec.startExec);
  r.post('/exec/:id/resize', exec.resizeExec);
  r.get('/exec/:id/json', exec.inspectExec);

  r.get('/images/json', images.listImages);
  r.post('/images/create', images.createImage);
  r.post('/images/load', images.loadImages);
  r.get('/images/get', images.saveImages);
  r.post('/images/prune', images.pruneImages);
  r.get('/images/search', images.notYet);
  r.post('/build', images.notYet);
  r.post('/commit', images.notYet);
  r.get('/images/:name*/json', images.inspectImage);
  r.get('/images/:name*/history', images.imageHistory);
  r.get('/images/:name*/get', images.saveImages);
  r.post('/images/:name*/tag', images.tagImage);
  r.post('/images/:name*/push', images.notYet);
  r.delete('/images/:name*', images.removeImage);
  return r;
}
