#!/usr/bin/env bash
# Makes Debian base images offline (no Docker Hub): debootstrap --variant=minbase from the Debian
# mirror this host's apt uses, cached as rootfs tars, optionally imported into an engine as
# `debian:<suite>` and `debian:<suite>-slim` (docs, man pages and locales dropped, as the Hub's
# -slim images do). Idempotent: a tar already in the cache is reused; concurrent runs wait on a lock.
#
#   scripts/make-debian-images.sh [--suite bookworm] [--cache-dir DIR] [--import docker|berth] [--print]
#
#   --import CLI   also imports both tars with `CLI import` (docker or berth; honours DOCKER_HOST /
#                  --host given in BERTH_IMPORT_ARGS), skipping tags that already exist
#   --print        prints the two tar paths (full, then slim) and nothing else on stdout
#
# Images get PATH in their config and CMD ["bash"], like the Hub's; apt inside them points at the
# same mirror(s) as the host's /etc/apt, so `RUN apt-get install -y …` works in builds.
set -euo pipefail

SUITE=bookworm
CACHE_DIR=${BERTH_DEBIAN_CACHE:-/var/cache/berth-test/debian}
IMPORT_CLI=
PRINT=0
while (($#)); do
  case "$1" in
    --suite) SUITE=$2; shift 2 ;;
    --cache-dir) CACHE_DIR=$2; shift 2 ;;
    --import) IMPORT_CLI=$2; shift 2 ;;
    --print) PRINT=1; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-debian-images: unknown argument: $1" >&2; exit 2 ;;
  esac
done

log() { if ((PRINT)); then echo "make-debian-images: $*" >&2; else echo "make-debian-images: $*"; fi; }
die() { echo "make-debian-images: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap needs it)"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"

FULL_TAR="$CACHE_DIR/debian-$SUITE.tar"
SLIM_TAR="$CACHE_DIR/debian-$SUITE-slim.tar"
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The host's Debian mirror: the first deb URI serving the suite (deb822 .sources or one-line .list).
host_mirror() {
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$SUITE" '
      /^URIs:/ { u=$2 } /^Suites:/ { for (i=2;i<=NF;i++) if ($i==suite) s=1 }
      /^$/ { if (s && u) { print u; exit } u=""; s=0 }
      END { if (s && u) print u }' "$f" | head -n1)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$SUITE" '$1=="deb" { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i+1)==suite) { print $i; exit } } }' "$f")
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  echo "http://deb.debian.org/debian"
}

# apt sources for the image: the host's Debian entries for the suite (main, -updates, -security), or the mirror alone.
write_sources() {
  local root=$1 mirror=$2 f wrote=0
  rm -f "$root/etc/apt/sources.list"
  mkdir -p "$root/etc/apt/sources.list.d"
  : > "$root/etc/apt/sources.list.d/debian.sources"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # Keep only stanzas naming the suite (or its -updates/-security) and drop third-party ones.
    awk -v suite="$SUITE" '
      function flush() { if (keep) { printf "%s\n", buf } buf=""; keep=0 }
      /^[[:space:]]*#/ { next }
      /^$/ { flush(); next }
      { buf = buf $0 "\n" }
      /^Suites:/ { for (i=2;i<=NF;i++) if ($i==suite || $i==suite"-updates" || $i==suite"-security") keep=1 }
      END { flush() }' "$f" >> "$root/etc/apt/sources.list.d/debian.sources"
  done
  grep -q '^URIs:' "$root/etc/apt/sources.list.d/debian.sources" && wrote=1
  if ((!wrote)); then
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" "$SUITE" "$SUITE" > "$root/etc/apt/sources.list.d/debian.sources"
  fi
  # A snapshot mirror's Release files are past their Valid-Until: follow the host's setting.
  local aptconf; aptconf=$(apt-config dump 2>/dev/null || true)
  if grep -q '^Acquire::Check-Valid-Until "false"' <<<"$aptconf"; then
    printf 'Acquire::Check-Valid-Until "false";\nAcquire::Check-Date "false";\n' > "$root/etc/apt/apt.conf.d/90berth-snapshot"
  fi
}

# What the Hub's Debian images do to a fresh bootstrap: no apt caches or lists, no daemons started by dpkg.
tidy_rootfs() {
  local root=$1
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
  printf 'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n' > "$root/etc/apt/apt.conf.d/docker-clean"
  printf 'Acquire::Languages "none";\n' > "$root/etc/apt/apt.conf.d/docker-no-languages"
  printf 'Acquire::GzipIndexes "true";\n' > "$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'APT::AutoRemove::SuggestsImportant "false";\n' > "$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/var/cache/apt/archives/partial/* "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/* "$root"/root/.bash_history
  rm -f "$root/etc/hostname" "$root/etc/resolv.conf" "$root/etc/machine-id" "$root/var/lib/dbus/machine-id"
  : > "$root/etc/hostname"; : > "$root/etc/resolv.conf"
  # Container engines manage /etc/hosts, /etc/hostname and /etc/resolv.conf; an empty machine-id is systemd's convention.
  : > "$root/etc/machine-id"
}

# -slim: what the Hub strips (dpkg excludes keep it stripped after later installs).
slim_rootfs() {
  local root=$1
  mkdir -p "$root/etc/dpkg/dpkg.cfg.d"
  cat > "$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/groff/* "$root"/usr/share/info/* "$root"/usr/share/lintian/* "$root"/usr/share/linda/*
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
}

pack() { # root out: a reproducible-ish rootfs tar, written to a temp name then renamed
  tar --numeric-owner --xattrs --sort=name -C "$1" -cf "$2.tmp" . && mv -f "$2.tmp" "$2"
}

build() {
  local mirror work
  mirror=$(host_mirror)
  work=$(mktemp -d "$CACHE_DIR/.work-XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  log "debootstrap --variant=minbase $SUITE from $mirror (a few minutes)"
  debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "$SUITE" "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  write_sources "$work/rootfs" "$mirror"
  tidy_rootfs "$work/rootfs"
  pack "$work/rootfs" "$FULL_TAR"
  slim_rootfs "$work/rootfs"
  pack "$work/rootfs" "$SLIM_TAR"
  rm -rf "$work"
  trap - EXIT
  log "made $FULL_TAR and $SLIM_TAR"
}

mkdir -p "$CACHE_DIR"
exec 9>"$CACHE_DIR/.lock"
flock 9
if [ -s "$FULL_TAR" ] && [ -s "$SLIM_TAR" ]; then
  log "cached: $FULL_TAR, $SLIM_TAR"
else
  build
fi
flock -u 9

if [ -n "$IMPORT_CLI" ]; then
  # shellcheck disable=SC2206
  extra=(${BERTH_IMPORT_ARGS:-})
  for pair in "$FULL_TAR debian:$SUITE" "$SLIM_TAR debian:$SUITE-slim"; do
    set -- $pair
    if "$IMPORT_CLI" "${extra[@]}" image inspect "$2" >/dev/null 2>&1; then log "$2 already present"; continue; fi
    "$IMPORT_CLI" "${extra[@]}" import -c "ENV PATH=$IMAGE_PATH" -c 'CMD ["bash"]' "$1" "$2" >/dev/null
    log "imported $2"
  done
fi

if ((PRINT)); then echo "$FULL_TAR"; echo "$SLIM_TAR"; fi
