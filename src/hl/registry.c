/* registry.c - OCI distribution API v2 over libcurl: auth challenges, manifests, verified parallel blob downloads. */
#include "registry.h"
#include "auth.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <yajl/yajl_tree.h>

#define MAX_ATTEMPTS 6
#define MAX_ERROR_BODY 4096
#define BLOB_BUFFER_SIZE (512L << 10)

static const char *const accept_types[] = {
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.docker.distribution.manifest.v2+json",
};

struct hl_registry {
	char *base, *host, *repo;
	bool tls_verify;
	struct hl_creds creds;
	bool no_oauth_post; /* the token server refused POST once: use GET from then on */
	char *auth;      /* "Authorization: ..." header, or NULL for anonymous */
	time_t auth_expiry;
	int parallel;
	CURLSH *share;   /* connections, DNS and TLS sessions shared between handles */
	char **warnings; /* already shown, so each is printed once */
	size_t n_warnings, cap_warnings;
};

/* One response's headers; reset at each status line because redirects come through too. */
struct resp {
	long code;
	char ctype[128];
	char digest[80];
	char *www_auth;
	long long range_start;
	long retry_after; /* seconds, from a 429/503 answer */
	char warning[256]; /* text of a `Warning: 299 - "..."` header */
	char *body;
	size_t len, max;
	bool overflow;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double backoff_s(int attempt)
{
	double d = 0.2 * (double)(1u << (attempt < 10 ? attempt : 10)) * (0.5 + (double)rand() / RAND_MAX);
	return d < 5.0 ? d : 5.0;
}

static void backoff(int attempt)
{
	/* Exponential with jitter so parallel retries do not hit the registry together. */
	usleep((useconds_t)(backoff_s(attempt) * 1e6));
}

static void header_value(const char *line, size_t n, const char *name, char *dst, size_t dstn)
{
	size_t k = strlen(name);
	if (n <= k || strncasecmp(line, name, k) != 0)
		return;
	const char *v = line + k;
	size_t vn = n - k;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' '))
		vn--;
	snprintf(dst, dstn, "%.*s", (int)vn, v);
}

static size_t header_cb(char *line, size_t sz, size_t nm, void *ud)
{
	struct resp *r = ud;
	size_t n = sz * nm;
	if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', n);
		r->code = sp ? strtol(sp + 1, NULL, 10) : 0;
		r->ctype[0] = r->digest[0] = '\0';
		r->range_start = -1;
		r->retry_after = 0;
		return n;
	}
	header_value(line, n, "content-type:", r->ctype, sizeof(r->ctype));
	header_value(line, n, "docker-content-digest:", r->digest, sizeof(r->digest));
	char tmp[1024] = "";
	header_value(line, n, "www-authenticate:", tmp, sizeof(tmp));
	if (tmp[0]) {
		free(r->www_auth);
		r->www_auth = xstrdup(tmp);
	}
	tmp[0] = '\0';
	header_value(line, n, "retry-after:", tmp, sizeof(tmp));
	if (tmp[0])
		r->retry_after = strtol(tmp, NULL, 10);
	tmp[0] = '\0';
	header_value(line, n, "warning:", tmp, sizeof(tmp));
	/* Only code 299 with a quoted text is meant for users (distribution spec); never acted on. */
	char *q1 = strchr(tmp, '"'), *q2 = q1 ? strrchr(q1 + 1, '"') : NULL;
	if (strncmp(tmp, "299 ", 4) == 0 && q1 && q2)
		snprintf(r->warning, sizeof(r->warning), "%.*s", (int)(q2 - q1 - 1), q1 + 1);
	tmp[0] = '\0';
	header_value(line, n, "content-range:", tmp, sizeof(tmp));
	if (strncmp(tmp, "bytes ", 6) == 0)
		r->range_start = strtoll(tmp + 6, NULL, 10);
	return n;
}

