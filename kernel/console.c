// The console device: a line editor on the UART's input and the CONSOLE
// device file. Input is handed to readers a line at a time; editing keys:
//   backspace/DEL erase a character, ^U erases the line,
//   ^D ends input (a read of an empty line returns 0), ^P lists processes.
#include "types.h"
#include "errno.h"
#include "spinlock.h"
#include "proc.h"
#include "file.h"
#include "console.h"
#include "uart.h"

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

static int consolewrite(int user_src, uint64 src, int n)
{
  int i;
  for (i = 0; i < n; i++) {
    char c;
    if (either_copyin(&c, user_src, src + i, 1) < 0)
      return i > 0 ? i : -E_FAULT;
    uartputc(c);
  }
  return i;
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
  devsw[CONSOLE].read = consoleread;
  devsw[CONSOLE].write = consolewrite;
}
