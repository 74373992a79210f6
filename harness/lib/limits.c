/* limits.c - before a run: will C requests in flight fit under this
 * process's descriptor, thread and memory-map limits? Raise what may be
 * raised; otherwise say which limit, and what -c would fit. */
#include <stdio.h>
#include <sys/resource.h>

#include "internal.h"

int fl_check_limits(struct fl_run *run, unsigned threads, unsigned fds)
{
	struct rlimit rl;
	unsigned long maps = 0, tmax = 0;
	FILE *f;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < fds + 64) {
		rl.rlim_cur = rl.rlim_max;   /* the soft limit may rise to the hard */
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || getrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = 0;     /* not raised: judge what is in force */
		if (rl.rlim_cur < fds + 64) {
			unsigned c = run->opt.concurrency;
			unsigned per = fds / c ? fds / c : 1;  /* descriptors per lane */
			unsigned long fixed = fds > per * c ? fds - per * c : 0, most = 0;
			unsigned long have = rl.rlim_cur ? rl.rlim_cur : rl.rlim_max;
			char fit[64] = "";

			if (have > 64 + fixed)
				most = (have - 64 - fixed) / per;
			if (most > 0)
				snprintf(fit, sizeof fit, " or lower -c to at most %lu", most);
			fl_error(run, "-c %u needs about %u file descriptors (%u per "
				 "request in flight), but the limit is %lu; raise it "
				 "(ulimit -n, or ulimit -Hn %u, which needs root with "
				 "CAP_SYS_RESOURCE, or /etc/security/limits.conf)%s",
				 c, fds + 64, per, have, fds + 64,
				 most > 0 ? fit : ": not even -c 1 fits under it");
			return -1;
		}
	}
	if (threads <= 1)
		return 0;
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < threads + 16) {
		fl_error(run, "-c %u needs %u threads, but the per-user process "
			 "limit (ulimit -u) is %lu; raise it or lower -c",
			 run->opt.concurrency, threads, (unsigned long)rl.rlim_cur);
		return -1;
	}
	if ((f = fopen("/proc/sys/kernel/threads-max", "r")) != NULL) {
		if (fscanf(f, "%lu", &tmax) == 1 && tmax < threads + 16) {
			fl_error(run, "-c %u needs %u threads, but kernel.threads-max "
				 "is %lu; raise it (sysctl kernel.threads-max) or lower -c",
				 run->opt.concurrency, threads, tmax);
			fclose(f);
			return -1;
		}
		fclose(f);
	}
	/* Each thread's stack is a mapping plus a guard page mapping. */
	if ((f = fopen("/proc/sys/vm/max_map_count", "r")) != NULL) {
		if (fscanf(f, "%lu", &maps) == 1 && maps < 2ul * threads + 1024) {
			fl_error(run, "-c %u needs about %u memory maps, but "
				 "vm.max_map_count is %lu; raise it (sysctl "
				 "vm.max_map_count=%u) or lower -c",
				 run->opt.concurrency, 2 * threads + 1024, maps,
				 2 * threads + 1024);
			fclose(f);
			return -1;
		}
		fclose(f);
	}
	return 0;
}
