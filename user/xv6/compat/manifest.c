// The manifest every program built in xv6's style carries (user/manifest.h):
// xv6 programs expect the file system from the current and root directory
// and power over the processes they start, as on xv6, and nothing more.
// No system capability: those rest on the policy, never on a manifest.
#include "user/manifest.h"

ZENITH_MANIFEST("cwd:all", "root:all", "proc:all");
