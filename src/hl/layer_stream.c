/* layer_stream.c - a stored layer blob as an uncompressed tar stream: gzip (every member),
 * zstd or plain, decompressed here so the blob digest and the diff_id are both computed
 * in the single pass that also feeds the tar reader. */
#include "unpack.h"
#include "../libhull/util.h"

#include <errno.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>
#include <zstd.h>

#define IN_SIZE (256u << 10)
#define OUT_SIZE (256u << 10)

enum kind { PLAIN, GZIP, ZSTD };

struct hl_layer_stream {
	int fd;
	enum kind kind;
	z_stream z;
	bool z_init, z_member_done;
	ZSTD_DStream *zs;
	size_t zs_last; /* last ZSTD_decompressStream result: 0 at a frame boundary */
	unsigned char *in, *out;
	size_t in_len, in_pos;
	bool in_eof, eof;
	EVP_MD_CTX *cdig, *udig;
	uint64_t total;
};

static enum kind kind_of(const char *mt, const unsigned char *magic, size_t n)
{
	if (mt && (strstr(mt, "zstd")))
		return ZSTD;
	if (mt && (strstr(mt, "gzip")))
		return GZIP;
	if (mt && strlen(mt) > 4 && strcmp(mt + strlen(mt) - 4, ".tar") == 0)
		return PLAIN;
	/* Unknown type (an imported bare tar): trust the magic bytes. */
	if (n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b)
		return GZIP;
	if (n >= 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd)
		return ZSTD;
	return PLAIN;
}

/* Refill the compressed input buffer; updates the blob digest. */
static int fill(struct hl_layer_stream *s, struct hull_error *err)
{
	if (s->in_pos < s->in_len || s->in_eof)
		return 0;
	ssize_t n;
	do
		n = read(s->fd, s->in, IN_SIZE);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return hull_fail(err, errno, "read layer blob");
	s->in_len = (size_t)n;
	s->in_pos = 0;
	if (n == 0)
		s->in_eof = true;
	else
		EVP_DigestUpdate(s->cdig, s->in, (size_t)n);
	return 0;
}

int hl_layer_stream_open(int fd, const char *media_type, struct hl_layer_stream **out, struct hull_error *err)
{
	struct hl_layer_stream *s = xzalloc(sizeof(*s));
	s->fd = fd;
	s->in = xmalloc(IN_SIZE);
	s->out = xmalloc(OUT_SIZE);
	s->cdig = EVP_MD_CTX_new();
	s->udig = EVP_MD_CTX_new();
	EVP_DigestInit_ex(s->cdig, EVP_sha256(), NULL);
	EVP_DigestInit_ex(s->udig, EVP_sha256(), NULL);
	if (fill(s, err) < 0) {
		hl_layer_stream_free(s);
		return -1;
	}
	s->kind = kind_of(media_type, s->in, s->in_len);
	if (s->kind == GZIP) {
		if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) {
			hl_layer_stream_free(s);
			return hull_fail(err, ENOMEM, "zlib init");
		}
		s->z_init = true;
	} else if (s->kind == ZSTD) {
		s->zs = ZSTD_createDStream();
		if (s->zs == NULL || ZSTD_isError(ZSTD_initDStream(s->zs))) {
			hl_layer_stream_free(s);
			return hull_fail(err, ENOMEM, "zstd init");
		}
	}
	*out = s;
	return 0;
}

/* gzip: a stream may hold several members back to back (pigz, concatenated gzips). */
static ssize_t read_gzip(struct hl_layer_stream *s, struct hull_error *err)
{
	s->z.next_out = s->out;
	s->z.avail_out = OUT_SIZE;
	while (s->z.avail_out == OUT_SIZE) {
		if (fill(s, err) < 0)
			return -1;
		if (s->in_pos == s->in_len) {
			if (!s->z_member_done)
				return hull_fail(err, EIO, "layer blob: gzip stream truncated");
			return 0;
		}
		if (s->z_member_done) {
			inflateReset(&s->z);
			s->z_member_done = false;
		}
		s->z.next_in = s->in + s->in_pos;
		s->z.avail_in = (uInt)(s->in_len - s->in_pos);
		int r = inflate(&s->z, Z_NO_FLUSH);
		s->in_pos = s->in_len - s->z.avail_in;
		if (r == Z_STREAM_END)
			s->z_member_done = true;
		else if (r != Z_OK && r != Z_BUF_ERROR)
			return hull_fail(err, EIO, "layer blob: gzip: %s", s->z.msg ? s->z.msg : "corrupt data");
	}
	return (ssize_t)(OUT_SIZE - s->z.avail_out);
}

