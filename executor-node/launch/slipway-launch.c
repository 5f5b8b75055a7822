// Starts an OCI runtime for one RUN step in a private mount namespace: hides
// the cgroup2 mount crun refuses on hybrid hosts, mounts the step's overlay,
// says `ready` on fd 3, optionally waits for `go` on stdin, then becomes the
// runtime. The same job as the shell script in oci-runtime.ts, in one
// process instead of three (unshare, sh, mount); scripts/build-cli.mjs
// compiles it when a C compiler is present.
//
// Usage: slipway-launch [--hide DIR] [--overlay OPTIONS TARGET [--wait]]
//                       -- RUNTIME [ARGS...]
// Exits 125 when it cannot set up, as the shell launcher does.

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static int fail(const char *what, const char *detail) {
  fprintf(stderr, "slipway-launch: %s %s: %s\n", what, detail, strerror(errno));
  return 125;
}

// Reads one line from stdin and tells whether it is `go`.
static int read_go(void) {
  char line[8];
  size_t used = 0;
  while (used < sizeof line - 1) {
    ssize_t got = read(0, line + used, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return 0;
    if (line[used] == '\n') break;
    used++;
  }
  line[used] = '\0';
  return strcmp(line, "go") == 0;
}

int main(int argc, char **argv) {
  const char *hide = NULL, *options = NULL, *target = NULL;
  int wait = 0, i = 1;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    if (strcmp(argv[i], "--hide") == 0 && i + 1 < argc) {
      hide = argv[++i];
    } else if (strcmp(argv[i], "--overlay") == 0 && i + 2 < argc) {
      options = argv[++i];
      target = argv[++i];
    } else if (strcmp(argv[i], "--wait") == 0) {
      wait = 1;
    } else {
      fprintf(stderr, "slipway-launch: unknown argument %s\n", argv[i]);
      return 125;
    }
  }
  if (i + 1 >= argc) {
    fprintf(stderr, "slipway-launch: no command after --\n");
    return 125;
  }
  char **command = argv + i + 1;

  if (unshare(CLONE_NEWNS) != 0) return fail("unshare", "mount namespace");
  // Nothing mounted here may reach the host's namespace.
  if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
    return fail("make private", "/");
  }
  if (hide != NULL && umount2(hide, 0) != 0) return fail("umount", hide);
  if (options != NULL) {
    if (mount("overlay", target, "overlay", 0, options) != 0) {
      return fail("mount overlay on", target);
    }
    // The caller may have no fd 3 open; a failed write is no failure.
    if (write(3, "ready\n", 6) < 0 && errno != EBADF) {
      return fail("write", "ready");
    }
    close(3);
    if (wait && !read_go()) {
      fprintf(stderr, "slipway-launch: no go from the caller\n");
      return 125;
    }
  }
  // The runtime reads nothing: as the shell launcher's `exec "$@" </dev/null`.
  if (freopen("/dev/null", "r", stdin) == NULL) {
    return fail("open", "/dev/null");
  }
  execv(command[0], command);
  return fail("exec", command[0]);
}
