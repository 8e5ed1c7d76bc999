// Every endpoint berthd serves, in one table (docs/api.md mirrors it). Specific paths come before
// the greedy image-name patterns.
import * as archive from './handlers/containers_archive.js';
import { attachContainer } from './handlers/containers_attach.js';
import { build } from './handlers/build.js';
import { commitContainer } from './handlers/commit.js';
import { createContainer } from './handlers/containers_create.js';
import { containerLogs } from './handlers/containers_logs.js';
import { containerStats } from './handlers/containers_stats.js';
import * as containers from './handlers/containers.js';
import { events } from './handlers/events.js';
import * as distribution from './handlers/distribution.js';
import * as exec from './handlers/exec.js';
import * as images from './handlers/images.js';
import * as networks from './handlers/networks.js';
import * as volumes from './handlers/volumes.js';
import * as absent from './handlers/not-yet-resources.js';
import * as system from './handlers/system.js';
import { Router } from './router.js';

export function buildRouter(): Router {
  const r = new Router();
  r.get('/_ping', system.ping).head('/_ping', system.ping);
  r.get('/version', system.version);
  r.get('/info', system.info);
  r.get('/system/df', system.diskUsage);
  r.get('/events', events);
  r.post('/auth', distribution.login);
  r.get('/distribution/:name*/json', distribution.distributionInspect);

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
  r.get('/containers/:id/changes', absent.notYet);
  r.get('/containers/:id/export', archive.exportContainer);
  r.delete('/containers/:id', containers.removeContainer);

  r.post('/exec/:id/start', exec.startExec);
  r.post('/exec/:id/resize', exec.resizeExec);
  r.get('/exec/:id/json', exec.inspectExec);

  r.get('/images/json', images.listImages);
  r.post('/images/create', images.createImage);
  r.post('/images/load', images.loadImages);
  r.get('/images/get', images.saveImages);
  r.post('/images/prune', images.pruneImages);
  r.get('/images/search', distribution.searchImages);
  r.post('/build', build);
  r.post('/commit', commitContainer);
  r.get('/images/:name*/json', images.inspectImage);
  r.get('/images/:name*/history', images.imageHistory);
  r.get('/images/:name*/get', images.saveImages);
  r.post('/images/:name*/tag', images.tagImage);
  r.post('/images/:name*/push', distribution.pushImage);
  r.delete('/images/:name*', images.removeImage);

  r.get('/networks', networks.listNetworks);
  r.post('/networks/prune', networks.pruneNetworks);
  r.post('/networks/create', networks.createNetwork);
  r.post('/networks/:id/connect', networks.connectNetwork);
  r.post('/networks/:id/disconnect', networks.disconnectNetwork);
  r.get('/networks/:id', networks.inspectNetwork);
  r.delete('/networks/:id', networks.removeNetwork);
  r.get('/volumes', volumes.listVolumes);
  r.post('/volumes/prune', volumes.pruneVolumes);
  r.post('/volumes/create', volumes.createVolume);
  r.get('/volumes/:name', volumes.inspectVolume);
  r.delete('/volumes/:name', volumes.removeVolume);
  r.post('/build/prune', absent.pruneBuildCache);
  return r;
}
