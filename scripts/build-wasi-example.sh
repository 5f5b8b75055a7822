#!/bin/sh
# Builds examples/wasi-hello/hello.wasm from hello.c with Debian's clang for
# wasm32-wasi, and records the package versions beside it (see README.md).
# Usage: scripts/build-wasi-example.sh [--check] [--out FILE]
#   --check     rebuild into a temporary file; exit 1 unless it matches the
#               committed hello.wasm byte for byte
#   --out FILE  write the module to FILE instead (nothing else is touched)
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$repo/examples/wasi-hello
check=no
out=
while [ $# -gt 0 ]; do
  case $1 in
    --check) check=yes ;;
    --out) out=$2; shift ;;
    *) echo "build-wasi-example: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "build-wasi-example: $*"; }
die() { echo "build-wasi-example: error: $*" >&2; exit 1; }
pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || true; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# The toolchain: clang and wasm-ld, wasi-libc as the sysroot (/usr), and
# compiler-rt's builtins for wasm32.
need="clang lld wasi-libc libclang-rt-dev-wasm32"
missing=
for p in $need; do [ -n "$(pkgver "$p")" ] || missing="$missing $p"; done
if [ -n "$missing" ]; then
  [ "$(id -u)" = 0 ] || die "install first: apt-get install$missing"
  log "apt-get install$missing"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    $missing >/dev/null
fi

# --strip-all drops the name section: 40 KB instead of 220 KB, and no path
# or build directory ends up in the module, so every checkout builds the
# same bytes.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir"
clang --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-all \
  -o "$tmp/hello.wasm" hello.c

if [ -n "$out" ]; then
  cp "$tmp/hello.wasm" "$out"
  log "wrote $out ($(sha "$out"))"
  exit 0
fi
if [ "$check" = yes ]; then
  if cmp -s "$tmp/hello.wasm" "$dir/hello.wasm"; then
    log "hello.wasm matches hello.c ($(sha "$dir/hello.wasm"))"
    exit 0
  fi
  log "hello.wasm differs from a fresh build ($(sha "$tmp/hello.wasm"))"
  exit 1
fi

cp "$tmp/hello.wasm" "$dir/hello.wasm"
cat >"$dir/hello.wasm.json" <<EOF
{
  "file": "hello.wasm",
  "sha256": "$(sha "$dir/hello.wasm")",
  "size": $(wc -c <"$dir/hello.wasm"),
  "source": "hello.c",
  "source_sha256": "$(sha "$dir/hello.c")",
  "command": "clang --target=wasm32-wasi --sysroot=/usr -O2 -Wl,--strip-all -o hello.wasm hello.c",
  "packages": {
    "clang": "$(pkgver clang)",
    "clang-14": "$(pkgver clang-14)",
    "lld": "$(pkgver lld)",
    "lld-14": "$(pkgver lld-14)",
    "wasi-libc": "$(pkgver wasi-libc)",
    "libclang-rt-dev-wasm32": "$(pkgver libclang-rt-dev-wasm32)"
  }
}
EOF
log "wrote examples/wasi-hello/hello.wasm ($(sha "$dir/hello.wasm"))"
