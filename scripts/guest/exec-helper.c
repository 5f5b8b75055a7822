/*
 * slipway-exec: runs one RUN process in the browser guest. Usage:
 *   slipway-exec SPEC STDOUT STDERR
 * Sends output to the two files (written through, so the host sees it as it
 * comes), mounts proc, dev and sys where the root has those folders, then a
 * child chroots, changes directory and user and execs; the parent waits,
 * unmounts and syncs. Freestanding i386 code (no libc), built with gcc -m32.
 *
 * SPEC holds NUL-terminated fields in this order:
 *   root, cwd, uid, gid, n, n supplementary gids, argc, argv..., envc, env...
 * Exit status: the process's own (128+N when killed by signal N), or 127
 * (not found), 126 (not runnable), 125 (bad spec or setup failure), with a
 * message on stderr.
 */

#define SYS_exit 1
#define SYS_fork 2
#define SYS_read 3
#define SYS_write 4
#define SYS_open 5
#define SYS_close 6
#define SYS_execve 11
#define SYS_chdir 12
#define SYS_mount 21
#define SYS_sync 36
#define SYS_umount2 52
#define SYS_chroot 61
#define SYS_dup2 63
#define SYS_wait4 114
#define SYS_setuid32 213
#define SYS_setgid32 214
#define SYS_setgroups32 206

#define ENOENT 2
#define EACCES 13
#define ENOTDIR 20
#define EINTR 4

#define O_WRONLY 01
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_SYNC 04010000
#define MS_BIND 4096
#define MS_REC 16384
#define MNT_DETACH 2

#define SPEC_MAX (1 << 20)
#define LIST_MAX 4096

static char spec[SPEC_MAX + 1];
static char *args[LIST_MAX + 1];
static char *envs[LIST_MAX + 1];
static unsigned int groups[LIST_MAX];
static char pathbuf[4096];
static char mounts[3][4096];

static long sys3(long n, long a, long b, long c) {
  long ret;
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(n), "b"(a), "c"(b), "d"(c)
                   : "memory");
  return ret;
}

static long sys5(long n, long a, long b, long c, long d, long e) {
  long ret;
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
                   : "memory");
  return ret;
}

static void quit(int status) {
  for (;;) sys3(SYS_exit, status, 0, 0);
}

static unsigned int len(const char *s) {
  unsigned int n = 0;
  while (s[n]) n++;
  return n;
}

static void say(const char *s) { sys3(SYS_write, 2, (long)s, len(s)); }

static void fail(int status, const char *a, const char *b, const char *c) {
  say("slipway-exec: ");
  say(a);
  if (b) say(b);
  if (c) say(c);
  say("\n");
  quit(status);
}

static int has_slash(const char *s) {
  for (; *s; s++)
    if (*s == '/') return 1;
  return 0;
}

static int starts(const char *s, const char *prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return 0;
  return 1;
}

static unsigned int number(const char *s) {
  unsigned int n = 0;
  if (!*s) fail(125, "bad number in spec", 0, 0);
  for (; *s; s++) {
    if (*s < '0' || *s > '9') fail(125, "bad number in spec: ", s, 0);
    n = n * 10 + (unsigned int)(*s - '0');
  }
  return n;
}

/* Returns the next NUL-terminated field, advancing *at. */
static char *field(char **at, char *end) {
  char *start = *at;
  if (start >= end) fail(125, "truncated spec", 0, 0);
  while (*at < end && **at) (*at)++;
  (*at)++;
  return start;
}

static unsigned int list(char **at, char *end, char **into) {
  unsigned int n = number(field(at, end)), i;
  if (n > LIST_MAX) fail(125, "too many entries in spec", 0, 0);
  for (i = 0; i < n; i++) into[i] = field(at, end);
  into[n] = 0;
  return n;
}

/* Tries each $PATH entry the way execvp does; returns the last errno. */
static long search(const char *name, const char *path) {
  long err = -ENOENT, r;
  const char *p = path;
  for (;;) {
    unsigned int n = 0, k, i;
    while (p[n] && p[n] != ':') n++;
    if (n + len(name) + 3 < sizeof pathbuf) {
      for (k = 0; k < n; k++) pathbuf[k] = p[k];
      if (k == 0) pathbuf[k++] = '.';
      pathbuf[k++] = '/';
      for (i = 0; name[i]; i++) pathbuf[k + i] = name[i];
      pathbuf[k + i] = 0;
      r = sys3(SYS_execve, (long)pathbuf, (long)args, (long)envs);
      if (r == -EACCES) err = r;
      else if (r != -ENOENT && r != -ENOTDIR) return r;
    }
    if (!p[n]) return err;
    p += n + 1;
  }
}

/* Points fd at a new file, written through so the host sees each write. */
static void redirect(int fd, const char *file) {
  long out = sys3(SYS_open, (long)file, O_WRONLY | O_CREAT | O_TRUNC | O_SYNC,
                  0644);
  if (out < 0) fail(125, "cannot open ", file, 0);
  if (out != fd) {
    sys3(SYS_dup2, out, fd, 0);
    sys3(SYS_close, out, 0, 0);
  }
}

