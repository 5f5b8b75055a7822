#!/bin/sh
# Builds the test fixture images (debian:bookworm-slim from debootstrap and
# labelled busybox stand-ins) and pushes them to a registry when given one.
# Usage: scripts/seed-test-registry.sh [--registry HOST:PORT] [--no-debian]
set -eu
exec node "$(dirname "$0")/seed-test-registry.mjs" "$@"