static size_t body_cb(char *data, size_t sz, size_t nm, void *ud)
{
	struct resp *r = ud;
	size_t n = sz * nm;
	if (r->len + n > r->max) {
		r->overflow = true;
		return 0; /* abort: larger than the cap */
	}
	r->body = xrealloc(r->body, r->len + n + 1);
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

static void show_warning(struct hl_registry *reg, const struct resp *r)
{
	if (r->warning[0] == '\0')
		return;
	for (size_t i = 0; i < reg->n_warnings; i++)
		if (strcmp(reg->warnings[i], r->warning) == 0)
			return;
	reg->warnings = xgrow(reg->warnings, &reg->cap_warnings, reg->n_warnings, sizeof(char *));
	reg->warnings[reg->n_warnings++] = xstrdup(r->warning);
	hull_warn("registry %s: %s", reg->host, r->warning);
}

static void resp_clear(struct resp *r)
{
	free(r->www_auth);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static void setup_easy(struct hl_registry *r, CURL *c, const char *url)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/* libcurl drops a custom Authorization header when a redirect changes host or port;
	 * CURLOPT_UNRESTRICTED_AUTH is never set, so signed CDN URLs get no credentials. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "hull-image/0.1");
	curl_easy_setopt(c, CURLOPT_SHARE, r->share);
	if (!r->tls_verify) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static bool is_loopback(const char *host)
{
	return hull_str_has_prefix(host, "localhost") || hull_str_has_prefix(host, "127.") || hull_str_has_prefix(host, "[::1]");
}

int hl_registry_open(const struct hl_ref *ref, const struct hl_registry_opts *o, struct hl_registry **out,
		     struct hull_error *err)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct hl_registry *r = xzalloc(sizeof(*r));
	r->host = xstrdup(hl_ref_api_host(ref));
	r->repo = xstrdup(ref->path);
	r->tls_verify = o->tls_verify;
	r->parallel = o->parallel > 0 ? o->parallel : 3;
	/* Plain http only when asked, or for loopback registries, as podman does. */
	bool plain = !o->tls_verify || is_loopback(r->host);
	r->base = xasprintf("%s://%s", plain ? "http" : "https", r->host);
	r->share = curl_share_init();
	curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(r->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	int found = 0;
	if (o->creds) {
		const char *colon = strchr(o->creds, ':');
		if (colon == NULL) {
			hl_registry_close(r);
			return hull_fail(err, EINVAL, "--creds: want user:password");
		}
		r->creds.user = xstrndup(o->creds, colon - o->creds);
		r->creds.pass = xstrdup(colon + 1);
	} else {
		found = hl_auth_lookup(o->authfile, ref->domain, ref->path, &r->creds, err);
		if (found < 0) {
			hl_registry_close(r);
			return -1;
		}
	}
	*out = r;
	return 0;
}

void hl_registry_close(struct hl_registry *r)
{
	if (r == NULL)
		return;
	free(r->base);
	free(r->host);
	free(r->repo);
	hl_creds_clear(&r->creds);
	free(r->auth);
	if (r->share)
		curl_share_cleanup(r->share);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r);
}

/* ---- authentication ------------------------------------------------------------ */

static char *basic_header(const char *user, const char *pass)
{
	_cleanup_free_ char *up = xasprintf("%s:%s", user, pass);
	size_t n = strlen(up);
	_cleanup_free_ char *b64 = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)up, (int)n);
	return xasprintf("Authorization: Basic %s", b64);
}

/* One request to a token endpoint: GET when form is NULL, else an OAuth2 form POST. */
static CURLcode token_request(struct hl_registry *r, const char *url, const char *form, const char *basic, struct resp *rs)
{
	CURL *c = curl_easy_init();
	setup_easy(r, c, url);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, rs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, rs);
	struct curl_slist *h = NULL;
	/* Anonymous token requests carry no Authorization at all. */
	if (basic)
		h = curl_slist_append(h, basic);
	if (form) {
		h = curl_slist_append(h, "Content-Type: application/x-www-form-urlencoded");
		curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, form);
		/* The form carries the secret: never re-POST it to wherever a redirect points. */
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	CURLcode cc = curl_easy_perform(c);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return cc;
}

static char *escaped(const char *s)
{
	char *e = curl_easy_escape(NULL, s ? s : "", 0);
	char *out = xstrdup(e ? e : "");
	curl_free(e);
	return out;
}

