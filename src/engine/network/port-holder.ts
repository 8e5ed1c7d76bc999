// Holds each published host port with a real socket. The kernel's DNAT sends the traffic to the
// container before any socket sees it; the held socket only makes the port busy for everyone else
// (and makes a taken port fail here, with a clear error, instead of being silently shadowed).
// Port 0 lets the kernel pick an ephemeral port.
import { createServer, type Server } from 'node:net';
import { createSocket, type Socket } from 'node:dgram';
import { alreadyExists, asBerthError } from '../../common/errors.js';
import type { PortRequest } from './types.js';

export interface HeldPort { port: number; close(): Promise<void> }

function taken(req: PortRequest): Error {
  return alreadyExists(`Bind for ${req.hostIp}:${req.hostPort}/${req.proto} failed: port is already allocated`, { hostIp: req.hostIp, hostPort: req.hostPort, proto: req.proto });
}

export function holdPort(req: PortRequest): Promise<HeldPort> {
  return req.proto === 'udp' ? holdUdp(req) : holdTcp(req);
}

function holdTcp(req: PortRequest): Promise<HeldPort> {
  return new Promise((resolve, reject) => {
    const srv: Server = createServer((sock) => sock.destroy());
    srv.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? taken(req) : asBerthError(e)));
    srv.listen({ host: req.hostIp || '0.0.0.0', port: req.hostPort, exclusive: true, backlog: 1 }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : req.hostPort;
      srv.unref();
      resolve({ port, close: () => new Promise<void>((r) => srv.close(() => r())) });
    });
  });
}

function holdUdp(req: PortRequest): Promise<HeldPort> {
  return new Promise((resolve, reject) => {
    const sock: Socket = createSocket({ type: 'udp4', reuseAddr: false });
    sock.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? taken(req) : asBerthError(e)));
    sock.bind({ address: req.hostIp || '0.0.0.0', port: req.hostPort, exclusive: true }, () => {
      sock.unref();
      resolve({ port: sock.address().port, close: () => new Promise<void>((r) => sock.close(() => r())) });
    });
  });
}
