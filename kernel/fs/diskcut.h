// Power cuts at chosen points of a commit, for crash tests (diskcut.c).
// Internal to kernel/fs: log.c calls it around every commit.
#ifndef ZENITH_DISKCUT_H
#define ZENITH_DISKCUT_H

// Read the boot argument (once, at boot, from initlog).
void diskcut_init(void);
// A commit of a non-empty group is about to start / has ended.
void diskcut_commit_begin(void);
void diskcut_commit_end(void);

#endif
