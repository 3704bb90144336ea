// Platform-level interrupt controller: routes device interrupts to harts.
#ifndef ZENITH_PLIC_H
#define ZENITH_PLIC_H

void plicinit(void);       // enable the device sources (once)
void plicinithart(void);   // this hart's S-mode context takes them
int plic_claim(void);
void plic_complete(int irq);

#endif
