/* tls.c - the certificates and TLS contexts of fetchlab-server (tls.h).
 * Keys are ECDSA P-256, as most HTTPS servers use today: a handshake then
 * costs the server one P-256 signature and one key exchange. */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "tls.h"

#define DAY (24L * 3600)
#define FAULT_DOMAIN ".fetchlab.test"

struct tls_server {
	SSL_CTX *served;    /* the real certificate, for the addresses served */
	SSL_CTX *unknown;   /* unknown-ca.fetchlab.test: from a CA nobody trusts */
	SSL_CTX *expired;   /* expired.fetchlab.test: from our CA, expired */
};

int tls_default_dir(char *buf, size_t n)
{
	const char *env = getenv("FETCHLAB_TLS_DIR"), *cache = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int k;

	if (env && *env)
		k = snprintf(buf, n, "%s", env);
	else if (cache && *cache)
		k = snprintf(buf, n, "%s/fetchlab/tls", cache);
	else
		k = snprintf(buf, n, "%s/.cache/fetchlab/tls", home && *home ? home : "/tmp");
	return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* OpenSSL's own words for the last error, after WHAT. */
static void say(char *why, size_t n, const char *what)
{
	char err[160] = "";

	ERR_error_string_n(ERR_get_error(), err, sizeof err);
	snprintf(why, n, "%s: %s", what, *err ? err : "no reason given");
}

/* Add extension NID with VALUE (openssl's config syntax) to X. */
static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;
	int ok;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	e = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
	if (e == NULL)
		return -1;
	ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* A certificate for CN and KEY, valid from FROM to TO seconds from now,
 * signed by ISSUER/IKEY (NULL: by itself, a CA). SAN names a leaf's
 * addresses. NULL on failure. */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey,
		       const char *san, long from, long to)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	bool ok = x && name && RAND_bytes(serial, sizeof serial) == 1;

	serial[0] &= 0x7f;   /* a positive serial */
	ok = ok && (bn = BN_bin2bn(serial, sizeof serial, NULL)) != NULL &&
	     BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL &&
	     X509_set_version(x, 2) &&
	     X509_gmtime_adj(X509_getm_notBefore(x), from) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), to) &&
	     X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					(const unsigned char *)"fetchlab", -1, -1, 0) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_subject_name(x, name) &&
	     X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) &&
	     X509_set_pubkey(x, key);
	if (ok && issuer == NULL)
		ok = add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") == 0 &&
		     add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") == 0 &&
		     add_ext(x, x, NID_subject_key_identifier, "hash") == 0;
	else if (ok)
		ok = add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
		     add_ext(x, issuer, NID_key_usage, "critical,digitalSignature") == 0 &&
		     add_ext(x, issuer, NID_ext_key_usage, "serverAuth") == 0 &&
		     add_ext(x, issuer, NID_subject_alt_name, san) == 0 &&
		     add_ext(x, issuer, NID_authority_key_identifier, "keyid") == 0;
	ok = ok && X509_sign(x, issuer ? ikey : key, EVP_sha256()) > 0;
	BN_free(bn);
	X509_NAME_free(name);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* DIR/FILE into PATH (PATH_CAP bytes): the caller checked DIR's length. */
#define PATH_CAP 4200
static void join(char *path, const char *dir, const char *file)
{
	if (snprintf(path, PATH_CAP, "%s/%s", dir, file) >= PATH_CAP)
		path[0] = '\0';
}

/* Write CERT and KEY (mode 0600) as DIR/ca.pem and DIR/ca.key. */
static int write_pem(const char *dir, X509 *cert, EVP_PKEY *key)
{
	char path[PATH_CAP];
	FILE *f;
	int ok;

	join(path, dir, "ca.key");
	f = fopen(path, "wx");
	if (f == NULL)
		return -1;
	fchmod(fileno(f), 0600);
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	if (fclose(f) != 0 || !ok)
		return -1;
	join(path, dir, "ca.pem");
	f = fopen(path, "wx");
	if (f == NULL)
		return -1;
	ok = PEM_write_X509(f, cert);
	return fclose(f) != 0 || !ok ? -1 : 0;
}

/* mkdir -p PATH's parents (not PATH itself), mode 0700. */
static void make_parents(const char *path)
{
	char p[4096];

	snprintf(p, sizeof p, "%s", path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(p, 0700);
		*s = '/';
	}
}

