/* coro_switch_x86_64.S - the context switch of coro.c (System V x86-64 ABI).
 *
 * A call to coro_switch may clobber every register the ABI calls
 * caller-saved, so only the callee-saved state has to survive: rbx, rbp,
 * r12-r15, the stack pointer, and the control bits of MXCSR and of the x87
 * FPU (rounding mode, exception masks). The state is pushed on the stack we
 * leave; the stack pointer alone is stored in *save_sp.
 *
 * Stack of a suspended side, from its saved sp upwards:
 *     [sp+0] MXCSR (4 bytes)  [sp+4] x87 control word (2 bytes, 2 unused)
 *     [sp+8] r15  r14  r13  r12  rbx  rbp  [sp+56] return address
 * ctx_make in coro.c builds this same picture on a new stack.
 */
	.text

/* void coro_switch(void **save_sp, void *load_sp)  -- rdi, rsi */
	.globl	coro_switch
	.type	coro_switch, @function
	.p2align 4
coro_switch:			/* no CFI: frame-pointer unwinding suffices */
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$8, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
	movq	%rsp, (%rdi)		/* this side is saved */
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

/* First code of a new coroutine, "returned" into by its first coro_switch
 * with rsp 16-byte aligned. Calls r12(rbx), i.e. coro_boot(co): the call
 * pushes 8 bytes, so coro_boot starts with rsp+8 16-byte aligned, as the ABI
 * requires at function entry. coro_boot never returns. */
	.globl	coro_trampoline
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
