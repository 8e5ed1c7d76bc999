// A chunked request body at the start of an upgraded connection (some clients send one with
// `Upgrade: tcp`): decoded so that what follows it is the client's stdin, not chunk syntax.

/** The decoded body and the bytes it took, or null while the terminating chunk has not arrived. */
export function decodeChunked(buf: Buffer): { body: Buffer; consumed: number } | null {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = Number.parseInt(buf.subarray(at, eol).toString('latin1').split(';')[0].trim(), 16);
    if (!Number.isFinite(size)) throw new Error('malformed chunked body');
    const start = eol + 2;
    if (size === 0) {
      // Trailers (rare) end with an empty line.
      const end = buf.indexOf('\r\n\r\n', eol);
      if (end < 0) return buf.length >= start + 2 && buf.subarray(start, start + 2).toString() === '\r\n' ? { body: Buffer.concat(parts), consumed: start + 2 } : null;
      return { body: Buffer.concat(parts), consumed: end + 4 };
    }
    if (buf.length < start + size + 2) return null;
    parts.push(buf.subarray(start, start + size));
    at = start + size + 2;
  }
}
