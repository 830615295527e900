/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry and program-interruption trampoline of the emulator test payloads.
 * QEMU starts us at 0x10000 in 64-bit mode, DAT off, key 0.
 */
	.section .head, "ax"
	.globl	_start
_start:
	sam64				/* a load-normal reset starts us in 31-bit mode */
	larl	%r15, stack_top
	aghi	%r15, -160
	xc	0(8,%r15), 0(%r15)
	brasl	%r14, payload_start
0:	j	0b

	/* QEMU copies -append here (Linux parameter area). */
	.org	0x480
	.globl	cmdline
cmdline:
	.fill	0x380, 1, 0

	.text
	/*
	 * Program-new PSW points here: save all registers in the free part of
	 * the lowcore, run the C handler on its own stack, resume at the
	 * (possibly updated) program-old PSW.
	 */
	.globl	pgm_entry
pgm_entry:
	stmg	%r0, %r15, 0x200
	larl	%r15, pgm_stack_top
	aghi	%r15, -160
	brasl	%r14, pgm_handler
	lmg	%r0, %r15, 0x200
	lpswe	0x150

	.bss
	.balign	4096
	.fill	16384, 1, 0
stack_top:
	.fill	8192, 1, 0
pgm_stack_top:
	.section .note.GNU-stack,"",@progbits
