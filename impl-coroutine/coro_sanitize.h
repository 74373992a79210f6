/* coro_sanitize.h - telling ASan, TSan and Valgrind that we switch stacks.
 *
 * Debugging tools track the stack a thread runs on; a coroutine switch
 * changes it behind their backs. Each hook below tells one tool, and is an
 * empty inline function unless the build uses that tool, so a normal build
 * pays nothing for it:
 *   ASan      fiber switch calls around every switch, and unpoisoning of
 *             stacks whose frames were abandoned;
 *   TSan      one fiber (shadow stack and clock) per coroutine;
 *   Valgrind  each stack registered, or a switch looks like an overflow
 *             ("client switching stacks?").
 */
#ifndef FETCHLAB_CORO_SANITIZE_H
#define FETCHLAB_CORO_SANITIZE_H

#include <stddef.h>

#ifndef __has_feature                   /* clang has it, gcc 12 does not */
#  define __has_feature(x) 0
#endif

/* ---- ASan ---- */
#if defined(__SANITIZE_ADDRESS__) || __has_feature(address_sanitizer)
#define CORO_ASAN 1
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>

/* Before a switch: the stack we are about to run on. SAVE keeps ASan's fake
 * stack (use-after-return frames) of the side we leave; NULL discards it. */
static inline void asan_leave(void **save, const void *lo, size_t size)
{
	__sanitizer_start_switch_fiber(save, lo, size);
}

/* After a switch: restore our fake stack; learn the stack we came from. */
static inline void asan_arrive(void *save, const void **from_lo, size_t *from_size)
{
	__sanitizer_finish_switch_fiber(save, from_lo, from_size);
}

/* Frames abandoned on a destroyed coroutine's stack leave poisoned redzones
 * behind; clear them before the memory is reused or unmapped. */
static inline void asan_forget(void *p, size_t n)
{
	ASAN_UNPOISON_MEMORY_REGION(p, n);
}
#else
#define CORO_ASAN 0
static inline void asan_leave(void **save, const void *lo, size_t size)
{
	(void)save, (void)lo, (void)size;
}
static inline void asan_arrive(void *save, const void **from_lo, size_t *from_size)
{
	(void)save, (void)from_lo, (void)from_size;
}
static inline void asan_forget(void *p, size_t n)
{
	(void)p, (void)n;
}
#endif

/* ---- TSan: one fiber per coroutine, switched right before the real switch.
 * Macros, not functions: an instrumented function entered on one fiber and
 * left on another would unbalance TSan's shadow call stacks. */
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface.h>
#define tsan_current()   __tsan_get_current_fiber()
#define tsan_create()    __tsan_create_fiber(0)
#define tsan_switch(f)   __tsan_switch_to_fiber((f), 0)
#define tsan_destroy(f)  __tsan_destroy_fiber(f)
#else
#define tsan_current()   NULL
#define tsan_create()    NULL
#define tsan_switch(f)   ((void)(f))
#define tsan_destroy(f)  ((void)(f))
#endif

/* ---- Valgrind: a few no-op instructions when not running under it ---- */
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
static inline unsigned vg_register(void *lo, void *hi)
{
	return VALGRIND_STACK_REGISTER(lo, hi);
}
static inline void vg_deregister(unsigned id)
{
	VALGRIND_STACK_DEREGISTER(id);
}
#else
static inline unsigned vg_register(void *lo, void *hi)
{
	(void)lo, (void)hi;
	return 0;
}
static inline void vg_deregister(unsigned id)
{
	(void)id;
}
#endif

#endif
