/* progress.h - a run's live progress, shared with the driver through a
 * memory-mapped file (--progress FILE). fl_next and fl_done update it with
 * relaxed atomic stores: no lock, no system call, no extra thread, so a
 * model watched by `fetchlab demo` runs exactly as it does unwatched. */
#ifndef FETCHLAB_PROGRESS_H
#define FETCHLAB_PROGRESS_H

#include <stdatomic.h>
#include <stdint.h>

#define FL_PROGRESS_MAGIC 0x666c7072u   /* "flpr": the header is valid */

struct fl_progress {
	_Atomic uint32_t magic;         /* FL_PROGRESS_MAGIC once set up */
	uint32_t requests;              /* -n: entries in latency_us */
	_Atomic uint64_t claimed;       /* requests handed out by fl_next */
	_Atomic uint64_t done;          /* requests reported by fl_done */
	_Atomic uint64_t ok;            /* of which ok */
	_Atomic int64_t t0_ns;          /* run start, CLOCK_MONOTONIC */
	_Atomic int64_t t1_ns;          /* run end, 0 while running */
	_Atomic uint32_t latency_us[];  /* per request id: end - due, 0 = not done */
};

/* Bytes of the file for a run of N requests. */
static inline uint64_t fl_progress_size(uint32_t n)
{
	return sizeof(struct fl_progress) + (uint64_t)n * sizeof(uint32_t);
}

#endif
