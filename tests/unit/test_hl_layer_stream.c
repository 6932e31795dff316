/* test_hl_layer_stream.c - unit tests of the layer stream (src/hl/layer_stream.c): the
 * decompressing, hashing producer thread and its ring of buffers: every byte arrives in
 * order for gzip (2 members), zstd and plain blobs larger than the ring, both digests are
 * checked, truncated input is an error after the data before it, and a consumer that
 * stops early frees the stream while the producer waits on a full ring. */
#include "hl/unpack.h"

#include "runner.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#define RAW_SIZE (5u << 20) /* more than the ring holds */

static unsigned char *raw_data(void)
{
	unsigned char *b = malloc(RAW_SIZE);
	uint32_t x = 12345;
	for (size_t i = 0; i < RAW_SIZE; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (i / 4096) % 3 == 0 ? (unsigned char)(x >> 24) : (unsigned char)('a' + i % 7);
	}
	return b;
}

static size_t gzip_member(const unsigned char *in, size_t n, unsigned char *out, size_t cap)
{
	z_stream z = { 0 };
	ck_assert_int_eq(deflateInit2(&z, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t len = cap - z.avail_out;
	deflateEnd(&z);
	return len;
}

/* A blob in a memfd: gzip (two members), zstd or the raw bytes. */
static int blob_fd(const char *kind, const unsigned char *raw, size_t cut, char **digest)
{
	size_t cap = RAW_SIZE * 2 + 4096, len;
	unsigned char *c = malloc(cap);
	if (strcmp(kind, "gzip") == 0) {
		len = gzip_member(raw, RAW_SIZE / 2, c, cap);
		len += gzip_member(raw + RAW_SIZE / 2, RAW_SIZE - RAW_SIZE / 2, c + len, cap - len);
	} else if (strcmp(kind, "zstd") == 0) {
		len = ZSTD_compress(c, cap, raw, RAW_SIZE, 1);
		ck_assert(!ZSTD_isError(len));
	} else {
		memcpy(c, raw, RAW_SIZE);
		len = RAW_SIZE;
	}
	if (cut)
		len = cut;
	*digest = hl_sha256_digest((const char *)c, len);
	int fd = memfd_create("blob", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, c, len), (ssize_t)len);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	free(c);
	return fd;
}

static void roundtrip(const char *kind, const char *media_type)
{
	unsigned char *raw = raw_data();
	char *bd;
	int fd = blob_fd(kind, raw, 0, &bd);
	char *diff_id = hl_sha256_digest((const char *)raw, RAW_SIZE);
	struct hl_layer_stream *s = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_layer_stream_open(fd, media_type, &s, &err), 0);
	size_t off = 0;
	const void *buf;
	ssize_t n;
	/* Read half, then let finish() read the rest: both paths count for the digests. */
	while (off < RAW_SIZE / 2 && (n = hl_layer_stream_read(s, &buf, &err)) > 0) {
		ck_assert_uint_le(off + (size_t)n, RAW_SIZE);
		ck_assert_msg(memcmp(raw + off, buf, (size_t)n) == 0, "%s: bytes differ at %zu", kind, off);
		off += (size_t)n;
	}
	ck_assert_uint_ge(off, RAW_SIZE / 2);
	ck_assert_int_eq(hl_layer_stream_finish(s, bd, diff_id, &err), 0);
	ck_assert(hl_layer_stream_at_eof(s));
	ck_assert_uint_eq(hl_layer_stream_bytes(s), RAW_SIZE);
	hl_layer_stream_free(s);
	/* The same blob with a wrong diff_id: refused by finish. */
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(hl_layer_stream_open(fd, media_type, &s, &err), 0);
	char *wrong = hl_sha256_digest("x", 1);
	ck_assert_int_lt(hl_layer_stream_finish(s, bd, wrong, &err), 0);
	free(wrong);
	ck_assert_msg(err.msg && strstr(err.msg, "diff_id mismatch"), "%s", err.msg);
	hull_error_clear(&err);
	hl_layer_stream_free(s);
	close(fd);
	free(raw);
	free(bd);
	free(diff_id);
}

START_TEST(test_gzip_two_members)
{
	roundtrip("gzip", "application/vnd.oci.image.layer.v1.tar+gzip");
}
END_TEST

START_TEST(test_zstd)
{
	roundtrip("zstd", "application/vnd.oci.image.layer.v1.tar+zstd");
}
END_TEST

START_TEST(test_plain_and_sniffed)
{
	roundtrip("plain", "application/vnd.oci.image.layer.v1.tar");
	roundtrip("gzip", NULL); /* an imported bare blob: the magic bytes decide */
}
END_TEST

START_TEST(test_truncated_gzip)
{
	unsigned char *raw = raw_data();
	char *bd;
	int fd = blob_fd("gzip", raw, 4096, &bd);
	struct hl_layer_stream *s = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_layer_stream_open(fd, "application/vnd.oci.image.layer.v1.tar+gzip", &s, &err), 0);
	const void *buf;
	ssize_t n;
	size_t off = 0;
	while ((n = hl_layer_stream_read(s, &buf, &err)) > 0) {
		ck_assert(memcmp(raw + off, buf, (size_t)n) == 0);
		off += (size_t)n;
	}
	ck_assert_int_eq(n, -1);
	ck_assert_msg(err.msg && strstr(err.msg, "gzip stream truncated"), "%s", err.msg);
	ck_assert(!hl_layer_stream_at_eof(s));
	hull_error_clear(&err);
	hl_layer_stream_free(s);
	close(fd);
	free(raw);
	free(bd);
}
END_TEST

START_TEST(test_early_free)
{
	unsigned char *raw = raw_data();
	char *bd;
	int fd = blob_fd("plain", raw, 0, &bd);
	struct hl_layer_stream *s = NULL;
	struct hull_error err = { 0 };
	ck_assert_int_eq(hl_layer_stream_open(fd, "application/vnd.oci.image.layer.v1.tar", &s, &err), 0);
	const void *buf;
	ck_assert_int_gt(hl_layer_stream_read(s, &buf, &err), 0);
	usleep(20000); /* the producer fills the ring and waits */
	hl_layer_stream_free(s); /* must not hang */
	close(fd);
	free(raw);
	free(bd);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("hl_layer_stream");
	TCase *tc = tcase_create("stream");
	tcase_add_test(tc, test_gzip_two_members);
	tcase_add_test(tc, test_zstd);
	tcase_add_test(tc, test_plain_and_sniffed);
	tcase_add_test(tc, test_truncated_gzip);
	tcase_add_test(tc, test_early_free);
	suite_add_tcase(s, tc);
	return s;
}
