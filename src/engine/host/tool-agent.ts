// Runs short host tools from one small long-lived helper process instead of from berthd: the
// network's (ip, nft, and the veth wiring over rtnetlink) and the OCI runtime's output-less
// commands (delete, kill, pause, resume, update, runc's start). Node's spawn forks berthd itself:
// with 60–90 MB resident that fork blocks berthd's only thread for 2–7 ms per process (more under
// load and as memory grows), and a container attach needs two or three processes, so 20
// containers starting at once queued ~0.2 s of forks behind each other. The
// helper is a few lines of Perl (perl-base is Essential on Debian) with a few MB to copy: it forks a
// worker per request, which enters the network namespace asked for (setns), writes the sysctls asked
// for there (so the 127.0.0.11 redirect needs no shell), runs the tool with the given stdin, and
// answers with its exit code and stderr. Requests run side by side.
//
// Only for tools whose stdout is not wanted (it goes to /dev/null), so every answer is one short line
// written at once (below PIPE_BUF: answers of parallel workers never interleave). Without Perl, or
// on an architecture whose setns number is not listed, calls spawn the tool directly (nsenter, sh).
// The helper holds nothing: it exits when berthd's end of its stdin closes (berthd killed -9
// included), and a dead helper is started again at the next call.
import { existsSync } from 'node:fs';
import { LineHelper } from './line-helper.js';

const SETNS: Partial<Record<string, number>> = { x64: 308, arm64: 268, ia32: 346, arm: 375 };
const PERL = '/usr/bin/perl';
/**
 * stderr kept per answer, its end (where a runtime's last line says why it failed): with the hex
 * encoding the line stays below PIPE_BUF (4096).
 */
const STDERR_MAX = 1500;

const SCRIPT = `
use strict; use warnings; use POSIX ();
my $SYS_setns = $ARGV[0];
$SIG{CHLD} = 'IGNORE';

# rtnetlink, for the veth pair of an endpoint (what two \`ip -batch\` runs did, without their processes).
my $seq = 0;
sub attr { my ($type, $data) = @_; my $len = 4 + length($data); return pack('SS', $len, $type) . $data . ("\\0" x ((4 - $len % 4) % 4)); }
sub ifinfo { return pack('CCSiII', 0, 0, 0, $_[0], $_[1], $_[1]); } # index, flags (= change mask)
sub nlsock { socket(my $s, 16, 3, 0) or die "netlink socket: $!\\n"; return $s; } # AF_NETLINK, SOCK_RAW, NETLINK_ROUTE
sub nlreq { # sends one request with NLM_F_REQUEST|NLM_F_ACK, dies with the kernel's errno
  my ($s, $type, $flags, $body, $what) = @_;
  $seq++;
  send($s, pack('LSSLL', 16 + length($body), $type, $flags | 5, $seq, 0) . $body, 0) or die "$what: $!\\n";
  while (1) {
    my $buf;
    defined(recv($s, $buf, 65536, 0)) or die "$what: $!\\n";
    for (my $off = 0; $off + 16 <= length $buf;) {
      my ($len, $t, undef, $sq) = unpack('LSSL', substr($buf, $off, 16));
      if ($t == 2 && $sq == $seq) { # NLMSG_ERROR: 0 is the ack
        my $err = unpack('l', substr($buf, $off + 16, 4));
        if ($err) { $! = -$err; die "$what: $!\\n"; }
        return;
      }
      last if $len < 16;
      $off += ($len + 3) & ~3;
    }
  }
}
sub ifindex {
  socket(my $u, 2, 2, 0) or die "socket: $!\\n";
  my $req = pack('a16 i x20', $_[0]);
  ioctl($u, 0x8933, $req) or die "$_[0]: $!\\n"; # SIOCGIFINDEX
  return unpack('x16 i', $req);
}
sub ip4 { return pack('C4', split /\\./, $_[0]); }
# host end on the bridge and up, its peer made in the netns; then in the netns: lo up, address, up, default route
sub wire {
  my ($nsfh, $hostif, $bridge, $mtu, $ifname, $mac, $addr, $plen, $via) = @_;
  my $nl = nlsock();
  my $peer = ifinfo(0, 0) . attr(3, "$ifname\\0") . attr(4, pack('L', $mtu)) . attr(1, pack('C6', map { hex } split /:/, $mac)) . attr(28, pack('l', fileno($nsfh)));
  my $info = attr(1, "veth\\0") . attr(2, attr(1, $peer));
  nlreq($nl, 16, 0x600, ifinfo(0, 1) . attr(3, "$hostif\\0") . attr(4, pack('L', $mtu)) . attr(10, pack('L', ifindex($bridge))) . attr(18, $info), "link add $hostif");
  syscall($SYS_setns, fileno($nsfh), 0x40000000) == 0 or die "setns: $!\\n";
  my $in = nlsock();
  nlreq($in, 16, 0, ifinfo(ifindex('lo'), 1), 'link set lo up');
  my $idx = ifindex($ifname);
  nlreq($in, 20, 0x600, pack('CCCCI', 2, $plen, 0, 0, $idx) . attr(2, ip4($addr)) . attr(1, ip4($addr)), "addr add $addr/$plen dev $ifname");
  nlreq($in, 16, 0, ifinfo($idx, 1), "link set $ifname up");
  nlreq($in, 24, 0x500, pack('CCCCCCCCI', 2, 0, 0, 0, 254, 3, 0, 1, 0) . attr(5, ip4($via)) . attr(4, pack('L', $idx)), "route replace default via $via") if $via ne '';
}

while (my $line = <STDIN>) {
  chomp $line;
  my ($id, @f) = split /\\t/, $line, -1;
  my ($netns, $writes, $argv, $input, $veth) = map { pack('H*', $_) } @f;
  my $pid = fork;
  if (!defined $pid) { syswrite STDOUT, "$id\\t255\\t" . unpack('H*', "fork: $!") . "\\n"; next; }
  next if $pid;
  $SIG{CHLD} = 'DEFAULT';
  my $answer = sub { syswrite STDOUT, "$id\\t$_[0]\\t" . unpack('H*', length($_[1]) > ${STDERR_MAX} ? substr($_[1], -${STDERR_MAX}) : $_[1]) . "\\n"; POSIX::_exit(0); };
  if ($netns ne '') {
    open(my $ns, '<', $netns) or $answer->(255, "open $netns: $!");
    if ($veth ne '') { eval { wire($ns, split /\\0/, $veth, -1); 1 } or $answer->(254, $@); }
    else { syscall($SYS_setns, fileno($ns), 0x40000000) == 0 or $answer->(255, "setns $netns: $!"); }
  }
  my @w = split /\\0/, $writes;
  while (@w >= 2) {
    my ($path, $value) = splice(@w, 0, 2);
    my $fh;
    (open($fh, '>', $path) and print($fh $value) and close($fh)) or $answer->(255, "write $path: $!");
  }
  $answer->(0, '') if $argv eq '';
  my @cmd = split /\\0/, $argv;
  pipe(my $ir, my $iw) or $answer->(255, "pipe: $!");
  pipe(my $er, my $ew) or $answer->(255, "pipe: $!");
  my $c = fork;
  defined $c or $answer->(255, "fork: $!");
  if ($c == 0) {
    close $iw; close $er;
    open(STDIN, '<&', $ir); open(STDOUT, '>', '/dev/null'); open(STDERR, '>&', $ew);
    { no warnings 'exec'; exec { $cmd[0] } @cmd; }
    print STDERR "$cmd[0]: $!\\n";
    POSIX::_exit(127);
  }
  close $ir; close $ew;
  $SIG{PIPE} = 'IGNORE';
  print $iw $input; close $iw;
  my $err = do { local $/; <$er> };
  waitpid($c, 0);
  $answer->(($? & 127) ? 128 + ($? & 127) : $? >> 8, defined $err ? $err : '');
}
`;

