// One long-lived helper process for the kernel calls Node cannot make (mount, umount2, a new network
// namespace): a few lines of Perl (perl-base is Essential on Debian) that read one request per line
// and answer with the errno. Spawning `mount` or `umount` from berthd costs a fork of a large process plus libmount's
// start-up, 3-8 ms each under load (more as berthd's memory grows); a request here costs ~0.1 ms.
// The helper holds nothing: it exits when berthd's end of its stdin closes (berthd killed -9
// included), and a dead helper is started again at the next call. Where Perl or the syscall
// numbers are missing, `available` is false and callers run the binaries as before.
import { existsSync } from 'node:fs';
import { internal } from '../../common/errors.js';
import { LineHelper } from '../host/line-helper.js';

/** mount, umount2, unshare, setns by architecture. */
const SYSCALLS: Partial<Record<string, [number, number, number, number]>> = { x64: [165, 166, 272, 308], arm64: [40, 39, 97, 268] };
const PERL = '/usr/bin/perl';

// Requests: "<id>\t<op>\t<args...>\n"; answers: "<id>\t<0|EOF|errno>\t<text>\n". Lines are read
// with sysread beside the sync pipes of conmons being launched (select), never with buffered I/O.
const SCRIPT = String.raw`
use strict; use warnings; use POSIX (); use IO::Select; use Fcntl qw(F_SETFD);
my ($SYS_mount, $SYS_umount2, $SYS_unshare, $SYS_setns) = @ARGV;
$SIG{CHLD} = 'IGNORE'; # conmon daemonizes: the process forked here exits at once
open(my $hostnet, '<', '/proc/self/ns/net') or die "host-agent: /proc/self/ns/net: $!\n";
my $sel = IO::Select->new(\*STDIN);
my %sync; # fileno of a sync pipe's read end => [request id, handle, bytes so far]
my $in = '';
sub answer { my $l = join("\t", @_) . "\n"; while (length $l) { my $n = syswrite(STDOUT, $l); defined $n or exit 4; substr($l, 0, $n) = ''; } }
# Keeps the kernel's cgroup-migration lock in its fast state while runtimes create processes: the
# first write to a cgroup.procs after a quiet spell waits for an RCU grace period (6-20 ms), later
# ones within a grace period do not. The warmer rewrites its own pid into the cgroup it is in (a
# no-op move) every 3 ms, so a runtime's move of a new process is one of the later ones. One warmer
# serves all launches under way: it starts with the first and is killed when the last has answered
# (1 s at most: a launch that never answers cannot keep it going; the next launch starts another).
my ($warm_pid, $warm_fh, $pending) = (0, undef, 0);
sub warm {
  my ($procs) = @_;
  return if $procs eq '' || $warm_pid;
  pipe(my $r, my $w) or return; # its end tells the helper that the warmer is gone
  my $pid = fork;
  return unless defined $pid;
  if ($pid == 0) {
    close $r;
    open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null'); # berthd sees the helper's end alone
    for (1 .. 300) {
      open(my $f, '>', $procs) or last;
      syswrite($f, "$$\n") or last;
      close $f;
      select(undef, undef, undef, 0.003);
    }
    POSIX::_exit(0);
  }
  close $w;
  ($warm_pid, $warm_fh) = ($pid, $r);
  $sel->add($r);
}
sub cool {
  my ($kill) = @_;
  return unless $warm_pid;
  kill('KILL', $warm_pid) if $kill;
  $sel->remove($warm_fh); close $warm_fh;
  ($warm_pid, $warm_fh) = (0, undef);
}
sub launch {
  my ($id, $cwd, $errfile, $procs, @argv) = @_;
  warm($procs); # first: its own first write is the slow one, and runs beside conmon's start-up
  pipe(my $r, my $w) or return -1;
  my $pid = fork;
  return -1 unless defined $pid;
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT'; # an ignored SIGCHLD would cross the exec: conmon waits for its children
    POSIX::setsid();
    chdir $cwd or POSIX::_exit(127);
    open(STDIN, '<', '/dev/null'); open(STDOUT, '>', '/dev/null');
    open(STDERR, '>', $errfile) or POSIX::_exit(127);
    if (fileno($w) != 3) { POSIX::dup2(fileno($w), 3) or POSIX::_exit(127); }
    open(my $sp, '>&=', 3) or POSIX::_exit(127);
    fcntl($sp, F_SETFD, 0); # fd 3 crosses the exec (Perl marks fds above 2 close-on-exec)
    $ENV{_OCI_SYNCPIPE} = 3;
    exec { $argv[0] } @argv or POSIX::_exit(127);
  }
  close $w;
  $sync{fileno $r} = [$id, $r, ''];
  $sel->add($r);
  $pending++;
  return 0;
}
sub handle {
  my ($id, $op, @a) = split /\t/, $_[0], -1;
  my $rc;
  if ($op eq 'mount') {
    my ($cwd, $src, $target, $type, $flags, $data) = @a;
    if (chdir $cwd) { $rc = syscall($SYS_mount, $src, $target, $type, $flags + 0, $data); chdir '/'; } else { $rc = -1; }
  } elsif ($op eq 'umount') {
    $rc = syscall($SYS_umount2, $a[0], $a[1] + 0);
  } elsif ($op eq 'netns') {
    # A new network namespace bound at the (new, empty) file; the helper goes back to the host's.
    if (open(my $f, '>', $a[0])) {
      close $f;
      $rc = syscall($SYS_unshare, 0x40000000);
      if ($rc == 0) {
        my ($self, $none) = ('/proc/self/ns/net', 'none'); # syscall() wants writable strings
        $rc = syscall($SYS_mount, $self, $a[0], $none, 0x1000, 0);
        my $e = $! + 0;
        syscall($SYS_setns, fileno($hostnet), 0x40000000) == 0 or exit 3;
        $! = $e;
      }
    } else { $rc = -1; }
  } elsif ($op eq 'spawn') {
    $rc = launch($id, @a);
    return if $rc == 0; # answered when its sync pipe speaks or closes
    cool(1) if $pending == 0; # started for this launch alone
  } else { $! = 22; $rc = -1; }
  if ($rc == 0) { answer($id, 0, ''); } else { answer($id, $! + 0, "$!"); }
}
while (1) {
  for my $fh ($sel->can_read) {
    my $fd = fileno($fh);
    next unless defined $fd; # closed earlier in this round (the warmer's end, by cool)
    if ($fd == 0) {
      my $n = sysread(STDIN, $in, 65536, length $in);
      exit 0 unless $n;
      while ((my $nl = index($in, "\n")) >= 0) { my $line = substr($in, 0, $nl); substr($in, 0, $nl + 1) = ''; handle($line); }
    } elsif ($warm_fh && $fh == $warm_fh) {
      cool(0); # the warmer ended by itself
    } elsif (my $s = $sync{$fd}) {
      my $n = sysread($fh, $s->[2], 4096, length $s->[2]);
      my $nl = index($s->[2], "\n");
      next if $n && $nl < 0;
      cool(1) if --$pending == 0;
      answer($s->[0], $nl >= 0 ? (0, substr($s->[2], 0, $nl)) : ('EOF', ''));
      $sel->remove($fh); delete $sync{$fd}; close $fh;
    }
  }
}
`;