/* distribution's oauth.md: grant_type=password, or refresh_token for an identity token. */
static char *oauth_form(const struct hl_registry *r, const char *service, const char *scope)
{
	_cleanup_free_ char *es = escaped(service), *esc = escaped(scope);
	if (r->creds.identity_token) {
		_cleanup_free_ char *t = escaped(r->creds.identity_token);
		return xasprintf("grant_type=refresh_token&refresh_token=%s&service=%s&scope=%s&client_id=hull-image", t, es, esc);
	}
	_cleanup_free_ char *u = escaped(r->creds.user), *p = escaped(r->creds.pass);
	return xasprintf("grant_type=password&username=%s&password=%s&service=%s&scope=%s&client_id=hull-image", u, p, es, esc);
}

static int token_answer(struct hl_registry *r, const char *realm, CURLcode cc, const struct resp *rs, struct hull_error *err)
{
	_cleanup_free_ char *tok = NULL;
	long exp = 60;
	if (cc != CURLE_OK)
		return hull_fail(err, EIO, "token server %s: %s", realm, curl_easy_strerror(cc));
	if (rs->code == 401 || rs->code == 403)
		return hull_fail(err, EACCES, "token server %s: %ld %s (wrong username or password?)", realm, rs->code,
				 rs->code == 401 ? "unauthorized" : "forbidden");
	if (rs->code != 200)
		return hull_fail(err, EIO, "token server %s: HTTP %ld", realm, rs->code);
	if (hl_auth_parse_token(rs->body ? rs->body : "", &tok, &exp, err) < 0)
		return -1;
	free(r->auth);
	r->auth = xasprintf("Authorization: Bearer %s", tok);
	r->auth_expiry = time(NULL) + exp - 5;
	return 0;
}

static int fetch_token(struct hl_registry *r, const struct hl_challenge *ch, struct hull_error *err)
{
	if (hull_str_has_prefix(ch->realm, "http://") && r->tls_verify && !is_loopback(ch->realm + 7))
		return hull_fail(err, EPERM, "token server %s is plain http; refusing to send credentials", ch->realm);
	_cleanup_free_ char *defscope = xasprintf("repository:%s:pull", r->repo);
	const char *scope = ch->scope ? ch->scope : defscope;
	struct resp rs = { .max = 1u << 20 };
	CURLcode cc;
	bool have_secret = r->creds.identity_token || r->creds.user;
	if (have_secret && !r->no_oauth_post) {
		_cleanup_free_ char *form = oauth_form(r, ch->service, scope);
		cc = token_request(r, ch->realm, form, NULL, &rs);
		/* As containerd: token servers without the OAuth2 endpoint answer 404 or 405 (GCR, older
		 * distribution), some 400 or 401; those get the GET flow with basic credentials. */
		bool get_ok = r->creds.user != NULL;
		long c = rs.code;
		if (cc != CURLE_OK || !(c == 404 || c == 405 || (get_ok && (c == 400 || c == 401)))) {
			int ret = token_answer(r, ch->realm, cc, &rs, err);
			resp_clear(&rs);
			return ret;
		}
		hull_debug("token server %s: POST answered %ld, using GET", ch->realm, c);
		resp_clear(&rs);
		rs.max = 1u << 20;
		if (!get_ok)
			return hull_fail(err, ENOTSUP, "token server %s: HTTP %ld to the OAuth2 POST, and an identity token "
					 "cannot be used with GET", ch->realm, c);
		if (c == 404 || c == 405)
			r->no_oauth_post = true;
	}
	_cleanup_free_ char *es = escaped(ch->service), *esc = escaped(scope);
	_cleanup_free_ char *url = xasprintf("%s%sservice=%s&scope=%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?", es, esc);
	_cleanup_free_ char *basic = r->creds.user ? basic_header(r->creds.user, r->creds.pass) : NULL;
	cc = token_request(r, url, NULL, basic, &rs);
	int ret = token_answer(r, ch->realm, cc, &rs, err);
	resp_clear(&rs);
	return ret;
}

