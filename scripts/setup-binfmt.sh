#!/bin/sh
# Registers QEMU user emulation for arm64 and arm with the F flag, so foreign
# RUN steps work inside containers. Idempotent; needs root and qemu-user-static.
set -eu

BINFMT=/proc/sys/fs/binfmt_misc

if [ "$(id -u)" != 0 ]; then
  echo "setup-binfmt: must run as root" >&2
  exit 1
fi
if [ ! -e "$BINFMT/register" ]; then
  if ! mount -t binfmt_misc binfmt_misc "$BINFMT" 2>/dev/null; then
    echo "setup-binfmt: cannot mount binfmt_misc at $BINFMT" >&2
    exit 1
  fi
  echo "setup-binfmt: mounted binfmt_misc"
fi

for name in qemu-aarch64 qemu-arm; do
  conf=/usr/lib/binfmt.d/$name.conf
  if [ ! -f "$conf" ]; then
    echo "setup-binfmt: $conf missing (apt-get install qemu-user-static)" >&2
    exit 1
  fi
  entry=$BINFMT/$name
  if [ -e "$entry" ]; then
    if grep -q '^enabled' "$entry" && grep -q '^flags:.*F' "$entry"; then
      echo "setup-binfmt: $name already registered with F"
      continue
    fi
    # Re-register: an entry without F fails inside containers.
    echo -1 > "$entry"
  fi
  line=$(grep -v '^#' "$conf" | grep -v '^$' | head -n 1)
  flags=${line##*:}
  case $flags in
    *F*) ;;
    *) line="${line}F" ;;
  esac
  printf '%s\n' "$line" > "$BINFMT/register"
  echo "setup-binfmt: registered $name ($(sed -n 's/^flags: //p' "$entry"))"
done
