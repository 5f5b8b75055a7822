#!/bin/sh
# Builds the browser guest (i386 kernel, initramfs, SeaBIOS) from Debian
# packages into public/guest/. Reproducible and cached; see README.md.
# Usage: scripts/guest/build-guest.sh [--force] [--check]
#   --force  rebuild even when public/guest/ matches the inputs
#   --check  exit 1 when public/guest/ does not match the inputs
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/scripts/guest
out=${SLIPWAY_GUEST_OUT:-$repo/public/guest}
cache=${SLIPWAY_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/slipway-guest}
jobs=${SLIPWAY_GUEST_JOBS:-$(nproc)}
force=no
check=no
for arg in "$@"; do
  case $arg in
    --force) force=yes ;;
    --check) check=yes ;;
    *) echo "build-guest: unknown option $arg" >&2; exit 2 ;;
  esac
done

# Every timestamp that ends up in an output comes from here.
epoch=1735689600
export SOURCE_DATE_EPOCH=$epoch LC_ALL=C TZ=UTC
export KBUILD_BUILD_TIMESTAMP='Wed Jan  1 00:00:00 UTC 2025'
export KBUILD_BUILD_USER=slipway KBUILD_BUILD_HOST=slipway
export KBUILD_BUILD_VERSION=1

log() { echo "build-guest: $*"; }
die() { echo "build-guest: error: $*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || true; }

# Host tools and the Debian sources of the guest.
need="linux-source-6.1 flex bison libelf-dev bc cpio seabios gcc make"
missing=
for p in $need; do [ -n "$(pkgver "$p")" ] || missing="$missing $p"; done
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] || die "install first: apt-get install$missing"
  log "apt-get install$missing"
  apt-get install -y --no-install-recommends $missing >/dev/null
fi
linux_ver=$(pkgver linux-source-6.1)
seabios_ver=$(pkgver seabios)
gcc_ver=$(pkgver gcc-12)

# The recipe's inputs: any change here means a rebuild.
recipe=$(cat "$here/kernel.config" "$here/build-guest.sh" "$here/init.sh" \
  "$here/exec-helper.c" | sha256sum | cut -d' ' -f1)
inputs="linux-source-6.1=$linux_ver seabios=$seabios_ver gcc-12=$gcc_ver recipe=$recipe"
if [ "$force" = no ] && [ -f "$out/inputs.txt" ] &&
  [ "$(cat "$out/inputs.txt")" = "$inputs" ]; then
  log "public/guest is up to date ($out/inputs.txt)"
  exit 0
fi
if [ "$check" = yes ]; then
  log "public/guest is stale; inputs now: $inputs"
  exit 1
fi

mkdir -p "$cache" "$out"

# 1. Kernel: tinyconfig + kernel.config, built in-tree for stable paths.
kkey=$(cat "$here/kernel.config" | sha256sum | cut -c1-16)
kdir=$cache/kernel/$linux_ver-$kkey
if [ ! -f "$kdir/bzImage" ]; then
  src=$cache/src/linux-source-6.1-$linux_ver
  if [ ! -f "$src/Makefile" ]; then
    log "unpacking linux-source-6.1 $linux_ver"
    rm -rf "$src.tmp" && mkdir -p "$src.tmp"
    tar -xaf /usr/src/linux-source-6.1.tar.xz -C "$src.tmp" \
      --strip-components=1
    mv "$src.tmp" "$src"
  fi
  log "configuring (tinyconfig + kernel.config)"
  make -s -C "$src" ARCH=i386 mrproper
  make -s -C "$src" ARCH=i386 tinyconfig
  grep '^CONFIG_' "$here/kernel.config" >"$src/slipway.frag"
  (cd "$src" && ARCH=i386 scripts/kconfig/merge_config.sh -m -O . .config \
    slipway.frag >/dev/null)
  make -s -C "$src" ARCH=i386 olddefconfig
  while IFS= read -r line; do
    grep -qx "$line" "$src/.config" || die "kernel option not applied: $line"
  done <"$src/slipway.frag"
  log "make bzImage (-j$jobs; a few minutes)"
  start=$(date +%s)
  make -s -C "$src" ARCH=i386 -j"$jobs" bzImage
  log "kernel built in $(($(date +%s) - start)) s"
  mkdir -p "$kdir"
  cp "$src/arch/x86/boot/bzImage" "$kdir/bzImage.tmp"
  cp "$src/.config" "$kdir/config"
  mv "$kdir/bzImage.tmp" "$kdir/bzImage"
fi

