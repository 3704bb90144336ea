// Capability rights bits. Shared with user programs ("kernel/caprights.h").
#ifndef ZENITH_CAPRIGHTS_H
#define ZENITH_CAPRIGHTS_H

#define CAP_R_READ   (1u << 0)   // read bytes
#define CAP_R_WRITE  (1u << 1)   // write bytes
#define CAP_R_STAT   (1u << 2)   // fstat
#define CAP_R_DUP    (1u << 3)   // duplicate the slot
#define CAP_R_ALL    0xffffffffu

#endif
