// svcprobe SEED: calls the supervisor's restart logic (lab 6,
// user/lib/svcpolicy.c) directly on queries drawn from SEED, and prints each
// query with the answer it got. It judges nothing: the grader draws the same
// queries from the same seed, computes the answers the contract in
// svcpolicy.h asks for, and compares (grade/labs/test_selfheal.py). So code
// in svcpolicy.c that prints a verdict, or answers a fixed sequence of
// calls, gains nothing; only answers that are right for unknown queries do.
//
// Output, one line per call, then a count:
//   SP <n> P <restart> <limit> <window> <backoff> <maxbackoff>   (a new policy; svc_forget)
//   SP <n> F                                                     (svc_forget)
//   SP <n> D <failed> <now> -> <decision> <delay>                (svc_decide)
//   SP <n> G <current> <got> -> <answer>                         (svc_gen_current)
//   SP-END <n>
// The first round is the handout's worked example (docs/labs/selfheal.md).
#include "kernel/types.h"
#include "user/user.h"
#include "user/manifest.h"
#include "user/lib/svcpolicy.h"
#include "user/lib/splitmix.h"

ZENITH_MANIFEST("stdio");

#define ROUNDS 16
#define CALLS 12
#define GENS 24

static uint64 state;
static int line;

// The grader draws the same numbers (SplitMix in svcpolicy_model.py).
static int below(int n)
{
  return splitmix_below(&state, n);
}

static struct svcpolicy pol;
static struct restarthist hist;

static void policy(int restart, int limit, int window, int backoff, int maxbackoff)
{
  pol = (struct svcpolicy){restart, limit, window, backoff, maxbackoff};
  svc_forget(&hist);
  printf("SP %d P %d %d %d %d %d\n", ++line, restart, limit, window, backoff, maxbackoff);
}

static void forget(void)
{
  svc_forget(&hist);
  printf("SP %d F\n", ++line);
}

static void decide(int failed, int now)
{
  int delay = -1;
  int d = svc_decide(&pol, &hist, failed, now, &delay);
  printf("SP %d D %d %d -> %d %d\n", ++line, failed, now, d, delay);
}

static void gen(uint32 current, uint32 got)
{
  printf("SP %d G %d %d -> %d\n", ++line, (int)current, (int)got,
         svc_gen_current(current, got) != 0);
}

// The handout's example: limit 3 in 100 ticks, backoff 10 up to 25.
static void worked_example(void)
{
  policy(RESTART_ALWAYS, 3, 100, 10, 25);
  int steps[][2] = {{1, 1000}, {0, 1010}, {1, 1020}, {1, 1030}, {1, 1115}};
  for (int i = 0; i < 5; i++)
    decide(steps[i][0], steps[i][1]);
}

int main(int argc, char **argv)
{
  if (argc != 2 || argv[1][0] < '0' || argv[1][0] > '9') {
    fprintf(2, "usage: svcprobe SEED\n");
    return 1;
  }
  state = splitmix_seed(argv[1]);
  worked_example();
  for (int r = 0; r < ROUNDS; r++) {
    int restart = below(3);
    int limit = 1 + below(r % 4 == 3 ? SVC_MAXLIMIT : 6);
    int window = 20 + below(300);
    int backoff = 1 + below(40);
    policy(restart, limit, window, backoff, backoff + below(400));
    int now = below(1000);
    for (int i = 0; i < CALLS; i++) {
      if (below(10) == 0)
        forget();
      now += below(window / 2 + 1);
      decide(below(4) != 0, now);
    }
  }
  for (int i = 0; i < GENS; i++) {
    uint32 current = below(6);
    gen(current, below(2) ? current : (uint32)below(6));
  }
  printf("SP-END %d\n", line);
  return 0;
}
