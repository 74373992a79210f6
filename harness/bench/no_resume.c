/* no_resume.c - an LD_PRELOAD shim that makes wrk do a full TLS handshake
 * on every connection (harness/bench/tls.sh builds it in its scratch
 * directory).
 *
 * wrk keeps one SSL object per connection slot and, on reconnect, calls
 * SSL_clear on it, which keeps the last session: the next SSL_connect
 * offers it, and a server that issues tickets (nginx and fetchlab-server
 * both do by default) resumes it. Measured against nginx with
 * "Connection: close": 474 of 478 handshakes resumed. With this shim,
 * 0 of 410. Dropping the session on the client side leaves both servers
 * as they ship (tickets issued, cache as configured) and gives each the
 * same client.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/ssl.h>

/* SSL_clear as libssl's, then forget the session: the next handshake on
 * SSL is a full one. */
int SSL_clear(SSL *ssl)
{
	static int (*real)(SSL *);
	int ok;

	if (real == NULL)
		real = (int (*)(SSL *))dlsym(RTLD_NEXT, "SSL_clear");
	if (real == NULL)
		return 0;
	ok = real(ssl);
	if (ok == 1)
		SSL_set_session(ssl, NULL);
	return ok;
}
