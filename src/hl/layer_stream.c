/* layer_stream.c - a stored layer blob as an uncompressed tar stream: gzip (every member),
 * zstd or plain, decompressed here so the blob digest and the diff_id are both computed
 * in the single pass that also feeds the tar reader.
 *
 * Reading, decompressing and both sha256 run in a producer thread that fills a small ring
 * of buffers while the caller's thread (the tar applier, mostly in file-creating syscalls)
 * consumes them, so on two cores the decompression costs no wall time (the applier is the
 * longer half: -25% for a 5-layer image). Without a thread (pthread_create failed) the
 * consumer decodes into the ring itself. */
#include "unpack.h"
#include "common/util.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>
#include <zstd.h>

#define IN_SIZE (256u << 10)
#define SLOT_SIZE (256u << 10)
#define N_SLOTS 8 /* 2 MiB in flight: memory stays bounded whatever the layer expands to */

enum kind { PLAIN, GZIP, ZSTD };

struct slot {
	unsigned char *buf;
	size_t len;
};

struct hl_layer_stream {
	/* producer side */
	int fd;
	enum kind kind;
	z_stream z;
	bool z_init, z_member_done;
	ZSTD_DStream *zs;
	size_t zs_last; /* last ZSTD_decompressStream result: 0 at a frame boundary */
	unsigned char *in;
	size_t in_len, in_pos;
	bool in_eof;
	EVP_MD_CTX *cdig, *udig;
	uint64_t total;
	/* the ring: slots [taken, filled) are full; the consumer holds slot taken-1 until its
	 * next read (libarchive keeps using the last buffer until then) */
	struct slot slot[N_SLOTS];
	size_t filled, taken;
	bool done;              /* the producer stopped: at the end or with perr */
	struct hull_error perr; /* its error, reported after the data before it */
	bool cancel;            /* the consumer gives up: producer exits */
	bool prod_waiting, cons_waiting;
	bool threaded, eof;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
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

/* gzip: a stream may hold several members back to back (pigz, concatenated gzips). */
static ssize_t read_gzip(struct hl_layer_stream *s, unsigned char *out, struct hull_error *err)
{
	s->z.next_out = out;
	s->z.avail_out = SLOT_SIZE;
	while (s->z.avail_out > 0) {
		if (fill(s, err) < 0)
			return -1;
		if (s->in_pos == s->in_len) {
			if (!s->z_member_done)
				return hull_fail(err, EIO, "layer blob: gzip stream truncated");
			break;
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
	return (ssize_t)(SLOT_SIZE - s->z.avail_out);
}

static ssize_t read_zstd(struct hl_layer_stream *s, unsigned char *out, struct hull_error *err)
{
	ZSTD_outBuffer ob = { out, SLOT_SIZE, 0 };
	while (ob.pos < ob.size) {
		if (fill(s, err) < 0)
			return -1;
		if (s->in_pos == s->in_len) {
			if (s->zs_last != 0)
				return hull_fail(err, EIO, "layer blob: zstd stream truncated");
			break;
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

static ssize_t read_plain(struct hl_layer_stream *s, unsigned char *out, struct hull_error *err)
{
	size_t n = 0;
	while (n < SLOT_SIZE) {
		if (fill(s, err) < 0)
			return -1;
		size_t k = s->in_len - s->in_pos;
		if (k == 0)
			break;
		if (k > SLOT_SIZE - n)
			k = SLOT_SIZE - n;
		memcpy(out + n, s->in + s->in_pos, k);
		s->in_pos += k;
		n += k;
	}
	return (ssize_t)n;
}

/* Decode the next chunk of the tar (up to SLOT_SIZE bytes, 0 at the end) into out. */
static ssize_t decode(struct hl_layer_stream *s, unsigned char *out, struct hull_error *err)
{
	ssize_t n = s->kind == GZIP ? read_gzip(s, out, err)
		    : s->kind == ZSTD ? read_zstd(s, out, err)
				      : read_plain(s, out, err);
	if (n > 0) {
		EVP_DigestUpdate(s->udig, out, (size_t)n);
		s->total += (uint64_t)n;
	}
	return n;
}

/* Slots in use: the ready ones and the one the consumer holds. */
static size_t occupied(const struct hl_layer_stream *s)
{
	return s->filled - s->taken + 1;
}

static void *producer(void *arg)
{
	struct hl_layer_stream *s = arg;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		if (occupied(s) >= N_SLOTS) {
			/* Full: sleep until half of it is drained (one wakeup per N_SLOTS/2 chunks
			 * rather than one per chunk; half a ring is still buffered for the consumer). */
			s->prod_waiting = true;
			while (!s->cancel && occupied(s) > N_SLOTS / 2)
				pthread_cond_wait(&s->cv, &s->mu);
			s->prod_waiting = false;
		}
		if (s->cancel)
			break;
		struct slot *sl = &s->slot[s->filled % N_SLOTS];
		pthread_mutex_unlock(&s->mu);
		struct hull_error e = { 0 };
		ssize_t n = decode(s, sl->buf, &e);
		pthread_mutex_lock(&s->mu);
		if (n <= 0) {
			s->perr = e;
			s->done = true;
			pthread_cond_broadcast(&s->cv);
			break;
		}
		sl->len = (size_t)n;
		s->filled++;
		if (s->cons_waiting)
			pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

int hl_layer_stream_open(int fd, const char *media_type, struct hl_layer_stream **out, struct hull_error *err)
{
	struct hl_layer_stream *s = xzalloc(sizeof(*s));
	s->fd = fd;
	s->in = xmalloc(IN_SIZE);
	for (int i = 0; i < N_SLOTS; i++)
		s->slot[i].buf = xmalloc(SLOT_SIZE);
	s->cdig = EVP_MD_CTX_new();
	s->udig = EVP_MD_CTX_new();
	EVP_DigestInit_ex(s->cdig, EVP_sha256(), NULL);
	EVP_DigestInit_ex(s->udig, EVP_sha256(), NULL);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
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
	s->threaded = pthread_create(&s->thread, NULL, producer, s) == 0;
	*out = s;
	return 0;
}

/* Without the thread: decode the next chunk here, into the slot the producer would use. */
static void produce_inline(struct hl_layer_stream *s)
{
	struct slot *sl = &s->slot[s->filled % N_SLOTS];
	ssize_t n = decode(s, sl->buf, &s->perr);
	if (n <= 0) {
		s->done = true;
		return;
	}
	sl->len = (size_t)n;
	s->filled++;
}

ssize_t hl_layer_stream_read(struct hl_layer_stream *s, const void **buf, struct hull_error *err)
{
	if (s->eof)
		return 0;
	pthread_mutex_lock(&s->mu);
	while (s->filled == s->taken && !s->done) {
		if (s->threaded) {
			s->cons_waiting = true;
			pthread_cond_wait(&s->cv, &s->mu);
			s->cons_waiting = false;
		} else {
			produce_inline(s);
		}
	}
	ssize_t n = 0;
	if (s->filled > s->taken) {
		struct slot *sl = &s->slot[s->taken % N_SLOTS];
		s->taken++; /* and the slot held since the last read is free again */
		if (s->prod_waiting && occupied(s) <= N_SLOTS / 2)
			pthread_cond_broadcast(&s->cv);
		*buf = sl->buf;
		n = (ssize_t)sl->len;
	} else if (s->perr.msg) {
		hull_fail_plain(err, s->perr.errnum, "%s", s->perr.msg);
		n = -1;
	} else {
		s->eof = true;
	}
	pthread_mutex_unlock(&s->mu);
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

static void stop_producer(struct hl_layer_stream *s)
{
	if (!s->threaded)
		return;
	pthread_mutex_lock(&s->mu);
	s->cancel = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	s->threaded = false;
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
	stop_producer(s); /* it has finished: the digests are complete */
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

/* The consumer has had every byte of the stream (the next read returns 0). */
bool hl_layer_stream_at_eof(const struct hl_layer_stream *s)
{
	struct hl_layer_stream *m = (struct hl_layer_stream *)s;
	pthread_mutex_lock(&m->mu);
	bool r = s->eof || (s->done && s->perr.msg == NULL && s->filled == s->taken);
	pthread_mutex_unlock(&m->mu);
	return r;
}

uint64_t hl_layer_stream_bytes(const struct hl_layer_stream *s)
{
	struct hl_layer_stream *m = (struct hl_layer_stream *)s;
	pthread_mutex_lock(&m->mu);
	uint64_t r = s->total;
	pthread_mutex_unlock(&m->mu);
	return r;
}

void hl_layer_stream_free(struct hl_layer_stream *s)
{
	if (s == NULL)
		return;
	stop_producer(s);
	if (s->z_init)
		inflateEnd(&s->z);
	if (s->zs)
		ZSTD_freeDStream(s->zs);
	EVP_MD_CTX_free(s->cdig);
	EVP_MD_CTX_free(s->udig);
	hull_error_clear(&s->perr);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->in);
	for (int i = 0; i < N_SLOTS; i++)
		free(s->slot[i].buf);
	free(s);
}
