/* SPDX-License-Identifier: GPL-2.0-only */
/* Entry point shared by the libFuzzer build and the replay driver. */
#ifndef FUZZ_CARD_H
#define FUZZ_CARD_H

#include <stddef.h>
#include <stdint.h>

/*
 * Input format (every byte past the end reads as 0):
 *   byte 0: bit 0 selects 1 or 2 ports
 *   then operations, opcode byte % 12, each followed by the driver's
 *   interrupt update:
 *     0 init         n               ports = 1 + (n & 1)
 *     1 config read  o0 o1 n         1 + (n & 3) bytes at the offset, see
 *                                    fz_cfg_off()
 *     2 config write o0 o1 v
 *     3 BAR read     b r             BAR see fz_bar(), register fz_reg()
 *     4 BAR write    b r v
 *     5 reset
 *     6 THR burst    b n v           (n & 31) writes of v, v+1, ... to reg 0
 *     7 config dword o0 o1 v0..v3    four byte writes at offset & ~3
 *     8 irq wire     a               set (a & 2) or clear the trigger of
 *                                    MSI (a & 1) or INTx
 *     9 irq user     a               a % 3: INTx mask, INTx unmask,
 *                                    software trigger
 *    10 migrate                      save, load into a fresh card, go on
 *                                    with that one
 *    11 load damaged a [n] (p v)*    the card's own stream: a & 2
 *                                    truncates to n, (a >> 2) & 7 bytes
 *                                    at p set to v, a & 1 re-seals the
 *                                    CRC; then loaded into the card
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* FUZZ_CARD_H */
