// Where everything lives on disk (docs/images.md draws the same tree).
import { join } from 'node:path';
import { hexOf } from './fsutil.js';

export class Layout {
  readonly images: string;
  readonly blobs: string;
  readonly imagedb: string;
  readonly tmp: string;
  readonly repositories: string;
  readonly overlay: string;
  readonly overlayTmp: string;
  readonly links: string;
  readonly empty: string;
  readonly containers: string;

  constructor(dataRoot: string) {
    this.images = join(dataRoot, 'images');
    this.blobs = join(this.images, 'blobs', 'sha256');
    this.imagedb = join(this.images, 'imagedb');
    this.tmp = join(this.images, 'tmp');
    this.repositories = join(this.images, 'repositories.json');
    this.overlay = join(dataRoot, 'overlay');
    this.overlayTmp = join(this.overlay, 'tmp');
    this.links = join(this.overlay, 'l');
    this.empty = join(this.overlay, 'empty');
    this.containers = join(this.overlay, 'containers');
  }

  blob(digest: string): string { return join(this.blobs, hexOf(digest)); }
  imageMeta(id: string): string { return join(this.imagedb, `${hexOf(id)}.json`); }
  layerDir(chainId: string): string { return join(this.overlay, hexOf(chainId)); }
  diffDir(chainId: string): string { return join(this.layerDir(chainId), 'diff'); }
  layerMeta(chainId: string): string { return join(this.layerDir(chainId), 'layer.json'); }
  /**
   * Short name under overlay/ used in lowerdir= (relative: the mount runs with cwd = overlay/), so
   * ~150 layers fit the page-size limit. 96 bits of the chain ID: no one can craft a second layer
   * whose link would take another's place.
   */
  linkName(chainId: string): string { return `l/${hexOf(chainId).slice(0, 24)}`; }
  containerDir(containerId: string): string { return join(this.containers, containerId); }
}
