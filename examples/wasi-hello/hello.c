/*
 * A small WASI program for Slipway's wasi/wasm example: prints a greeting,
 * its arguments and HELLO_NAME, lists and reads files from its root, and with
 * `--write PATH` writes a file, so a RUN step leaves a layer behind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints the names in `path`, sorted, one per line. */
static int list_dir(const char *path) {
  DIR *dir = opendir(path);
  if (!dir) {
    fprintf(stderr, "hello: cannot list %s: %s\n", path, strerror(errno));
    return 1;
  }
  char *names[256];
  size_t count = 0;
  struct dirent *entry;
  while ((entry = readdir(dir)) != NULL && count < 256) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
      continue;
    names[count++] = strdup(entry->d_name);
  }
  closedir(dir);
  qsort(names, count, sizeof names[0], by_name);
  printf("files in %s:\n", path);
  for (size_t i = 0; i < count; i++) {
    printf("  %s\n", names[i]);
    free(names[i]);
  }
  return 0;
}

/* Copies a text file to stdout, each line prefixed with its name. */
static int show_file(const char *path) {
  FILE *file = fopen(path, "r");
  if (!file) {
    fprintf(stderr, "hello: cannot read %s: %s\n", path, strerror(errno));
    return 1;
  }
  char line[512];
  while (fgets(line, sizeof line, file)) printf("%s: %s", path, line);
  fclose(file);
  return 0;
}

static int write_file(const char *path) {
  FILE *file = fopen(path, "w");
  if (!file) {
    fprintf(stderr, "hello: cannot write %s: %s\n", path, strerror(errno));
    return 1;
  }
  fprintf(file, "written by hello.wasm during the build\n");
  fclose(file);
  printf("wrote %s\n", path);
  return 0;
}

int main(int argc, char **argv) {
  const char *name = getenv("HELLO_NAME");
  printf("Hello, %s, from WebAssembly (wasm32-wasi)!\n", name ? name : "world");
  for (int i = 0; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);

  if (argc == 3 && strcmp(argv[1], "--write") == 0) return write_file(argv[2]);

  int failed = list_dir("/");
  failed |= show_file("/data.txt");
  return failed;
}
