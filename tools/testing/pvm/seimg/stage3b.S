/* SPDX-License-Identifier: GPL-2.0 */
/*
 * First code of a pvm-seimg image in protected mode (the role of s390-tools'
 * stage3b): the last component, started by the Ultravisor at the PSW of the
 * SE header.  It puts the kernel where QEMU's -kernel would (address 0),
 * the command line into the kernel's parameter area and the initrd's place
 * into INITRD_START/INITRD_SIZE, then starts the kernel at 0x10000 in
 * 64-bit mode.  Position independent; pvm-seimg fills the parameters.
 */
	.text
	.globl	_start
_start:
	larl	%r13, params
	lg	%r2, 0(%r13)		/* kernel: from its component ... */
	lg	%r3, 8(%r13)
	lghi	%r4, 0			/* ... to address 0 */
	lgr	%r5, %r3
0:	mvcle	%r4, %r2, 0
	jo	0b
	lg	%r2, 16(%r13)		/* command line (with its NUL) */
	lg	%r3, 24(%r13)
	lgfi	%r4, 0x10480		/* COMMAND_LINE */
	lgr	%r5, %r3
1:	mvcle	%r4, %r2, 0
	jo	1b
	lgfi	%r1, 0x10408		/* INITRD_START, INITRD_SIZE */
	mvc	0(16, %r1), 32(%r13)
	larl	%r1, kernel_psw
	lpswe	0(%r1)

	.balign	8
kernel_psw:
	.quad	0x0000000180000000, 0x10000

	/* filled by pvm-seimg: six big-endian quadwords */
	.org	0x100
	.globl	params
params:
	.quad	0, 0			/* kernel address, length */
	.quad	0, 0			/* command line address, length */
	.quad	0, 0			/* initrd address, length */