/* React to a 401: build the Authorization header the challenge asks for. */
static int authenticate(struct hl_registry *r, const char *www_auth, struct hull_error *err)
{
	if (www_auth == NULL)
		return hull_fail(err, EACCES, "%s: 401 unauthorized without a WWW-Authenticate challenge", r->host);
	struct hl_challenge ch;
	if (hl_auth_parse_challenge(www_auth, &ch, err) < 0)
		return -1;
	int ret = 0;
	if (strcmp(ch.scheme, "basic") == 0) {
		if (r->creds.user == NULL && r->creds.identity_token)
			ret = hull_fail(err, EACCES, "%s: 401 unauthorized: the registry wants basic auth, but the credentials "
					"are an identity token", r->host);
		else if (r->creds.user == NULL)
			ret = hull_fail(err, EACCES, "%s: 401 unauthorized: the registry wants a login (no credentials found%s%s)",
					r->host, r->creds.note ? "; " : "", r->creds.note ? r->creds.note : "");
		else {
			free(r->auth);
			r->auth = basic_header(r->creds.user, r->creds.pass);
		}
	} else if (strcmp(ch.scheme, "bearer") == 0) {
		ret = fetch_token(r, &ch, err);
	} else {
		ret = hull_fail(err, ENOTSUP, "%s: unsupported authentication scheme \"%s\"", r->host, ch.scheme);
	}
	hl_challenge_clear(&ch);
	return ret;
}

static struct curl_slist *request_headers(struct hl_registry *r, bool manifest, long long range_from)
{
	struct curl_slist *h = NULL;
	if (manifest) /* distribution 2.8 answers 404 for OCI manifests unless their type is accepted */
		for (size_t i = 0; i < ARRAY_SIZE(accept_types); i++) {
			_cleanup_free_ char *a = xasprintf("Accept: %s", accept_types[i]);
			h = curl_slist_append(h, a);
		}
	if (r->auth && (r->auth_expiry == 0 || time(NULL) < r->auth_expiry))
		h = curl_slist_append(h, r->auth);
	if (range_from > 0) {
		char rb[64];
		snprintf(rb, sizeof(rb), "Range: bytes=%lld-", range_from);
		h = curl_slist_append(h, rb);
	}
	return h;
}

/* The registry's error body `{"errors":[{"code","message"}]}` as text, if any. */
static void error_text(const struct resp *rs, char *out, size_t n)
{
	snprintf(out, n, "HTTP %ld", rs->code);
	if (rs->body == NULL)
		return;
	yajl_val v = yajl_tree_parse(rs->body, NULL, 0);
	const char *ep[] = { "errors", NULL };
	yajl_val arr = v ? yajl_tree_get(v, ep, yajl_t_array) : NULL;
	if (arr && YAJL_GET_ARRAY(arr)->len > 0) {
		const char *cp[] = { "code", NULL }, *mp[] = { "message", NULL };
		yajl_val c = yajl_tree_get(YAJL_GET_ARRAY(arr)->values[0], cp, yajl_t_string);
		yajl_val m = yajl_tree_get(YAJL_GET_ARRAY(arr)->values[0], mp, yajl_t_string);
		snprintf(out, n, "HTTP %ld %s: %s", rs->code, c ? YAJL_GET_STRING(c) : "", m ? YAJL_GET_STRING(m) : "");
	}
	yajl_tree_free(v);
}

/* GET with auth and retries; the response (capped at max) is left in rs. */
static int request(struct hl_registry *r, const char *url, bool manifest, size_t max, struct resp *rs, struct hull_error *err)
{
	bool reauthed = false;
	for (int attempt = 0;; attempt++) {
		resp_clear(rs);
		rs->max = max;
		CURL *c = curl_easy_init();
		setup_easy(r, c, url);
		struct curl_slist *h = request_headers(r, manifest, 0);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, rs);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, rs);
		CURLcode cc = curl_easy_perform(c);
		curl_slist_free_all(h);
		curl_easy_cleanup(c);
		show_warning(r, rs);
		if (rs->overflow)
			return hull_fail(err, EFBIG, "%s: response larger than %zu bytes", url, max);
		bool transient = cc != CURLE_OK || rs->code >= 500 || rs->code == 429;
		if (transient && attempt + 1 < MAX_ATTEMPTS) {
			hull_debug("%s: %s, retrying", url, cc != CURLE_OK ? curl_easy_strerror(cc) : "server error");
			if (rs->retry_after > 0)
				sleep((unsigned)(rs->retry_after < 30 ? rs->retry_after : 30));
			else
				backoff(attempt);
			continue;
		}
		if (cc != CURLE_OK)
			return hull_fail(err, EIO, "%s: %s", url, curl_easy_strerror(cc));
		if (rs->code == 401 && !reauthed) {
			reauthed = true;
			if (authenticate(r, rs->www_auth, err) < 0)
				return -1;
			attempt = -1;
			continue;
		}
		if (rs->code == 401)
			return hull_fail(err, EACCES, "%s: 401 unauthorized (wrong username or password?)", r->host);
		return 0;
	}
}