/* The CA of DIR into *CERT and *KEY, made first when DIR does not exist:
 * it is written whole into a directory of its own and renamed into place,
 * so a server starting at the same moment either wins or reads ours. */
static int load_or_make_ca(const char *dir, X509 **cert, EVP_PKEY **key,
			   char *why, size_t n)
{
	char path[PATH_CAP], tmp[PATH_CAP];
	FILE *f;

	join(path, dir, "ca.pem");
	if (access(path, R_OK) != 0) {
		EVP_PKEY *k = EVP_EC_gen("P-256");
		X509 *c = k ? make_cert("fetchlab test CA", k, NULL, NULL, NULL, -DAY,
					3650 * DAY) : NULL;
		int r;

		make_parents(dir);
		snprintf(tmp, sizeof tmp, "%s.new-%ld", dir, (long)getpid());
		r = c && mkdir(tmp, 0700) == 0 ? write_pem(tmp, c, k) : -1;
		if (r == 0 && rename(tmp, dir) != 0 && errno != ENOTEMPTY && errno != EEXIST)
			r = -1;
		X509_free(c);
		EVP_PKEY_free(k);
		join(path, tmp, "ca.key");
		unlink(path);
		join(path, tmp, "ca.pem");
		unlink(path);
		rmdir(tmp);   /* gone already when the rename won */
		if (r < 0) {
			snprintf(why, n, "cannot create the CA in %s (%s); set "
				 "FETCHLAB_TLS_DIR or --tls-dir to a writable directory",
				 dir, strerror(errno));
			return -1;
		}
		join(path, dir, "ca.pem");
	}
	f = fopen(path, "r");
	*cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	join(path, dir, "ca.key");
	f = fopen(path, "r");
	*key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	if (*cert == NULL || *key == NULL || !X509_check_private_key(*cert, *key)) {
		snprintf(why, n, "%s holds no usable CA (ca.pem and ca.key, a matching "
			 "pair); remove the directory and a new one is made", dir);
		return -1;
	}
	return 0;
}

/* The subjectAltName of the served certificate: localhost, the loopback
 * addresses and HOST; for a wildcard HOST, every address the machine has. */
static void served_names(const char *host, char *san, size_t n)
{
	struct ifaddrs *ifs, *i;
	size_t len;

	snprintf(san, n, "DNS:localhost,IP:127.0.0.1,IP:::1");
	if (strcmp(host, "0.0.0.0") != 0 && strcmp(host, "::") != 0) {
		if (strcmp(host, "127.0.0.1") != 0 && strcmp(host, "::1") != 0) {
			len = strlen(san);
			snprintf(san + len, n - len, ",IP:%s", host);
		}
		return;
	}
	if (getifaddrs(&ifs) != 0)
		return;
	for (i = ifs; i; i = i->ifa_next) {
		char a[INET6_ADDRSTRLEN];
		const void *p;

		if (i->ifa_addr == NULL || (i->ifa_addr->sa_family != AF_INET &&
					    i->ifa_addr->sa_family != AF_INET6))
			continue;
		p = i->ifa_addr->sa_family == AF_INET ?
			(const void *)&((struct sockaddr_in *)i->ifa_addr)->sin_addr :
			(const void *)&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr;
		if (inet_ntop(i->ifa_addr->sa_family, p, a, sizeof a) == NULL ||
		    strcmp(a, "127.0.0.1") == 0 || strcmp(a, "::1") == 0 ||
		    strchr(a, '%'))
			continue;
		len = strlen(san);
		if (len + strlen(a) + 5 < n)
			snprintf(san + len, n - len, ",IP:%s", a);
	}
	freeifaddrs(ifs);
}

/* SNI: hand the fault names their certificate, or refuse the handshake. */
static int on_server_name(SSL *ssl, int *alert, void *arg)
{
	struct tls_server *t = arg;
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	if (name == NULL)
		return SSL_TLSEXT_ERR_OK;
	if (strcmp(name, "unknown-ca" FAULT_DOMAIN) == 0)
		SSL_set_SSL_CTX(ssl, t->unknown);
	else if (strcmp(name, "expired" FAULT_DOMAIN) == 0)
		SSL_set_SSL_CTX(ssl, t->expired);
	else if (strcmp(name, "reset" FAULT_DOMAIN) == 0) {
		*alert = SSL_AD_HANDSHAKE_FAILURE;
		return SSL_TLSEXT_ERR_ALERT_FATAL;   /* conn.c resets instead */
	}
	return SSL_TLSEXT_ERR_OK;
}

