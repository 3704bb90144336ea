// Pipes: a bounded byte buffer between a write end and a read end.
#ifndef ZENITH_PIPE_H
#define ZENITH_PIPE_H

#include "types.h"

struct file;
struct pipe;

int pipealloc(struct file **rf, struct file **wf);   // 0 or negative error
void pipeclose(struct pipe *pi, int writable);
int pipewrite(struct pipe *pi, uint64 user_addr, int n);
int piperead(struct pipe *pi, uint64 user_addr, int n);

#endif
