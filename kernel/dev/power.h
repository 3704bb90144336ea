// Power-off with an exit status QEMU passes on (sifive test device), used by
// halt(), by tests and by panic().
#ifndef ZENITH_POWER_H
#define ZENITH_POWER_H

void poweroff(int status) __attribute__((noreturn));

#endif
