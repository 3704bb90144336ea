// The log service's protocol (user/services/logd.c, client user/cmd/logger.c). A
// request and its reply are one struct logmsg; the header's op is one of:
//   LOG_APPEND text     keep one line; reply: arg = its sequence number
//   LOG_READ arg=from   reply: the kept lines with sequence >= from, as
//                       "SEQ TEXT\n" (as many as fit), arg = the sequence
//                       to ask for next
// logd keeps the last LOG_KEEP lines in memory: a new incarnation starts
// with none, and its sequence numbers start again at 1.
#ifndef ZENITH_LOGPROTO_H
#define ZENITH_LOGPROTO_H

#include "user/lib/svcproto.h"

#define LOG_APPEND 1
#define LOG_READ   2

#define LOG_LINE   96
#define LOG_TEXT   448
#define LOG_KEEP   32

struct logmsg {
  struct svchdr h;
  char text[LOG_TEXT];
};

#endif
