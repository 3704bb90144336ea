// The learned policy (sched_learned.c): the adaptive policy with its
// classifier replaced by a table trained on the host (tools/sched_learn.py
// writes sched_learned_table.h).
#ifndef ZENITH_SCHED_LEARNED_H
#define ZENITH_SCHED_LEARNED_H

#include "schedctl.h"

// The classifier sched_adaptive.c's hooks call (score_classify by default).
extern int (*adaptive_classify)(const struct sched_features *f);
// The table's class for these signals.
int learned_classify(const struct sched_features *f);

#endif