/* Content-Type with parameters dropped. */
static char *media_of(const char *ctype)
{
	size_t n = strcspn(ctype, "; ");
	return xstrndup(ctype, n);
}

/* The manifest's own mediaType, or a sniffed one when it has none. */
static int body_media_type(const char *buf, size_t len, char **out, struct hull_error *err)
{
	if (!hl_json_depth_ok(buf, len, 64))
		return hull_fail(err, EINVAL, "manifest: JSON nested too deeply");
	yajl_val v = yajl_tree_parse(buf, NULL, 0);
	if (v == NULL || !YAJL_IS_OBJECT(v)) {
		yajl_tree_free(v);
		return hull_fail(err, EINVAL, "manifest: not a JSON object");
	}
	const char *mp[] = { "mediaType", NULL }, *sp[] = { "schemaVersion", NULL }, *lp[] = { "manifests", NULL };
	yajl_val mt = yajl_tree_get(v, mp, yajl_t_string), sv = yajl_tree_get(v, sp, yajl_t_number);
	int r = 0;
	if (sv && YAJL_IS_INTEGER(sv) && YAJL_GET_INTEGER(sv) == 1)
		r = hull_fail(err, ENOTSUP, "Docker schema 1 manifests are not supported (deprecated); re-push the image with a current tool");
	else if (mt)
		*out = xstrdup(YAJL_GET_STRING(mt));
	else
		*out = xstrdup(yajl_tree_get(v, lp, yajl_t_array) ? "application/vnd.oci.image.index.v1+json"
								     : "application/vnd.oci.image.manifest.v1+json");
	yajl_tree_free(v);
	return r;
}

int hl_registry_get_manifest(struct hl_registry *r, const char *tag_or_digest, char **buf, size_t *len,
			     char **media_type, char **digest, struct hull_error *err)
{
	_cleanup_free_ char *url = xasprintf("%s/v2/%s/manifests/%s", r->base, r->repo, tag_or_digest);
	struct resp rs = { 0 };
	if (request(r, url, true, HL_MAX_MANIFEST, &rs, err) < 0) {
		resp_clear(&rs);
		return hull_error_prefix(err, "manifest %s/%s:%s", r->host, r->repo, tag_or_digest);
	}
	int ret = 0;
	char etext[512];
	_cleanup_free_ char *ct = media_of(rs.ctype), *bmt = NULL, *got = NULL;
	if (rs.code != 200) {
		error_text(&rs, etext, sizeof(etext));
		ret = hull_fail(err, rs.code == 404 ? ENOENT : EIO, "manifest %s/%s:%s: %s", r->host, r->repo, tag_or_digest, etext);
	} else if (hull_str_has_prefix(ct, "application/vnd.docker.distribution.manifest.v1")) {
		ret = hull_fail(err, ENOTSUP, "%s/%s:%s is a Docker schema 1 manifest, which is deprecated and not supported",
				r->host, r->repo, tag_or_digest);
	} else if (body_media_type(rs.body ? rs.body : "", rs.len, &bmt, err) < 0) {
		ret = -1;
	} else {
		got = hl_sha256_digest(rs.body ? rs.body : "", rs.len);
		bool ct_known = hl_media_is_index(ct) || hl_media_is_manifest(ct);
		if (ct_known && strcmp(ct, bmt) != 0)
			ret = hull_fail(err, EINVAL, "manifest: mediaType \"%s\" does not match Content-Type \"%s\"", bmt, ct);
		else if (!hl_media_is_index(bmt) && !hl_media_is_manifest(bmt))
			ret = hull_fail(err, EINVAL, "%s/%s:%s: not a container image (media type \"%s\")", r->host, r->repo,
					tag_or_digest, bmt);
		else if (hl_digest_valid(tag_or_digest) && strcmp(got, tag_or_digest) != 0)
			ret = hull_fail(err, EINVAL, "manifest digest mismatch: asked for %s, got %s", tag_or_digest, got);
		else if (hl_digest_valid(rs.digest) && strcmp(got, rs.digest) != 0)
			ret = hull_fail(err, EINVAL, "manifest digest mismatch: Docker-Content-Digest %s, content %s", rs.digest, got);
	}
	if (ret == 0) {
		*buf = rs.body ? steal_pointer(&rs.body) : xstrdup("");
		*len = rs.len;
		*media_type = steal_pointer(&bmt);
		*digest = steal_pointer(&got);
	}
	resp_clear(&rs);
	return ret;
}

