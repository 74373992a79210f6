/* coro_switch_x86_64.S - the x86-64 context switch (System V ABI): what a
 * saved context looks like, how to make one, how to switch between two.
 * The interface is coro_internal.h's; struct ctx is { void *sp; }.
 *
 * A call to coro_switch may clobber every register the ABI calls
 * caller-saved, so only the callee-saved state has to survive: rbx, rbp,
 * r12-r15, the stack pointer, and the control bits of MXCSR and of the x87
 * FPU (rounding mode, exception masks). The state is pushed on the stack we
 * leave; the stack pointer alone is stored in the struct ctx.
 *
 * Stack of a suspended side, from its saved sp upwards:
 *     [sp+0] MXCSR (4 bytes)  [sp+4] x87 control word (2 bytes, 2 unused)
 *     [sp+8] r15  r14  r13  r12  rbx  rbp  [sp+56] return address
 * coro_ctx_make builds this same picture on a new stack.
 */
	.text

/* void coro_switch(struct ctx *save, struct ctx *load)  -- rdi, rsi */
	.globl	coro_switch
	.type	coro_switch, @function
	.p2align 4
coro_switch:			/* no CFI: frame-pointer unwinding suffices */
	movq	(%rsi), %rsi		/* load->sp, read early: rsp waits for it */
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)		/* save->sp: this side is saved */
	movq	%rsi, %rsp		/* now on the other side's stack */
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	/* Return to where the other side called coro_switch. Not with ret:
	 * the CPU predicts ret from its return-stack buffer, which holds our
	 * side's call site, so it would mispredict every switch; an indirect
	 * jmp is predicted by target history (here 13 -> 9 ns a switch). */
	popq	%rcx
	jmp	*%rcx
	.size	coro_switch, .-coro_switch

/* int coro_ctx_make(struct ctx *c, void *lo, size_t size,
 *                   void (*entry)(void *), void *arg)  -- rdi, rsi, rdx, rcx, r8
 * Lay out the stack [lo, lo + size) as if coro_switch had saved it, with
 * coro_trampoline as the return address, ENTRY in r12 and ARG in rbx.
 * Slots from the 16-aligned top down; returns 0. */
	.globl	coro_ctx_make
	.type	coro_ctx_make, @function
	.p2align 4
coro_ctx_make:
	.cfi_startproc
	leaq	(%rsi,%rdx), %rax
	andq	$-16, %rax		/* the top, 16-byte aligned */
	leaq	coro_trampoline(%rip), %rdx
	movq	%rdx, -8(%rax)		/* "return" address */
	movq	$0, -16(%rax)		/* rbp: ends frame-pointer backtraces */
	movq	%r8, -24(%rax)		/* rbx = arg */
	movq	%rcx, -32(%rax)		/* r12 = entry */
	movq	$0, -40(%rax)		/* r13 */
	movq	$0, -48(%rax)		/* r14 */
	movq	$0, -56(%rax)		/* r15 */
	/* The ABI's initial FP state: round to nearest, exceptions masked. */
	movl	$0x1f80, -64(%rax)	/* MXCSR */
	movl	$0x037f, -60(%rax)	/* x87 control word */
	subq	$64, %rax
	movq	%rax, (%rdi)		/* c->sp */
	xorl	%eax, %eax
	ret
	.cfi_endproc
	.size	coro_ctx_make, .-coro_ctx_make

/* First code of a new coroutine, "returned" into by its first coro_switch
 * with rsp 16-byte aligned. Calls r12(rbx), i.e. entry(arg): the call
 * pushes 8 bytes, so entry starts with rsp+8 16-byte aligned, as the ABI
 * requires at function entry. entry never returns. */
	.type	coro_trampoline, @function
	.p2align 4
coro_trampoline:
	.cfi_startproc
	.cfi_undefined rip		/* debuggers: the outermost frame */
	movq	%rbx, %rdi
	callq	*%r12
	ud2
	.cfi_endproc
	.size	coro_trampoline, .-coro_trampoline

	.section .note.GNU-stack, "", @progbits	/* no executable stack */