class HostAgent {
  private readonly helper = new LineHelper<string | undefined>(
    'host helper',
    () => [PERL, ['-e', SCRIPT, ...SYSCALLS[process.arch]!.map(String)]],
    ([errno, ...rest], what) => {
      const message = rest.join('\t');
      if (errno === '0') return message;
      if (errno === 'EOF') return undefined;
      return Object.assign(internal(`${what}: ${message}`), { errno: Number(errno) });
    },
  );

  readonly available = SYSCALLS[process.arch] !== undefined && existsSync(PERL);

  /** mount(2) with `cwd` as the working directory (overlay's relative lowerdir= names). */
  async mount(cwd: string, source: string, target: string, fstype: string, flags: number, data: string): Promise<void> {
    await this.call(`mount ${target}`, ['mount', cwd, source, target, fstype, String(flags), data]);
  }

  /**
   * Starts `argv` as conmon wants it (new session, `cwd`, stdin and stdout /dev/null, stderr to
   * `errFile`, fd 3 the write end of a pipe named by _OCI_SYNCPIPE); resolves with the first line
   * conmon writes there, or undefined when it closes the pipe without one. A fork of this small
   * process instead of berthd's (spawning from berthd costs 2-8 ms by its size). With
   * `warmProcs` (a cgroup.procs file of the helper's own cgroup), a warmer runs until conmon
   * answers: see `warm` in the script.
   */
  launch(cwd: string, errFile: string, argv: string[], warmProcs = ''): Promise<string | undefined> {
    return this.call(`launch ${argv[0]}`, ['spawn', cwd, errFile, warmProcs, ...argv]);
  }

  /** A new network namespace, kept by a bind mount at `path` (a new file; its directory exists). */
  async newNetns(path: string): Promise<void> {
    await this.call(`netns ${path}`, ['netns', path]);
  }

  /** umount2(2); flags e.g. MNT_DETACH (2). */
  async umount(target: string, flags: number): Promise<void> {
    await this.call(`umount ${target}`, ['umount', target, String(flags)]);
  }

  private call(what: string, fields: string[]): Promise<string | undefined> {
    if (fields.some((f) => /[\t\n]/.test(f))) return Promise.reject(internal(`${what}: a tab or newline in an argument`));
    return this.helper.request(what, fields);
  }
}

let agent: HostAgent | undefined;

/** The process's helper (mounts are process-wide: one serves every daemon part). */
export function hostAgent(): HostAgent {
  agent ??= new HostAgent();
  return agent;
}

export const MS_BIND = 0x1000;
export const MNT_DETACH = 2;
