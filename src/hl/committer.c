/* committer.c - commits verified blobs (fsync + rename) on a worker thread, so the download loop
 * never stalls on the disk: one fsync per blob, one directory fsync per batch. */
#include "registry.h"
#include "common/util.h"

#include <errno.h>
#include <pthread.h>

struct item {
	char *tmp, *digest;
};

struct hl_committer {
	const struct hl_store *s;
	pthread_t th;
	bool threaded, closing;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct item *q;
	size_t head, n, cap;
	size_t committed;
	struct hull_error err; /* the first failure */
	bool failed;
};

static void commit_one(struct hl_committer *c, struct item *it)
{
	struct hull_error e = { 0 };
	int r = hl_store_ingest_commit_nodirsync(c->s, it->tmp, it->digest, &e);
	if (r < 0)
		unlink(it->tmp);
	pthread_mutex_lock(&c->mu);
	if (r < 0 && !c->failed) {
		c->failed = true;
		c->err = e;
	} else if (r < 0) {
		hull_error_clear(&e);
	} else {
		c->committed++;
	}
	pthread_mutex_unlock(&c->mu);
	free(it->tmp);
	free(it->digest);
}

static void *worker(void *arg)
{
	struct hl_committer *c = arg;
	for (;;) {
		pthread_mutex_lock(&c->mu);
		while (c->head == c->n && !c->closing)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->head == c->n) {
			pthread_mutex_unlock(&c->mu);
			return NULL;
		}
		struct item it = c->q[c->head++];
		pthread_mutex_unlock(&c->mu);
		commit_one(c, &it);
	}
}

struct hl_committer *hl_committer_start(const struct hl_store *s)
{
	struct hl_committer *c = xzalloc(sizeof(*c));
	c->s = s;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	/* Without a thread every commit simply happens inline. */
	c->threaded = pthread_create(&c->th, NULL, worker, c) == 0;
	return c;
}

void hl_committer_push(struct hl_committer *c, char *tmp, const char *digest)
{
	struct item it = { tmp, xstrdup(digest) };
	if (!c->threaded) {
		commit_one(c, &it);
		return;
	}
	pthread_mutex_lock(&c->mu);
	c->q = xgrow(c->q, &c->cap, c->n, sizeof(*c->q));
	c->q[c->n++] = it;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

int hl_committer_finish(struct hl_committer *c, struct hull_error *err)
{
	if (c->threaded) {
		pthread_mutex_lock(&c->mu);
		c->closing = true;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->th, NULL);
	}
	if (c->committed > 0)
		hl_store_sync_blobs(c->s);
	int r = 0;
	if (c->failed) {
		r = hull_fail_plain(err, c->err.errnum, "%s", c->err.msg ? c->err.msg : "commit failed");
		hull_error_clear(&c->err);
	}
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	free(c->q);
	free(c);
	return r;
}
