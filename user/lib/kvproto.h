// The key-value store's protocol (user/services/kvstore.c, client user/cmd/kv.c). A
// request and its reply are one struct kvmsg; the header's op is one of:
//   KV_GET key          reply: status 0 and val, or -E_NOENT
//   KV_PUT key val      reply: status 0, or -E_NOMEM (store full)
//   KV_DEL key          reply: status 0, or -E_NOENT
//   KV_LIST             reply: arg = count, val = the keys, one per line
//                       (as many as fit)
// Keys and values are NUL-terminated strings; an empty key is -E_INVAL.
// The store lives in the service's memory only: a new incarnation starts
// empty (nothing from its previous life survives).
#ifndef ZENITH_KVPROTO_H
#define ZENITH_KVPROTO_H

#include "user/lib/svcproto.h"

#define KV_GET  1
#define KV_PUT  2
#define KV_DEL  3
#define KV_LIST 4

#define KV_KEYLEN 32
#define KV_VALLEN 400

struct kvmsg {
  struct svchdr h;
  char key[KV_KEYLEN];
  char val[KV_VALLEN];
};

#endif
