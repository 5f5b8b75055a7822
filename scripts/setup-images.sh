#!/bin/sh
# Seeds the built-in image store (busybox for amd64, arm64, 386, arm/v7) from
# Debian packages. Usage: scripts/setup-images.sh [--arch amd64,arm64,...]
set -eu
exec node "$(dirname "$0")/setup-images.mjs" "$@"
