/* progress.c - pull progress: one updating line per layer on a TTY, plain lines otherwise, nothing when quiet. */
#include "registry.h"
#include "common/util.h"

#include <stdarg.h>
#include <time.h>

#define MAX_ROWS 64

struct hl_progress {
	bool quiet, tty;
	double start;
	size_t rows; /* lines printed in the TTY block */
	double last_draw;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct hl_progress *hl_progress_new(bool quiet)
{
	struct hl_progress *p = xzalloc(sizeof(*p));
	p->quiet = quiet;
	p->tty = !quiet && isatty(STDERR_FILENO);
	p->start = now_s();
	return p;
}

void hl_progress_free(struct hl_progress *p)
{
	free(p);
}

static void human(char *buf, size_t n, double v)
{
	const char *u[] = { "B", "KiB", "MiB", "GiB" };
	int i = 0;
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	snprintf(buf, n, "%.1f %s", v, u[i]);
}

void hl_progress_update(struct hl_progress *p, size_t idx, const char *digest, uint64_t done, uint64_t total)
{
	if (!p->tty)
		return;
	double t = now_s();
	if (t - p->last_draw < 0.1 && done < total)
		return; /* redraw at most ten times a second */
	p->last_draw = t;
	char a[32], b[32], rate[32];
	human(a, sizeof(a), (double)done);
	human(b, sizeof(b), (double)total);
	human(rate, sizeof(rate), done / (t - p->start > 0.001 ? t - p->start : 0.001));
	/* Each layer owns one row of the block: move up to it, redraw, move back down. */
	while (p->rows <= idx && p->rows < MAX_ROWS) {
		fputc('\n', stderr);
		p->rows++;
	}
	size_t up = p->rows - (idx < MAX_ROWS ? idx : MAX_ROWS - 1);
	fprintf(stderr, "\033[%zuA\r\033[K%.19s  %10s / %-10s  %s/s\033[%zuB\r", up, digest, a, b, rate, up);
	fflush(stderr);
}

void hl_progress_done(struct hl_progress *p, size_t idx, const char *digest, uint64_t total, const char *what)
{
	if (p->quiet)
		return;
	char b[32];
	human(b, sizeof(b), (double)total);
	if (p->tty) {
		while (p->rows <= idx && p->rows < MAX_ROWS) {
			fputc('\n', stderr);
			p->rows++;
		}
		size_t up = p->rows - (idx < MAX_ROWS ? idx : MAX_ROWS - 1);
		fprintf(stderr, "\033[%zuA\r\033[K%.19s  %s %s\033[%zuB\r", up, digest, what, b, up);
		fflush(stderr);
	} else {
		fprintf(stderr, "%s %s (%s)\n", digest, what, b);
	}
}

void hl_progress_line(struct hl_progress *p, const char *fmt, ...)
{
	if (p->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	p->rows = 0;
}
