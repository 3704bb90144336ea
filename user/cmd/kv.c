// kv: client of the key-value service (user/services/kvstore.c).
//   kv put KEY VALUE | kv get KEY | kv del KEY | kv list
//   kv crash | kv hang    test hooks: make the service crash or hang
// Reaches the service by name through the supervisor. If the service was
// restarted since the connection was made, the request is not repeated
// blindly: kv says so ("kv restarted, now generation G") and sends it once
// more to the new incarnation (whose store starts empty).
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("svc");
#include "user/lib/util.h"
#include "user/lib/svcclient.h"
#include "user/lib/kvproto.h"

static void usage(void)
{
  fprintf(2, "usage: kv put KEY VALUE | get KEY | del KEY | list | crash | hang\n");
  exit(2);
}

int main(int argc, char **argv)
{
  if (argc < 2)
    usage();
  static struct kvmsg req, rep;
  const char *cmd = argv[1];
  uint32 op;
  int need = 2;
  if (strcmp(cmd, "put") == 0) op = KV_PUT, need = 4;
  else if (strcmp(cmd, "get") == 0) op = KV_GET, need = 3;
  else if (strcmp(cmd, "del") == 0) op = KV_DEL, need = 3;
  else if (strcmp(cmd, "list") == 0) op = KV_LIST;
  else if (strcmp(cmd, "crash") == 0) op = SVC_HOOK_CRASH;
  else if (strcmp(cmd, "hang") == 0) op = SVC_HOOK_HANG;
  else usage();
  if (argc != need)
    usage();
  if (need >= 3 && (strlen(argv[2]) == 0 || strlen(argv[2]) >= KV_KEYLEN)) {
    fprintf(2, "kv: a key is 1 to %d characters\n", KV_KEYLEN - 1);
    return 1;
  }
  if (need == 4 && strlen(argv[3]) >= KV_VALLEN) {
    fprintf(2, "kv: a value is at most %d characters\n", KV_VALLEN - 1);
    return 1;
  }
  struct svcconn c;
  int r = svc_connect(&c, "kv");
  if (r < 0)
    return complain("kv", "connect to the kv service", r);
  for (int attempt = 0;; attempt++) {
    svc_header(&req.h, op, 0, 0, 0);
    if (need >= 3)
      strcpy(req.key, argv[2]);
    if (need == 4)
      strcpy(req.val, argv[3]);
    r = svc_call(&c, &req, sizeof(req), &rep, sizeof(rep));
    if (r == -E_RESTARTED && (op == SVC_HOOK_CRASH || op == SVC_HOOK_HANG)) {
      printf("kv: the service was restarted: now generation %d\n", (int)c.gen);
      return 0;
    }
    if (r != -E_RESTARTED || attempt == 1)
      break;
    printf("kv: kv restarted, now generation %d: sending again\n", (int)c.gen);
  }
  if (r < 0)
    return complain("kv", cmd, r);
  if (rep.h.status == -E_NOENT) {
    fprintf(2, "kv: %s: no such key\n", argv[2]);
    return 1;
  }
  if (rep.h.status < 0)
    return complain("kv", need >= 3 ? argv[2] : cmd, rep.h.status);
  if (op == KV_GET)
    printf("%s\n", rep.val);
  else if (op == KV_LIST)
    printf("%s", rep.val);
  return 0;
}