# 2. i386 packages from Debian, with their own apt lists: busybox-static
# for the initramfs, qemu-user-static for linux/amd64, linux/arm64 and
# linux/arm/v7 steps.
debs=$cache/debs/i386
i386_deb() {
  found=$(ls "$debs"/"$1"_*_i386.deb 2>/dev/null | head -n1 || true)
  if [ -z "$found" ]; then
    apt=$cache/apt-i386
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$debs"
    opts="-q -oAPT::Architecture=i386 -oAPT::Architectures=i386
      -oDir::State::Lists=$apt/lists -oDir::Cache=$apt/cache
      -oAPT::Sandbox::User=root"
    log "apt-get download $1:i386" >&2
    apt-get $opts update >/dev/null
    (cd "$debs" && apt-get $opts download "$1" >/dev/null)
    rm -rf "$apt"
    found=$(ls "$debs"/"$1"_*_i386.deb | head -n1)
  fi
  echo "$found"
}
bbdeb=$(i386_deb busybox-static)
busybox_ver=$(dpkg-deb -f "$bbdeb" Version)
qemudeb=$(i386_deb qemu-user-static)
qemu_ver=$(dpkg-deb -f "$qemudeb" Version)

# 3. initramfs: busybox, /init and the exec helper, as a stable cpio.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/initramfs
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/mnt" \
  "$root/tmp"
dpkg-deb -x "$bbdeb" "$work/bb"
cp "$work/bb/bin/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/init.sh" "$root/init"
gcc -m32 -march=i686 -static -nostdlib -ffreestanding -fno-pic -fno-pie \
  -fno-stack-protector -fno-asynchronous-unwind-tables -Os -no-pie \
  -Wl,--build-id=none -Wl,-n -Wl,--no-warn-rwx-segments -s \
  -o "$root/bin/slipway-exec" \
  "$here/exec-helper.c"
chmod 0755 "$root/bin/busybox" "$root/init" "$root/bin/slipway-exec"
chmod 0755 "$root" "$root"/*
find "$root" -exec touch -h -d "@$epoch" {} +
(cd "$root" && find . | sort | cpio --quiet -o -H newc --reproducible \
  -R 0:0 >"$work/initramfs.cpio")

# 4. Publish: kernel, initramfs, BIOS and the manifest.
cp "$kdir/bzImage" "$out/bzImage"
cp "$work/initramfs.cpio" "$out/initramfs"
# QEMU user mode, one binary per foreign platform the guest runs (the same
# list as EMULATORS in web/src/v86/emulation.ts).
emulators="linux/amd64=x86_64 linux/arm64=aarch64 linux/arm/v7=arm"
rm -f "$out"/qemu-*.gz
emulator_json=
for entry in $emulators; do
  platform=${entry%%=*}
  qemu=qemu-${entry#*=}
  dpkg-deb --fsys-tarfile "$qemudeb" |
    tar -xO "./usr/bin/$qemu-static" >"$work/$qemu"
  [ -s "$work/$qemu" ] || die "$qemudeb has no usr/bin/$qemu-static"
  gzip -9 -n -c "$work/$qemu" >"$out/$qemu.gz"
  emulator_json="$emulator_json${emulator_json:+,}
    \"$platform\": {
      \"file\": \"$qemu.gz\",
      \"sha256\": \"$(sha "$out/$qemu.gz")\",
      \"size\": $(stat -c %s "$out/$qemu.gz"),
      \"binary_sha256\": \"$(sha "$work/$qemu")\",
      \"from\": \"qemu-user-static:i386=$qemu_ver (usr/bin/$qemu-static)\"
    }"
done
cp /usr/share/seabios/bios.bin "$out/bios.bin"
cp "$kdir/config" "$out/kernel-config.txt"
cat >"$out/manifest.json" <<EOF
{
  "kernel": {
    "file": "bzImage",
    "sha256": "$(sha "$out/bzImage")",
    "size": $(stat -c %s "$out/bzImage"),
    "from": "linux-source-6.1=$linux_ver",
    "config": "tinyconfig + scripts/guest/kernel.config",
    "built_with": "gcc-12=$gcc_ver"
  },
  "initramfs": {
    "file": "initramfs",
    "sha256": "$(sha "$out/initramfs")",
    "size": $(stat -c %s "$out/initramfs"),
    "from": "busybox-static:i386=$busybox_ver",
    "busybox_sha256": "$(sha "$root/bin/busybox")"
  },
  "bios": {
    "file": "bios.bin",
    "sha256": "$(sha "$out/bios.bin")",
    "size": $(stat -c %s "$out/bios.bin"),
    "from": "seabios=$seabios_ver"
  },
  "emulators": {$emulator_json
  },
  "cmdline": "console=ttyS0 rdinit=/init tsc=reliable random.trust_cpu=on init_on_free=1 quiet loglevel=3"
}
EOF
echo "$inputs" >"$out/inputs.txt"
log "wrote $out: $(cd "$out" && ls | tr '\n' ' ')"