static ssize_t read_zstd(struct hl_layer_stream *s, struct hull_error *err)
{
	ZSTD_outBuffer ob = { s->out, OUT_SIZE, 0 };
	while (ob.pos == 0) {
		if (fill(s, err) < 0)
			return -1;
		if (s->in_pos == s->in_len) {
			if (s->zs_last != 0)
				return hull_fail(err, EIO, "layer blob: zstd stream truncated");
			return 0;
		}
		ZSTD_inBuffer ib = { s->in, s->in_len, s->in_pos };
		size_t r = ZSTD_decompressStream(s->zs, &ob, &ib);
		if (ZSTD_isError(r))
			return hull_fail(err, EIO, "layer blob: zstd: %s", ZSTD_getErrorName(r));
		s->in_pos = ib.pos;
		s->zs_last = r;
	}
	return (ssize_t)ob.pos;
}

ssize_t hl_layer_stream_read(struct hl_layer_stream *s, const void **buf, struct hull_error *err)
{
	if (s->eof)
		return 0;
	ssize_t n;
	if (s->kind == GZIP) {
		n = read_gzip(s, err);
	} else if (s->kind == ZSTD) {
		n = read_zstd(s, err);
	} else {
		if (fill(s, err) < 0)
			return -1;
		n = (ssize_t)(s->in_len - s->in_pos);
		memcpy(s->out, s->in + s->in_pos, (size_t)n);
		s->in_pos = s->in_len;
	}
	if (n < 0)
		return -1;
	if (n == 0) {
		s->eof = true;
		return 0;
	}
	EVP_DigestUpdate(s->udig, s->out, (size_t)n);
	s->total += (uint64_t)n;
	*buf = s->out;
	return n;
}

static void hex_digest(EVP_MD_CTX *c, char out[72])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_DigestFinal_ex(c, md, &len);
	memcpy(out, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
}

int hl_layer_stream_finish(struct hl_layer_stream *s, const char *blob_digest, const char *diff_id,
			   struct hull_error *err)
{
	const void *buf;
	ssize_t n;
	while ((n = hl_layer_stream_read(s, &buf, err)) > 0)
		;
	if (n < 0)
		return -1;
	char c[72], u[72];
	hex_digest(s->cdig, c);
	hex_digest(s->udig, u);
	if (blob_digest && strcmp(c, blob_digest) != 0)
		return hull_fail(err, EBADMSG, "layer blob digest mismatch: want %s, got %s", blob_digest, c);
	if (diff_id && strcmp(u, diff_id) != 0)
		return hull_fail(err, EBADMSG, "layer %s: diff_id mismatch: config says %s, content is %s",
				 blob_digest ? blob_digest : "", diff_id, u);
	return 0;
}

bool hl_layer_stream_at_eof(const struct hl_layer_stream *s)
{
	return s->eof || (s->in_eof && s->in_pos == s->in_len && s->kind == PLAIN);
}

uint64_t hl_layer_stream_bytes(const struct hl_layer_stream *s)
{
	return s->total;
}

void hl_layer_stream_free(struct hl_layer_stream *s)
{
	if (s == NULL)
		return;
	if (s->z_init)
		inflateEnd(&s->z);
	if (s->zs)
		ZSTD_freeDStream(s->zs);
	EVP_MD_CTX_free(s->cdig);
	EVP_MD_CTX_free(s->udig);
	free(s->in);
	free(s->out);
	free(s);
}
