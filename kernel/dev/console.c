// The console device: a line editor on the UART's input and the CONSOLE
// device file. Input is handed to readers a line at a time; editing keys:
//   backspace/DEL erase a character, ^U erases the line,
//   ^D ends input (a read of an empty line returns 0), ^P lists processes.
#include "types.h"
#include "riscv.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "file.h"
#include "dev/console.h"
#include "dev/uart.h"

#define CTRL(x) ((x) - '@')
#define BACKSPACE 0x100   // consputc: erase the last character on screen
#define INPUT_BUF 128

static struct {
  struct spinlock lock;   // protects buf and the three indices
  char buf[INPUT_BUF];
  uint64 r;   // next byte a reader takes
  uint64 w;   // end of the completed lines readers may take
  uint64 e;   // end of the line being edited
} cons;

void consputc(int c)
{
  if (c == BACKSPACE) {
    uartputc_sync('\b');
    uartputc_sync(' ');
    uartputc_sync('\b');
  } else {
    uartputc_sync(c);
  }
}

// Writers take turns, a line at a time: the lines of processes on several
// harts come out whole instead of mixed character by character. A turn ends
// after a newline or TURN_MAX bytes, so a long write without newlines cannot
// keep everyone else off the console; a writer waiting for its turn, or
// for room in the UART's ring, stops when it is killed.
#define TURN_MAX 256
#define COPY_CHUNK 64

static struct {
  struct spinlock lock;   // protects busy
  int busy;               // a writer is in the middle of its turn
} turn;

static int take_turn(void)
{
  acquire(&turn.lock);
  while (turn.busy) {
    if (killed(myproc())) {
      release(&turn.lock);
      return -E_KILLED;
    }
    sleep(&turn, &turn.lock);
  }
  turn.busy = 1;
  release(&turn.lock);
  return 0;
}

static void end_turn(void)
{
  acquire(&turn.lock);
  turn.busy = 0;
  wakeup(&turn);
  release(&turn.lock);
}

// One turn: send bytes from src until a newline, TURN_MAX bytes or n.
// Returns how many were sent, or a negative error if none was.
static int write_one_turn(int user_src, uint64 src, int n)
{
  char chunk[COPY_CHUNK];
  int sent = 0;
  while (sent < n && sent < TURN_MAX) {
    // A chunk never crosses a page, so a bad page fails only its own bytes.
    uint64 at = src + sent;
    int m = n - sent < COPY_CHUNK ? n - sent : COPY_CHUNK;
    if (m > (int)(PGSIZE - at % PGSIZE))
      m = (int)(PGSIZE - at % PGSIZE);
    if (either_copyin(chunk, user_src, at, m) < 0)
      return sent > 0 ? sent : -E_FAULT;
    for (int i = 0; i < m; i++) {
      if (uartputc(chunk[i]) < 0)
        return sent > 0 ? sent : -E_KILLED;
      sent++;
      if (chunk[i] == '\n')
        return sent;
    }
  }
  return sent;
}

static int consolewrite(int user_src, uint64 src, int n)
{
  int done = 0;
  while (done < n) {
    if (killed(myproc()) || take_turn() < 0)
      break;
    int r = write_one_turn(user_src, src + done, n - done);
    end_turn();
    if (r <= 0)
      return done > 0 ? done : r;
    done += r;
  }
  return done > 0 || n == 0 ? done : -E_KILLED;
}

// Copy up to n bytes of input, stopping after a newline. Blocks until a
// whole line (or ^D) is there.
static int consoleread(int user_dst, uint64 dst, int n)
{
  int got = 0;
  acquire(&cons.lock);
  while (got < n) {
    while (cons.r == cons.w) {
      if (killed(myproc())) {
        release(&cons.lock);
        return -E_KILLED;
      }
      sleep(&cons.r, &cons.lock);
    }
    char c = cons.buf[cons.r++ % INPUT_BUF];
    if (c == CTRL('D')) {
      if (got > 0)
        cons.r--;   // keep ^D so the next read returns 0
      break;
    }
    if (either_copyout(user_dst, dst + got, &c, 1) < 0) {
      if (got == 0)
        got = -E_FAULT;
      break;
    }
    got++;
    if (c == '\n')
      break;
  }
  release(&cons.lock);
  return got;
}

void consoleintr(int c)
{
  int dump = 0;
  acquire(&cons.lock);
  switch (c) {
  case CTRL('P'):
    dump = 1;
    break;
  case CTRL('U'):
    while (cons.e != cons.w && cons.buf[(cons.e - 1) % INPUT_BUF] != '\n') {
      cons.e--;
      consputc(BACKSPACE);
    }
    break;
  case CTRL('H'):
  case '\x7f':
    if (cons.e != cons.w) {
      cons.e--;
      consputc(BACKSPACE);
    }
    break;
  default:
    if (c == 0 || cons.e - cons.r >= INPUT_BUF)
      break;
    if (c == '\r')
      c = '\n';
    if (c != CTRL('D'))
      consputc(c);
    cons.buf[cons.e++ % INPUT_BUF] = (char)c;
    if (c == '\n' || c == CTRL('D') || cons.e - cons.r == INPUT_BUF) {
      cons.w = cons.e;
      wakeup(&cons.r);
    }
  }
  release(&cons.lock);
  if (dump)
    procdump();   // takes process locks: not while holding cons.lock
}

void consoleinit(void)
{
  initlock(&cons.lock, "cons");
  initlock(&turn.lock, "cons turn");
  devsw[CONSOLE].read = consoleread;
  devsw[CONSOLE].write = consolewrite;
}
