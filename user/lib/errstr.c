// errstr: the text for each error code of kernel/errno.h.
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/user.h"

// Indexed by the positive code; designated initialisers keep it in step with
// errno.h even if codes are reordered.
static const char *const messages[E_MAX + 1] = {
  [0]             = "no error",
  [E_INVAL]       = "invalid argument",
  [E_FAULT]       = "bad address",
  [E_BADCAP]      = "bad capability slot",
  [E_NORIGHT]     = "capability lacks the right",
  [E_NOCAP]       = "no capability for this",
  [E_RIGHTS]      = "rights not held by the source capability",
  [E_CAPFULL]     = "capability table full",
  [E_NFILE]       = "open-file table full",
  [E_NOMEM]       = "out of memory",
  [E_NOENT]       = "no such file or directory",
  [E_EXIST]       = "already exists",
  [E_NOTDIR]      = "not a directory",
  [E_ISDIR]       = "is a directory",
  [E_NOSPC]       = "no space left on file system",
  [E_NOEXEC]      = "not an executable",
  [E_CHILD]       = "no children",
  [E_SRCH]        = "no such process",
  [E_PIPE]        = "pipe has no reader",
  [E_NAMETOOLONG] = "name too long",
  [E_NOTEMPTY]    = "directory not empty",
  [E_PROCLIM]     = "process table full",
  [E_BUSY]        = "busy",
  [E_XDEV]        = "cross-device link",
  [E_KILLED]      = "killed",
  [E_TOOBIG]      = "too big",
  [E_NOSYS]       = "no such system call",
  [E_CAPPOOL]     = "capability record pool exhausted",
  // Channels
  [E_AGAIN]       = "would block",
  [E_PEER]        = "other end of the channel is closed",
  // Scheduler
  [E_NOPOLICY]    = "no such scheduling policy",
  // Directory capabilities and badges (dircap, C2)
  [E_ESCAPE]      = "path escapes its directory capability",
  [E_BADGE]       = "capability already has a badge",
  // SandCells and self-healing
  [E_QUOTA]       = "cell quota exceeded",
  [E_RESTARTED]   = "peer restarted",
  [E_CELLDEAD]    = "cell destroyed",
  // Files the image builder installed (kernel/fs_format.h)
  [E_SEALED]      = "sealed by the image builder",
  [E_LOOP]        = "too many symbolic links",
};

// Accepts the negative value a system call returned, or the positive code.
const char *errstr(int err)
{
  if (err < 0 && err >= -E_MAX)
    err = -err;
  if (err < 0 || err > E_MAX || messages[err] == 0)
    return "unknown error";
  return messages[err];
}
