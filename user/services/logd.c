// logd: the log service (protocol in user/lib/logproto.h). It keeps the
// last LOG_KEEP lines in memory, numbered from 1; a restart starts afresh.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");
#include "user/lib/svcserve.h"
#include "user/lib/logproto.h"

static char lines[LOG_KEEP][LOG_LINE];
static uint32 next_seq = 1;   // sequence number of the next line

static int handle(const struct svchdr *hdr, int len, struct svchdr *rephdr, int max)
{
  const struct logmsg *req = (const struct logmsg *)hdr;
  struct logmsg *rep = (struct logmsg *)rephdr;
  int replen = sizeof(*rep);
  switch (hdr->op) {
  case LOG_APPEND: {
    int n = len - (int)sizeof(struct svchdr);
    if (n <= 0) {
      rep->h.status = -E_INVAL;
      break;
    }
    if (n > LOG_LINE - 1)
      n = LOG_LINE - 1;
    char *l = lines[next_seq % LOG_KEEP];
    memmove(l, req->text, n);
    l[n] = 0;
    char *nl = strchr(l, '\n');
    if (nl)
      *nl = 0;
    rep->h.arg = next_seq++;
    break;
  }
  case LOG_READ: {
    uint32 seq = hdr->arg;
    if (seq == 0 || next_seq - seq > LOG_KEEP)
      seq = next_seq > LOG_KEEP ? next_seq - LOG_KEEP : 1;
    int used = 0;
    rep->text[0] = 0;
    for (; seq < next_seq; seq++) {
      char one[LOG_LINE + 16];
      int k = snprintf(one, sizeof(one), "%d %s\n", (int)seq, lines[seq % LOG_KEEP]);
      if (used + k + 1 > LOG_TEXT)
        break;
      memmove(rep->text + used, one, k + 1);
      used += k;
    }
    rep->h.arg = seq;
    break;
  }
  default:
    rep->h.status = -E_INVAL;
  }
  return replen;
}

int main(int argc, char **argv)
{
  svc_serve(argc, argv, handle);
}