bool tls_wants_reset(SSL *ssl)
{
	const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	return name && strcmp(name, "reset" FAULT_DOMAIN) == 0;
}

/* A server context serving CERT with KEY; T's SNI callback on it. */
static SSL_CTX *make_ctx(struct tls_server *t, X509 *cert, EVP_PKEY *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    !SSL_CTX_use_certificate(ctx, cert) || !SSL_CTX_use_PrivateKey(ctx, key)) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	/* 10,000 idle connections: give each session's buffers back while it
	 * waits (OpenSSL keeps about 34 KiB per session otherwise). */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_NO_AUTO_CHAIN);
	/* Resumption by tickets alone (the client keeps the state), as
	 * nginx does by default: a server-side cache costs a lookup per
	 * handshake and OpenSSL's periodic walk over all of it. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_tlsext_servername_callback(ctx, on_server_name);
	SSL_CTX_set_tlsext_servername_arg(ctx, t);
	return ctx;
}

/* A leaf certificate for SAN, from ISSUER/IKEY, valid FROM..TO seconds
 * from now, and a context serving it. */
static SSL_CTX *leaf_ctx(struct tls_server *t, const char *cn, const char *san,
			 X509 *issuer, EVP_PKEY *ikey, long from, long to)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = key ? make_cert(cn, key, issuer, ikey, san, from, to) : NULL;
	SSL_CTX *ctx = cert ? make_ctx(t, cert, key) : NULL;

	X509_free(cert);
	EVP_PKEY_free(key);
	return ctx;
}

struct tls_server *tls_server_new(const char *dir, const char *host,
				  char *why, size_t n)
{
	struct tls_server *t = calloc(1, sizeof *t);
	X509 *ca = NULL, *rogue = NULL;
	EVP_PKEY *cakey = NULL, *roguekey = NULL;
	char san[2048];

	if (strlen(dir) > 4000) {
		snprintf(why, n, "the CA directory's path is over 4000 bytes; give a "
			 "shorter one (--tls-dir)");
		free(t);
		return NULL;
	}
	if (t == NULL || load_or_make_ca(dir, &ca, &cakey, why, n) < 0) {
		free(t);
		return NULL;
	}
	served_names(host, san, sizeof san);
	roguekey = EVP_EC_gen("P-256");
	rogue = roguekey ? make_cert("fetchlab untrusted CA", roguekey, NULL, NULL,
				     NULL, -DAY, 3650 * DAY) : NULL;
	t->served = leaf_ctx(t, "fetchlab-server", san, ca, cakey, -DAY, 365 * DAY);
	t->unknown = rogue ? leaf_ctx(t, "unknown-ca" FAULT_DOMAIN,
				      "DNS:unknown-ca" FAULT_DOMAIN, rogue, roguekey,
				      -DAY, 365 * DAY) : NULL;
	t->expired = leaf_ctx(t, "expired" FAULT_DOMAIN, "DNS:expired" FAULT_DOMAIN,
			      ca, cakey, -30 * DAY, -DAY);
	X509_free(ca);
	X509_free(rogue);
	EVP_PKEY_free(cakey);
	EVP_PKEY_free(roguekey);
	if (t->served == NULL || t->unknown == NULL || t->expired == NULL) {
		say(why, n, "cannot make the server's certificates");
		tls_server_free(t);
		return NULL;
	}
	return t;
}

void tls_server_free(struct tls_server *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->served);
	SSL_CTX_free(t->unknown);
	SSL_CTX_free(t->expired);
	free(t);
}

SSL *tls_session_new(struct tls_server *t)
{
	SSL *ssl = SSL_new(t->served);
	BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());

	if (ssl == NULL || in == NULL || out == NULL) {
		SSL_free(ssl);
		BIO_free(in);
		BIO_free(out);
		return NULL;
	}
	/* An empty memory BIO reads as "try again", not as end of file. */
	BIO_set_mem_eof_return(in, -1);
	SSL_set_bio(ssl, in, out);
	SSL_set_accept_state(ssl);
	return ssl;
}
