#!/bin/sh
# /init of Slipway's browser guest: mounts v86's 9p share and runs the jobs
# the page asks for on ttyS0, one line per request, one marker per answer.
#
# Requests (one line each):
#   RUN <id>   runs the job described by jobs/<id>/spec on the share with
#              /bin/slipway-exec (chroot, mounts, user); stdout and stderr
#              go to jobs/<id>/stdout and .../stderr as they are written;
#              answers "@@EXIT <id> <status>"
#   BINFMT <id>
#              registers the binfmt_misc rule in jobs/<id>/binfmt (QEMU user
#              mode for foreign binaries); answers "@@BINFMT <id> <status>"
#   SYNC <id>  flushes and drops the page cache (before a snapshot);
#              answers "@@SYNCED <id>"
# At start it prints "@@READY" once the share is mounted.

PATH=/bin
export PATH
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
# The host lays every root under a new name and changes nothing the guest
# has seen, so the guest may cache the share (p9cache=loose, the default);
# slipway-exec writes its output through and syncs when the job ends.
# p9cache=none turns caching off.
cache=loose
for arg in $(cat /proc/cmdline); do
  case $arg in p9cache=*) cache=${arg#p9cache=} ;; esac
done
mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000,cache=$cache" \
  host9p /mnt
umask 022
exec </dev/ttyS0 >/dev/ttyS0 2>&1
stty -echo
echo "@@READY"

while read -r verb id; do
  case $verb in
    RUN)
      job=/mnt/jobs/$id
      /bin/slipway-exec "$job/spec" "$job/stdout" "$job/stderr" </dev/null
      echo "@@EXIT $id $?"
      ;;
    BINFMT)
      rule=$(cut -d: -f2 "/mnt/jobs/$id/binfmt")
      [ -e "/proc/sys/fs/binfmt_misc/$rule" ] &&
        echo -1 >"/proc/sys/fs/binfmt_misc/$rule"
      cat "/mnt/jobs/$id/binfmt" >/proc/sys/fs/binfmt_misc/register
      echo "@@BINFMT $id $?"
      ;;
    SYNC)
      sync
      echo 3 >/proc/sys/vm/drop_caches
      echo "@@SYNCED $id"
      ;;
    '') ;;
    *) echo "@@UNKNOWN $verb" ;;
  esac
done
echo "@@EOF"