/* ---- blobs ---------------------------------------------------------------------- */

struct job {
	struct hl_registry *r;
	const struct hl_descriptor *d;
	size_t idx;
	char *tmp;
	int fd;
	EVP_MD_CTX *md;
	uint64_t have, requested_from;
	struct resp rs;
	CURL *e;
	struct curl_slist *hdrs;
	int attempts;
	bool reauthed, active, done, too_big, bad_range;
	double not_before;
	struct hl_progress *pg;
	struct hl_committer *cm;
	unsigned char *wbuf; /* curl hands over 16 KiB at a time: gather before write(2) */
	size_t wlen;
};

static void job_restart(struct job *j)
{
	/* Start over: the partial content and hash are discarded together. */
	j->wlen = 0;
	if (ftruncate(j->fd, 0) < 0 || lseek(j->fd, 0, SEEK_SET) < 0)
		hull_warn("truncate %s: %m", j->tmp);
	EVP_DigestInit_ex(j->md, EVP_sha256(), NULL);
	j->have = 0;
}

static int job_flush(struct job *j)
{
	int r = j->wlen ? hull_write_all(j->fd, j->wbuf, j->wlen) : 0;
	j->wlen = 0;
	return r;
}

static size_t blob_write(char *data, size_t sz, size_t nm, void *ud)
{
	struct job *j = ud;
	size_t n = sz * nm;
	if (j->rs.code != 200 && j->rs.code != 206) {
		/* An error document: keep a little of it for the message. */
		body_cb(data, sz, nm, &j->rs);
		return n;
	}
	if (j->have == j->requested_from && j->requested_from > 0) {
		/* First bytes of a resumed transfer: only a 206 starting where we stopped continues it. */
		if (j->rs.code == 200)
			job_restart(j);
		else if (j->rs.range_start != (long long)j->requested_from) {
			j->bad_range = true;
			return 0;
		}
	}
	if (j->have + n > (uint64_t)j->d->size) {
		j->too_big = true;
		return 0; /* more bytes than the descriptor says: abort now, never trust Content-Length */
	}
	if (j->wlen + n > BLOB_BUFFER_SIZE && job_flush(j) < 0)
		return 0;
	if (n >= BLOB_BUFFER_SIZE) {
		if (hull_write_all(j->fd, data, n) < 0)
			return 0;
	} else {
		memcpy(j->wbuf + j->wlen, data, n);
		j->wlen += n;
	}
	EVP_DigestUpdate(j->md, data, n);
	j->have += n;
	hl_progress_update(j->pg, j->idx, j->d->digest, j->have, (uint64_t)j->d->size);
	return n;
}