/** An endpoint's veth pair, made by the helper itself over rtnetlink (links.ts VethPlan without the netns). */
export interface VethWiring {
  hostIf: string;
  bridge: string;
  mtu: number;
  ifName: string;
  mac: string;
  address: string;
  prefixLen: number;
  defaultVia: string | null;
}

export interface ToolCall {
  /** network namespace to run in (a path); none: berthd's own */
  netns?: string;
  /**
   * With `netns`: first the veth pair (host end on its bridge and up, the peer in `netns` with its
   * address, up, the default route; `lo` up), by rtnetlink from the helper, no process; then the
   * tool, if argv is not empty, in that netns.
   */
  veth?: VethWiring;
  /** files written inside that namespace first, e.g. a /proc/sys/net value */
  writes?: Array<[path: string, value: string]>;
  input?: string;
}

export interface ToolResult { code: number; stderr: string }

const hex = (s: string) => Buffer.from(s).toString('hex');

class ToolAgent {
  private readonly helper = new LineHelper<ToolResult>(
    'network tool helper',
    () => [PERL, ['-e', SCRIPT, String(SETNS[process.arch])]],
    ([code, stderr]) => ({ code: Number(code), stderr: Buffer.from(stderr ?? '', 'hex').toString() }),
  );

  readonly available = SETNS[process.arch] !== undefined && existsSync(PERL);

  run(argv: string[], c: ToolCall): Promise<ToolResult> {
    const writes = (c.writes ?? []).flat().join('\0');
    const v = c.veth;
    const veth = v ? [v.hostIf, v.bridge, v.mtu, v.ifName, v.mac, v.address, v.prefixLen, v.defaultVia ?? ''].join('\0') : '';
    return this.helper.request(argv.join(' '), [c.netns ?? '', writes, argv.join('\0'), c.input ?? '', veth].map(hex));
  }
}

let agent: ToolAgent | undefined;

/** The process's helper (one serves every NetworkService of the process). */
export function toolAgent(): ToolAgent {
  agent ??= new ToolAgent();
  return agent;
}
