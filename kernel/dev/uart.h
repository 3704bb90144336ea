// 16550 UART driver: interrupt-driven transmit and receive.
#ifndef ZENITH_UART_H
#define ZENITH_UART_H

void uartinit(void);
int uartputc(int c);         // buffered; may sleep for room; -E_KILLED if killed meanwhile
void uartputc_sync(int c);   // polled, for printf and panic
void uartintr(void);

#endif
