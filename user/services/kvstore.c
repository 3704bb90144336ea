// kvstore: the key-value service (protocol in user/lib/kvproto.h). It runs
// under the supervisor, in a cell of its own, and keeps its store in memory
// only: after a restart the store is empty.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"
#include "user/manifest.h"

ZENITH_MANIFEST("stdio");
#include "user/lib/svcserve.h"
#include "user/lib/kvproto.h"

#define NKEYS 64

static struct {
  char key[KV_KEYLEN];
  char val[KV_VALLEN];
} store[NKEYS];

static int find(const char *key)
{
  for (int i = 0; i < NKEYS; i++)
    if (store[i].key[0] && strcmp(store[i].key, key) == 0)
      return i;
  return -1;
}

static int handle(const struct svchdr *hdr, int len, struct svchdr *rephdr, int max)
{
  const struct kvmsg *req = (const struct kvmsg *)hdr;
  struct kvmsg *rep = (struct kvmsg *)rephdr;
  int replen = sizeof(*rep);
  if (len < (int)sizeof(*req) && hdr->op != KV_LIST) {
    rep->h.status = -E_INVAL;
    return replen;
  }
  char key[KV_KEYLEN];
  memmove(key, req->key, KV_KEYLEN);
  key[KV_KEYLEN - 1] = 0;
  if (hdr->op != KV_LIST && key[0] == 0) {
    rep->h.status = -E_INVAL;
    return replen;
  }
  int i = hdr->op == KV_LIST ? -1 : find(key);
  switch (hdr->op) {
  case KV_GET:
    if (i < 0)
      rep->h.status = -E_NOENT;
    else
      strcpy(rep->val, store[i].val);
    break;
  case KV_PUT:
    for (int j = 0; i < 0 && j < NKEYS; j++)
      if (store[j].key[0] == 0)
        i = j;   // a free entry
    if (i < 0) {
      rep->h.status = -E_NOMEM;
      break;
    }
    strcpy(store[i].key, key);
    memmove(store[i].val, req->val, KV_VALLEN);
    store[i].val[KV_VALLEN - 1] = 0;
    break;
  case KV_DEL:
    if (i < 0)
      rep->h.status = -E_NOENT;
    else
      store[i].key[0] = 0;
    break;
  case KV_LIST: {
    int n = 0, used = 0;
    rep->val[0] = 0;
    for (int j = 0; j < NKEYS; j++) {
      int k = strlen(store[j].key);
      if (k == 0 || used + k + 2 > KV_VALLEN)
        continue;
      memmove(rep->val + used, store[j].key, k);
      used += k;
      rep->val[used++] = '\n';
      rep->val[used] = 0;
      n++;
    }
    rep->h.arg = n;
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
