// Driver for the 16550 UART of QEMU virt (address and IRQ from the device
// tree). Output from processes goes through a small ring buffer drained by
// the transmit interrupt; kernel printf writes synchronously. Received bytes
// go to the console's line editor.
#include "types.h"
#include "errno.h"
#include "lib/spinlock.h"
#include "proc/proc.h"
#include "dev/dtb.h"
#include "dev/uart.h"
#include "dev/console.h"
#include "lib/printf.h"

// 16550 registers (byte offsets) and bits, from the 16550 data sheet.
#define RHR 0   // receive holding (read)
#define THR 0   // transmit holding (write)
#define DLL 0   // divisor low, when DLAB is set
#define IER 1   // interrupt enable
#define DLM 1   // divisor high, when DLAB is set
#define FCR 2   // FIFO control (write)
#define LCR 3   // line control
#define LSR 5   // line status
#define IER_RX 0x01
#define IER_TX 0x02
#define FCR_ENABLE_CLEAR 0x07
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define LSR_RX_READY 0x01
#define LSR_TX_IDLE 0x20

static inline volatile uchar *uart_reg(int r)
{
  return (volatile uchar *)(platform.uart_base + r);
}
#define ReadReg(r) (*uart_reg(r))
#define WriteReg(r, v) (*uart_reg(r) = (v))

#define TX_BUF 64
static struct {
  struct spinlock lock;   // protects buf, w, r and the transmit register
  char buf[TX_BUF];
  uint64 w;               // next slot to fill
  uint64 r;               // next byte to send
} tx;

void uartinit(void)
{
  WriteReg(IER, 0);
  WriteReg(LCR, LCR_DLAB);
  WriteReg(DLL, 3);   // 38400 baud; QEMU ignores it but real 16550s need one
  WriteReg(DLM, 0);
  WriteReg(LCR, LCR_8N1);
  WriteReg(FCR, FCR_ENABLE_CLEAR);
  WriteReg(IER, IER_RX | IER_TX);
  initlock(&tx.lock, "uart tx");
}

// Send as much of the ring as the transmitter takes. Caller holds tx.lock.
static void uartstart(void)
{
  while (tx.r != tx.w && (ReadReg(LSR) & LSR_TX_IDLE)) {
    WriteReg(THR, tx.buf[tx.r % TX_BUF]);
    tx.r++;
    wakeup(&tx.r);   // room for a writer waiting in uartputc
  }
}

// Queue c for the transmitter, waiting for room in the ring. A process
// killed while it waits (or whose cell is destroyed) gives up at once
// rather than after the UART has drained everything ahead of it.
int uartputc(int c)
{
  acquire(&tx.lock);
  while (panicked)
    ;
  while (tx.w - tx.r == TX_BUF) {
    if (killed(myproc())) {
      release(&tx.lock);
      return -E_KILLED;
    }
    sleep(&tx.r, &tx.lock);
  }
  tx.buf[tx.w % TX_BUF] = (char)c;
  tx.w++;
  uartstart();
  release(&tx.lock);
  return 0;
}

void uartputc_sync(int c)
{
  push_off();
  while ((ReadReg(LSR) & LSR_TX_IDLE) == 0)
    ;
  WriteReg(THR, c);
  pop_off();
}

void uartintr(void)
{
  while (ReadReg(LSR) & LSR_RX_READY)
    consoleintr(ReadReg(RHR));
  acquire(&tx.lock);
  uartstart();
  release(&tx.lock);
}
