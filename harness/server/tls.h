/* tls.h - HTTPS for fetchlab-server: the certificates, made on first use,
 * and the TLS contexts the connections' sessions come from.
 *
 * The CA lives in a directory (ca.pem, which clients trust, and ca.key);
 * every start signs a fresh leaf certificate for the addresses served,
 * so no key is ever committed and none outlives the directory. Each
 * connection's TLS session runs on memory BIOs: the socket stays libuv's,
 * and conn.c moves the bytes between the two.
 *
 * The TLS faults are chosen by the name the client asks for (SNI), on the
 * same port, so a fault is one request's, like the HTTP ones:
 *   unknown-ca.fetchlab.test  a certificate from a CA nobody trusts
 *   wrong-host.fetchlab.test  the served certificate, which does not name it
 *   expired.fetchlab.test     a certificate for it from the CA, expired
 *   reset.fetchlab.test       the connection is reset at the ClientHello
 */
#ifndef FETCHLAB_SERVER_TLS_H
#define FETCHLAB_SERVER_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

struct tls_server;

/* Where the CA lives: $FETCHLAB_TLS_DIR, else $XDG_CACHE_HOME/fetchlab/tls,
 * else ~/.cache/fetchlab/tls. Writes it into BUF of N bytes; -1 if none fits. */
int tls_default_dir(char *buf, size_t n);

/* Load the CA from DIR, making it first if DIR has none (two servers
 * starting at once agree on one), and make the certificates and contexts
 * for serving HOST (a numeric address; 0.0.0.0 or :: names every address
 * of the machine). Returns the server's TLS state, or NULL after writing
 * why into WHY (N bytes). */
struct tls_server *tls_server_new(const char *dir, const char *host,
				  char *why, size_t n);
void tls_server_free(struct tls_server *t);

/* A new server-side session on memory BIOs, or NULL (out of memory). */
SSL *tls_session_new(struct tls_server *t);

/* Whether SSL's client asked for reset.fetchlab.test: its handshake
 * failed on purpose, and the connection is to be reset, not closed. */
bool tls_wants_reset(SSL *ssl);

#endif
