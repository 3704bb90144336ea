// lines N C...: one process per character C, each writing N lines made of
// that character, one write() per line, all at once. On several harts the
// lines must come out whole (book 4.11: the console takes writers in turns,
// a line at a time), so every line printed is one character repeated.
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");

#define WIDTH 60

static void writer(int n, char c)
{
  char line[WIDTH + 1];
  memset(line, c, WIDTH);
  line[WIDTH] = '\n';
  for (int i = 0; i < n; i++)
    write(1, line, sizeof(line));
}

int main(int argc, char **argv)
{
  int n = argc > 1 ? atoi(argv[1]) : 0;
  if (n <= 0 || argc < 3) {
    fprintf(2, "usage: lines N C... (N > 0 lines per character)\n");
    exit(2);
  }
  for (int a = 2; a < argc; a++) {
    int pid = fork();
    if (pid < 0) {
      fprintf(2, "lines: fork: %s\n", errstr(pid));
      exit(1);
    }
    if (pid == 0) {
      writer(n, argv[a][0]);
      exit(0);
    }
  }
  while (wait(0) >= 0)
    ;
  exit(0);
}