/* Mounts the kernel file systems a RUN sees; returns how many. */
static int mount_all(const char *root) {
  static const char *names[3] = {"/proc", "/dev", "/sys"};
  int n = 0, i;
  for (i = 0; i < 3; i++) {
    unsigned int k = 0, j;
    long r;
    for (j = 0; root[j] && k < 4000; j++) mounts[n][k++] = root[j];
    for (j = 0; names[i][j]; j++) mounts[n][k++] = names[i][j];
    mounts[n][k] = 0;
    if (i == 0) r = sys5(SYS_mount, (long)"proc", (long)mounts[n], (long)"proc", 0, 0);
    else if (i == 1)
      r = sys5(SYS_mount, (long)"/dev", (long)mounts[n], 0, MS_BIND | MS_REC, 0);
    else
      r = sys5(SYS_mount, (long)"sysfs", (long)mounts[n], (long)"sysfs", 0, 0);
    if (r == 0) n++;
  }
  return n;
}

/* Runs in the child: enter the root and become the process. */
static void start(char *root, char *cwd, unsigned int uid, unsigned int gid,
                  unsigned int ngroups, const char *path) {
  long r;
  if (sys3(SYS_chroot, (long)root, 0, 0) < 0)
    fail(125, "chroot failed: ", root, 0);
  if (sys3(SYS_chdir, (long)"/", 0, 0) < 0) fail(125, "chdir / failed", 0, 0);
  if (sys3(SYS_chdir, (long)cwd, 0, 0) < 0)
    fail(125, "cannot change to the working directory ", cwd, 0);
  if (sys3(SYS_setgroups32, ngroups, (long)groups, 0) < 0)
    fail(125, "setgroups failed", 0, 0);
  if (sys3(SYS_setgid32, gid, 0, 0) < 0) fail(125, "setgid failed", 0, 0);
  if (sys3(SYS_setuid32, uid, 0, 0) < 0) fail(125, "setuid failed", 0, 0);

  if (has_slash(args[0]))
    r = sys3(SYS_execve, (long)args[0], (long)args, (long)envs);
  else
    r = search(args[0], path);
  if (r == -ENOENT || r == -ENOTDIR) {
    fail(127, "exec: \"", args[0],
         has_slash(args[0]) ? "\": no such file or directory"
                            : "\": executable file not found in $PATH");
  }
  fail(126, "exec: \"", args[0], "\": permission denied or not executable");
}

/* Called from _start with the initial stack: argc, argv..., NULL, envp... */
void __attribute__((used)) slipway_main(long *stack) {
  char **argv = (char **)(stack + 1);
  char *at = spec, *end, *root, *cwd;
  const char *path =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  unsigned int uid, gid, ngroups, i;
  long fd, r, total = 0, pid;
  int status = 0, mounted;

  if (stack[0] != 4) fail(125, "usage: slipway-exec SPEC STDOUT STDERR", 0, 0);
  redirect(1, argv[2]);
  redirect(2, argv[3]);
  fd = sys3(SYS_open, (long)argv[1], 0, 0);
  if (fd < 0) fail(125, "cannot open ", argv[1], 0);
  while ((r = sys3(SYS_read, fd, (long)(spec + total), SPEC_MAX - total)) > 0)
    total += r;
  if (r < 0 || total >= SPEC_MAX) fail(125, "cannot read ", argv[1], 0);
  sys3(SYS_close, fd, 0, 0);
  end = spec + total;

  root = field(&at, end);
  cwd = field(&at, end);
  uid = number(field(&at, end));
  gid = number(field(&at, end));
  ngroups = number(field(&at, end));
  if (ngroups > LIST_MAX) fail(125, "too many groups", 0, 0);
  for (i = 0; i < ngroups; i++) groups[i] = number(field(&at, end));
  if (list(&at, end, args) == 0) fail(125, "no program to run", 0, 0);
  list(&at, end, envs);
  for (i = 0; envs[i]; i++)
    if (starts(envs[i], "PATH=")) path = envs[i] + 5;

  mounted = mount_all(root);
  pid = sys3(SYS_fork, 0, 0, 0);
  if (pid < 0) fail(125, "fork failed", 0, 0);
  if (pid == 0) start(root, cwd, uid, gid, ngroups, path);
  do {
    r = sys5(SYS_wait4, pid, (long)&status, 0, 0, 0);
  } while (r == -EINTR);
  while (mounted > 0) sys3(SYS_umount2, (long)mounts[--mounted], MNT_DETACH, 0);
  sys3(SYS_sync, 0, 0, 0);
  if (r < 0) quit(125);
  if ((status & 0x7f) == 0) quit((status >> 8) & 0xff);
  quit(128 + (status & 0x7f));
}

__asm__(".globl _start\n"
        "_start:\n"
        "  xorl %ebp, %ebp\n"
        "  movl %esp, %eax\n"
        "  andl $-16, %esp\n"
        "  subl $12, %esp\n"
        "  pushl %eax\n"
        "  call slipway_main\n"
        "  hlt\n");
