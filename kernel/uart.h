// 16550 UART driver: interrupt-driven transmit and receive.
#ifndef ZENITH_UART_H
#define ZENITH_UART_H

void uartinit(void);
void uartputc(int c);        // buffered; may sleep when the buffer is full
void uartputc_sync(int c);   // polled, for printf and panic
void uartintr(void);

#endif
