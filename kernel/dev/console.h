// The console: line-edited input from the UART (backspace, ^U kills the line,
// ^D ends input, ^P lists processes) and output to it, as device file CONSOLE.
#ifndef ZENITH_CONSOLE_H
#define ZENITH_CONSOLE_H

void consoleinit(void);
void consoleintr(int c);   // called by the UART driver for each received byte
void consputc(int c);      // kernel output (printf)

#endif
