// svc: control the services the supervisor runs.
//   svc status [NAME]   state, generation, pid and counters of each service
//   svc restart NAME    a fresh incarnation now (generation + 1)
//   svc stop NAME       end it and leave it stopped
//   svc start NAME      start a stopped, held or quarantined service
// Needs the control capability (slot SVC_CTL_SLOT, which sh gives to svc
// only); the supervisor refuses a request without it.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/capinfo.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("svc", "svcctl");
#include "user/lib/util.h"
#include "user/lib/svcclient.h"

static void usage(void)
{
  fprintf(2, "usage: svc status [NAME] | svc restart|stop|start NAME\n");
  exit(2);
}

static int refused(int r)
{
  if (r == -E_NORIGHT || r == -E_BADCAP) {
    fprintf(2, "svc: refused: this process holds no service-control capability\n");
    return 1;
  }
  return 0;
}

static int status(const char *name)
{
  static struct supstatusrep rep;
  int r = svc_control(SUP_CTL_STATUS, name, &rep, sizeof(rep));
  if (r < 0) {
    if (!refused(r))
      complain("svc", name && name[0] ? name : "status", r);
    return 1;
  }
  printf("NAME        STATE        GEN  PID  RESTARTS FAULTS HANGS ANOMALIES HOLDS CELL\n");
  for (uint32 i = 0; i < rep.h.arg && i < SVC_MAXSVC; i++) {
    struct svcstatus *s = &rep.st[i];
    printf("%-11s %-12s %-4d %-4d %-8d %-6d %-5d %-9d %-5d %d\n", s->name,
           svc_state_name(s->state), (int)s->gen, s->pid, (int)s->restarts, (int)s->faults,
           (int)s->hangs, (int)s->anomalies, (int)s->holds, (int)s->cell);
  }
  printf("dropped: %d refused (wrong sender), %d malformed, %d with a bad reply capability\n",
         (int)rep.sup.refused, (int)rep.sup.malformed, (int)rep.sup.badreply);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 2)
    usage();
  struct capinfo ci;
  if (cap_info(SVC_DIR_SLOT, &ci) < 0) {
    fprintf(2, "svc: no supervisor to talk to (boot with svc=on, or run from the shell)\n");
    return 1;
  }
  if (cap_info(SVC_CTL_SLOT, &ci) < 0) {
    fprintf(2, "svc: refused: this process holds no service-control capability\n");
    return 1;
  }
  if (strcmp(argv[1], "status") == 0)
    return status(argc > 2 ? argv[2] : "");
  if (argc != 3)
    usage();
  int op;
  if (strcmp(argv[1], "restart") == 0)
    op = SUP_CTL_RESTART;
  else if (strcmp(argv[1], "stop") == 0)
    op = SUP_CTL_STOP;
  else if (strcmp(argv[1], "start") == 0)
    op = SUP_CTL_START;
  else
    usage();
  struct svchdr rep;
  int r = svc_control(op, argv[2], &rep, sizeof(rep));
  if (r == -E_BUSY && op == SUP_CTL_STOP) {
    fprintf(2, "svc: refused: %s is a core service, the system cannot run without it "
            "(svc restart %s restarts it)\n", argv[2], argv[2]);
    return 1;
  }
  if (r < 0) {
    if (!refused(r))
      complain("svc", argv[2], r == -E_NOENT ? -E_NOENT : r);
    return 1;
  }
  if (op == SUP_CTL_STOP)
    printf("svc: %s stopped\n", argv[2]);
  else
    printf("svc: %s running, generation %d\n", argv[2], (int)rep.gen);
  return 0;
}
