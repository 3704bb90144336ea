// logger: client of the log service (user/services/logd.c).
//   logger TEXT...   append one line
//   logger -r        print the lines logd keeps ("SEQ TEXT")
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("svc");
#include "user/lib/util.h"
#include "user/lib/svcclient.h"
#include "user/lib/logproto.h"

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(2, "usage: logger TEXT... | logger -r\n");
    return 2;
  }
  static struct logmsg req, rep;
  struct svcconn c;
  int r = svc_connect(&c, "log");
  if (r < 0)
    return complain("logger", "connect to the log service", r);
  int reading = strcmp(argv[1], "-r") == 0;
  int len = sizeof(struct svchdr);
  if (!reading) {
    for (int i = 1; i < argc; i++) {
      int k = strlen(argv[i]);
      if (len - (int)sizeof(struct svchdr) + k + 1 >= LOG_TEXT)
        break;
      if (i > 1)
        ((char *)&req)[len++] = ' ';
      memmove((char *)&req + len, argv[i], k);
      len += k;
    }
  }
  svc_header(&req.h, reading ? LOG_READ : LOG_APPEND, 0, 0, 0);
  r = svc_call(&c, &req, reading ? (int)sizeof(req) : len, &rep, sizeof(rep));
  if (r == -E_RESTARTED) {
    printf("logger: log restarted, now generation %d: sending again\n", (int)c.gen);
    svc_header(&req.h, reading ? LOG_READ : LOG_APPEND, 0, 0, 0);
    r = svc_call(&c, &req, reading ? (int)sizeof(req) : len, &rep, sizeof(rep));
  }
  if (r < 0)
    return complain("logger", reading ? "read" : "append", r);
  if (rep.h.status < 0)
    return complain("logger", reading ? "read" : "append", rep.h.status);
  if (reading)
    printf("%s", rep.text);
  return 0;
}