static void job_start(struct job *j, CURLM *m)
{
	_cleanup_free_ char *url = xasprintf("%s/v2/%s/blobs/%s", j->r->base, j->r->repo, j->d->digest);
	j->e = curl_easy_init();
	setup_easy(j->r, j->e, url);
	if (j->wbuf == NULL) /* only while transferring: a pull of many layers needs few at once */
		j->wbuf = xmalloc(BLOB_BUFFER_SIZE);
	j->requested_from = j->have;
	j->rs.code = 0;
	j->rs.len = 0;
	j->rs.max = MAX_ERROR_BODY;
	j->rs.overflow = false;
	j->hdrs = request_headers(j->r, false, (long long)j->have);
	curl_easy_setopt(j->e, CURLOPT_HTTPHEADER, j->hdrs);
	curl_easy_setopt(j->e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(j->e, CURLOPT_HEADERDATA, &j->rs);
	curl_easy_setopt(j->e, CURLOPT_WRITEFUNCTION, blob_write);
	curl_easy_setopt(j->e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(j->e, CURLOPT_PRIVATE, j);
	/* 16 KiB by default: bigger chunks mean ~30x fewer recv/write calls and hash updates. */
	curl_easy_setopt(j->e, CURLOPT_BUFFERSIZE, BLOB_BUFFER_SIZE);
	curl_multi_add_handle(m, j->e);
	j->active = true;
}

static void job_stop(struct job *j, CURLM *m)
{
	if (!j->active)
		return;
	curl_multi_remove_handle(m, j->e);
	curl_easy_cleanup(j->e);
	curl_slist_free_all(j->hdrs);
	j->e = NULL;
	j->hdrs = NULL;
	j->active = false;
}

/* Verify and commit a complete download. */
static int job_finish(struct job *j, struct hull_error *err)
{
	unsigned char md[32];
	unsigned int mdlen;
	EVP_DigestFinal_ex(j->md, md, &mdlen);
	char got[72] = "sha256:";
	for (int i = 0; i < 32; i++)
		sprintf(got + 7 + 2 * i, "%02x", md[i]);
	if (strcmp(got, j->d->digest) != 0)
		return hull_fail(err, EINVAL, "blob %s: digest mismatch (content hashes to %s); not stored", j->d->digest, got);
	/* The fd is done with; fsync and rename happen on the committer thread meanwhile. Starting
	 * the writeback now (asynchronous) leaves that fsync little to wait for. */
	sync_file_range(j->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	close(j->fd);
	j->fd = -1;
	free(j->wbuf);
	j->wbuf = NULL;
	hl_committer_push(j->cm, steal_pointer(&j->tmp), j->d->digest);
	j->done = true;
	hl_progress_done(j->pg, j->idx, j->d->digest, j->have, "done");
	return 0;
}

/* After a transfer ends: 1 = retry later, 0 = finished, <0 = fatal. */
static int job_result(struct job *j, CURLcode cc, const struct hl_store *s, struct hull_error *err)
{
	const char *dg = j->d->digest;
	show_warning(j->r, &j->rs);
	int wr = job_flush(j);
	if (wr < 0)
		return hull_fail(err, -wr, "write %s", j->tmp);
	if (j->too_big)
		return hull_fail(err, EFBIG, "blob %s: server sent more than the %lld bytes in the descriptor", dg, (long long)j->d->size);
	if (j->bad_range) {
		job_restart(j); /* a 206 for the wrong range: start from scratch */
		j->bad_range = false;
	}
	bool ok_code = j->rs.code == 200 || j->rs.code == 206;
	if (cc == CURLE_OK && ok_code && j->have == (uint64_t)j->d->size)
		return job_finish(j, err) < 0 ? -1 : 0;
	if (cc == CURLE_OK && j->rs.code == 401 && !j->reauthed) {
		j->reauthed = true;
		return authenticate(j->r, j->rs.www_auth, err) < 0 ? -1 : 1;
	}
	bool transient = cc != CURLE_OK || ok_code || j->rs.code >= 500 || j->rs.code == 429 || j->rs.code == 416;
	if (j->rs.code == 416)
		job_restart(j);
	if (!transient) {
		char etext[512];
		error_text(&j->rs, etext, sizeof(etext));
		return hull_fail(err, j->rs.code == 401 || j->rs.code == 403 ? EACCES : EIO, "blob %s: %s", dg, etext);
	}
	if (++j->attempts >= MAX_ATTEMPTS)
		return hull_fail(err, EIO, "blob %s: giving up after %d attempts (%s)", dg, j->attempts,
				 cc != CURLE_OK ? curl_easy_strerror(cc) : "truncated or server error");
	hull_debug("blob %s: attempt %d failed at %llu bytes, resuming", dg, j->attempts, (unsigned long long)j->have);
	j->not_before = now_s() + (j->rs.retry_after > 0 ? (j->rs.retry_after < 30 ? j->rs.retry_after : 30)
							    : backoff_s(j->attempts));
	return 1;
}

static void jobs_free(struct job *jobs, size_t n, CURLM *m)
{
	for (size_t i = 0; i < n; i++) {
		job_stop(&jobs[i], m);
		if (jobs[i].tmp)
			unlink(jobs[i].tmp);
		free(jobs[i].tmp);
		if (jobs[i].fd >= 0)
			close(jobs[i].fd);
		EVP_MD_CTX_free(jobs[i].md);
		free(jobs[i].wbuf);
		resp_clear(&jobs[i].rs);
	}
	free(jobs);
}

static bool blob_present(const struct hl_store *s, const struct hl_descriptor *d)
{
	_cleanup_free_ char *p = hl_store_blob_path(s, d->digest);
	struct stat st;
	return p && stat(p, &st) == 0 && st.st_size == d->size;
}

/* Run the transfers: at most r->parallel at a time, failed ones rescheduled after a backoff. */
static int run_jobs(struct hl_registry *r, const struct hl_store *s, struct job *jobs, size_t n, CURLM *m,
		    struct hull_error *err)
{
	size_t left = n;
	for (size_t i = 0; i < n; i++)
		if (jobs[i].done)
			left--;
	while (left > 0) {
		int active = 0;
		for (size_t i = 0; i < n; i++)
			active += jobs[i].active;
		double t = now_s();
		for (size_t i = 0; i < n && active < r->parallel; i++)
			if (!jobs[i].active && !jobs[i].done && jobs[i].not_before <= t) {
				job_start(&jobs[i], m);
				active++;
			}
		int running, finished = 0;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int q;
		while ((msg = curl_multi_info_read(m, &q)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct job *j;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
			CURLcode cc = msg->data.result;
			job_stop(j, m);
			int res = job_result(j, cc, s, err);
			if (res < 0)
				return -1;
			if (res == 0)
				left--;
			finished++;
		}
		if (finished > 0)
			continue; /* slots freed: start the next transfers before waiting */
		/* curl's own timers (e.g. after a header block) must bound the wait, or transfers stall. */
		long to = 100;
		curl_multi_timeout(m, &to);
		if (to < 0 || to > 100)
			to = 100;
		if (to > 0)
			curl_multi_poll(m, NULL, 0, (int)to, NULL);
	}
	return 0;
}

int hl_registry_fetch_blobs(struct hl_registry *r, const struct hl_store *s, const struct hl_descriptor *d, size_t n,
			    struct hl_progress *pg, struct hull_error *err)
{
	struct job *jobs = xcalloc(n + 1, sizeof(*jobs));
	struct hl_committer *cm = hl_committer_start(s);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)r->parallel);
	int ret = 0;
	for (size_t i = 0; i < n && ret == 0; i++) {
		struct job *j = &jobs[i];
		j->fd = -1;
		j->r = r;
		j->d = &d[i];
		j->idx = i;
		j->pg = pg;
		j->cm = cm;
		bool dup = false;
		for (size_t k = 0; k < i; k++)
			dup |= strcmp(d[k].digest, d[i].digest) == 0;
		if (dup || blob_present(s, &d[i])) {
			j->done = true;
			if (!dup)
				hl_progress_done(pg, i, d[i].digest, (uint64_t)d[i].size, "already present");
			continue;
		}
		ret = hl_store_ingest_open(s, d[i].digest, &j->tmp, &j->fd, err);
		j->md = EVP_MD_CTX_new();
		EVP_DigestInit_ex(j->md, EVP_sha256(), NULL);
	}
	if (ret == 0)
		ret = run_jobs(r, s, jobs, n, m, err);
	jobs_free(jobs, n, m);
	curl_multi_cleanup(m);
	/* Verified blobs are committed even when another one failed: prune collects them. */
	struct hull_error cerr = { 0 };
	if (hl_committer_finish(cm, &cerr) < 0 && ret == 0)
		ret = hull_fail_plain(err, cerr.errnum, "%s", cerr.msg);
	hull_error_clear(&cerr);
	return ret;
}
