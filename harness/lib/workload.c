/* workload.c - the requests of a run, drawn before it starts.
 * Each request's delay and size come from a hash of (seed, id, stream), so
 * request 17 is the same in every model and every run with the same seed,
 * whatever order the requests are claimed in. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

/* splitmix64 over the three inputs: a uniform double in (0, 1). */
static double uniform01(uint64_t seed, uint64_t id, uint64_t stream)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ull ^ id * 0xd6e8feb86659fd93ull ^
		     stream * 0xca5a826395121157ull;

	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;   /* 2^53 */
}

double fl_dist_draw(const struct fl_dist *d, uint64_t seed, uint64_t id,
		    uint64_t stream)
{
	double u = uniform01(seed, id, stream);

	switch (d->kind) {
	case FL_UNIFORM:
		return d->a + u * (d->b - d->a);
	case FL_EXP:
		return -d->a * log(u);
	case FL_FIXED:
	default:
		return d->a;
	}
}

enum { STREAM_DELAY = 1, STREAM_SIZE = 2, STREAM_ARRIVAL = 3, STREAM_FAULT = 4,
       STREAM_WORK = 5 };

int fl_workload_build(struct fl_run *run)
{
	const struct fl_options *o = &run->opt;
	double due = 0;   /* seconds after the start, open loop */

	run->reqs = calloc(o->requests, sizeof *run->reqs);
	if (run->reqs == NULL) {
		fl_error(run, "-n %u: no memory for %u request records",
			 o->requests, o->requests);
		return -1;
	}
	for (unsigned i = 0; i < o->requests; i++) {
		struct fl_request *r = &run->reqs[i];
		double delay = fl_dist_draw(&o->delay, o->seed, i, STREAM_DELAY);
		double size = fl_dist_draw(&o->size, o->seed, i, STREAM_SIZE);

		r->id = i;
		r->delay_us = (uint32_t)fmin(llround(delay), 100e6);
		r->size = (uint32_t)fmin(llround(size), (double)(64u << 20));
		if (o->work.a > 0)   /* microseconds, at most 4 s */
			r->work_ns = (uint32_t)fmin(llround(1e3 * fl_dist_draw(&o->work,
					o->seed, i, STREAM_WORK)), 4e9);
		if (o->faults_spec != NULL) {
			/* Walk the cumulative fractions: kind k owns its slice of [0,1). */
			double u = uniform01(o->seed, i, STREAM_FAULT), edge = 0;

			for (int k = 1; k < FL_FAULT_COUNT && r->fault == 0; k++)
				if (u < (edge += o->faults[k]))
					r->fault = (uint8_t)k;
		}
		if (o->rate > 0) {
			/* The due time is an offset here; fl_main adds the start. */
			r->due_ns = llround(due * 1e9);
			due += o->poisson
			       ? -log(uniform01(o->seed, i, STREAM_ARRIVAL)) / o->rate
			       : 1.0 / o->rate;
		}
	}
	return 0;
}
