// Just enough of a tar writer for build contexts: ustar headers, PAX records for long or non-ASCII
// names and link targets, files, directories and symlinks. The CLI sends a context on every
// `build`; a dozen lines of header layout spare every CLI command loading a general tar library.

export interface TarEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  mtime: Date;
  size?: number;
  linkname?: string;
}

const BLOCK = 512;
const enc = new TextEncoder();

function octal(buf: Buffer, off: number, len: number, value: number): void {
  buf.write(value.toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
}

/** A PAX record: "<len> key=value\n", where len counts the whole record including itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const b = Buffer.byteLength(body);
  let len = b + String(b).length;
  if (String(len).length > String(b).length) len = b + String(len).length;
  return `${len}${body}`;
}

function header(name: string, type: string, mode: number, mtime: number, size: number, linkname: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, mode & 0o7777);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, Math.max(0, Math.floor(mtime)));
  h.fill(0x20, 148, 156);
  h.write(type, 156, 1, 'ascii');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0' + '00', 257, 8, 'ascii');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

const fits = (s: string) => enc.encode(s).length <= 100 && /^[\x20-\x7e]*$/.test(s);

/** The header block(s) of one entry: a PAX header first when a name or link target does not fit ustar's fields. */
export function entryHeader(e: TarEntry): Buffer {
  const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const linkname = e.linkname ?? '';
  const size = e.type === 'file' ? e.size ?? 0 : 0;
  const mtime = e.mtime.getTime() / 1000;
  const type = e.type === 'file' ? '0' : e.type === 'directory' ? '5' : '2';
  const pax = (fits(name) ? '' : paxRecord('path', name)) + (fits(linkname) ? '' : paxRecord('linkpath', linkname)) + (size >= 8 ** 11 ? paxRecord('size', String(size)) : '');
  const main = header(fits(name) ? name : name.slice(0, 99).replace(/[^\x20-\x7e]/g, '_'), type, e.mode, mtime, size >= 8 ** 11 ? 0 : size, fits(linkname) ? linkname : '');
  if (!pax) return main;
  const paxBytes = Buffer.from(pax, 'utf8');
  return Buffer.concat([header('PaxHeader', 'x', 0o644, mtime, paxBytes.length, ''), paxBytes, padding(paxBytes.length), main]);
}

export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** Two zero blocks end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK);
