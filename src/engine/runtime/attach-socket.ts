// Writes to a container's stdin through conmon's attach socket. That socket is SOCK_SEQPACKET,
// which Node cannot open, so a few lines of Perl (perl-base is always on Debian) bridge it:
// our pipe → socket packets (≤ 8192 bytes, conmon's read size), and our EOF → shutdown(SHUT_WR),
// which conmon turns into EOF on the process's stdin. Output is read from the log, not from here,
// so the bridge drains and drops what conmon sends back.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

const BRIDGE = `
use strict; use Socket;
socket(my $s, AF_UNIX, SOCK_SEQPACKET, 0) or die "socket: $!\\n";
connect($s, pack_sockaddr_un($ARGV[0])) or die "connect $ARGV[0]: $!\\n";
syswrite(STDOUT, "1");
my $in = 1; my $rin = '';
vec($rin, fileno(STDIN), 1) = 1; vec($rin, fileno($s), 1) = 1;
while (1) {
  my $r = $rin; select($r, undef, undef, undef) > 0 or next;
  if (vec($r, fileno($s), 1)) { my $n = sysread($s, my $b, 65536); last unless $n; }
  if ($in && vec($r, fileno(STDIN), 1)) {
    my $n = sysread(STDIN, my $b, 8192);
    if (!$n) { shutdown($s, 1); $in = 0; vec($rin, fileno(STDIN), 1) = 0; next; }
    my $o = 0; while ($o < $n) { my $w = syswrite($s, $b, $n - $o, $o); defined $w or exit 0; $o += $w; }
  }
}
`;

export interface StdinBridge { stdin: Writable; process: ChildProcess; ready: Promise<void> }

/** Connects to conmon's attach socket; `ready` resolves once connected. */
export function openStdinBridge(socketPath: string): StdinBridge {
  const child = spawn('perl', ['-e', BRIDGE, socketPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', () => reject(new Error(`attach socket: ${err.trim() || 'bridge exited'}`)));
    child.once('error', reject);
  });
  ready.catch(() => undefined);
  child.stdin?.on('error', () => undefined);
  return { stdin: child.stdin as Writable, process: child, ready };
}
