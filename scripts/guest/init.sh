#!/bin/sh
# /init of Slipway's browser guest: mounts v86's 9p share and runs the jobs
# the page asks for on ttyS0, one line per request, one marker per answer.
#
# Requests (one line each):
#   RUN <id> <root>
#              runs the job described by jobs/<id>/spec with
#              /bin/slipway-exec, chrooted into /mnt/<root> (proc, dev and
#              sys mounted where the root has those folders); stdout and
#              stderr go to jobs/<id>/stdout and .../stderr;
#              answers "@@EXIT <id> <status>"
#   SYNC <id>  flushes and drops the page cache (before a snapshot);
#              answers "@@SYNCED <id>"
# At start it prints "@@READY" once the share is mounted.

PATH=/bin
export PATH
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# p9cache=none (the default) lets the host see every write at once;
# p9cache=loose caches in the guest and flushes with sync after each job.
cache=none
for arg in $(cat /proc/cmdline); do
  case $arg in p9cache=*) cache=${arg#p9cache=} ;; esac
done
mount -t 9p -o "trans=virtio,version=9p2000.L,msize=512000,cache=$cache" \
  host9p /mnt
umask 022
exec </dev/ttyS0 >/dev/ttyS0 2>&1
stty -echo
echo "@@READY"

while read -r verb id name; do
  case $verb in
    RUN)
      root=/mnt/$name
      job=/mnt/jobs/$id
      mounted=
      if [ -d "$root/proc" ] && mount -t proc proc "$root/proc"; then
        mounted="$root/proc"
      fi
      if [ -d "$root/dev" ] && mount -o bind /dev "$root/dev"; then
        mounted="$mounted $root/dev"
      fi
      if [ -d "$root/sys" ] && mount -t sysfs sysfs "$root/sys"; then
        mounted="$mounted $root/sys"
      fi
      /bin/slipway-exec "$job/spec" </dev/null \
        >"$job/stdout" 2>"$job/stderr"
      status=$?
      for m in $mounted; do umount -l "$m"; done
      [ "$cache" = none ] || sync
      echo "@@EXIT $id $status"
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
