/* stdfds.h - one thing every fetchlab executable does first, header-only
 * so that the server, which does not link libfetchlab, shares it.
 *
 * libuv asserts that a descriptor it closes is above 2. A program started
 * with stdin, stdout or stderr closed would give the first socket it opens
 * the closed number, and abort at the end of the run (uv__close's
 * assertion). fl_fill_std_fds opens /dev/null on each of 0-2 that is
 * closed; it exits 1 if even that fails. */
#ifndef FETCHLAB_STDFDS_H
#define FETCHLAB_STDFDS_H

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static inline void fl_fill_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) < 0)
			_exit(1);
}

#endif
