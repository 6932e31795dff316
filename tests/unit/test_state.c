/* test_state.c - unit tests of the state directory (state.c): the crash record create
 * writes before its first side effect, and how load/status read it. */
#include "libhull/container/state.h"
#include "common/proc.h"
#include "common/util.h"

#include "runner.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[64];

static void setup(void)
{
	strcpy(root, "/tmp/hull-test-state.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown(void)
{
	struct hull_error e = { 0 };
	hull_state_remove_dir("/tmp", root + 5, &e);
	hull_error_clear(&e);
}

static struct hull_global_opts opts(void)
{
	struct hull_global_opts g = { .root = root, .cgroup_manager = HULL_CGROUP_MANAGER_DISABLED };
	return g;
}

/* A dir made by hull_state_create_dir, with state.json written from c (if given). */
static void make_record(const char *id, struct hull_container *c, int *lockfd)
{
	struct hull_error e = { 0 };
	int fd;
	ck_assert_int_eq(hull_state_create_dir(root, id, &fd, &e), 0);
	if (c) {
		c->id = (char *)id;
		c->dir = xasprintf("%s/%s", root, id);
		ck_assert_int_eq(hull_container_save(c, &e), 0);
		free(c->dir);
	}
	if (lockfd)
		*lockfd = fd;
	else
		close(fd);
}

static pid_t dead_pid(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	return p;
}

START_TEST(test_stub_dir_is_a_crash_record)
{
	/* Killed right after mkdir: no state.json. Locked = still at work; else stopped. */
	struct hull_global_opts g = opts();
	struct hull_error e = { 0 };
	int lockfd;
	make_record("stub", NULL, &lockfd);
	struct hull_container *c = NULL;
	ck_assert_int_eq(hull_container_load(&g, "stub", &c, &e), 0);
	ck_assert_str_eq(hull_status_name(c->status), "creating");
	hull_container_free(c);
	close(lockfd);
	ck_assert_int_eq(hull_container_load(&g, "stub", &c, &e), 0);
	ck_assert_str_eq(hull_status_name(c->status), "stopped");
	ck_assert_int_eq(c->pid, 0);
	ck_assert_str_eq(c->bundle, "");
	hull_container_free(c);
}
END_TEST

START_TEST(test_creating_record_follows_its_creator)
{
	struct hull_global_opts g = opts();
	struct hull_error e = { 0 };
	struct hull_container rec = { .bundle = "/b", .rootfs = "/b/rootfs", .created = "now", .cgroup_path = "/x/y",
				      .creating = true, .creator_pid = getpid() };
	rec.creator_start = hull_pid_start_time(getpid());
	make_record("live", &rec, NULL);
	rec.creator_pid = dead_pid();
	rec.creator_start = 0;
	make_record("dead", &rec, NULL);
	struct hull_container *c = NULL;
	ck_assert_int_eq(hull_container_load(&g, "live", &c, &e), 0);
	ck_assert_str_eq(hull_status_name(c->status), "creating");
	ck_assert_str_eq(c->cgroup_path, "/x/y");
	hull_container_free(c);
	ck_assert_int_eq(hull_container_load(&g, "dead", &c, &e), 0);
	ck_assert_str_eq(hull_status_name(c->status), "stopped");
	ck_assert_str_eq(c->cgroup_path, "/x/y"); /* delete -f removes what it names */
	hull_container_free(c);
}
END_TEST

START_TEST(test_committed_meanwhile_is_not_stale)
{
	/* Loaded while creating; the creator then committed and exited: status re-reads. */
	struct hull_global_opts g = opts();
	struct hull_error e = { 0 };
	struct hull_container rec = { .bundle = "/b", .rootfs = "/b/rootfs", .created = "now",
				      .creating = true, .creator_pid = getpid() };
	rec.creator_start = hull_pid_start_time(getpid());
	make_record("c", &rec, NULL);
	struct hull_container *c = NULL;
	ck_assert_int_eq(hull_container_load(&g, "c", &c, &e), 0);
	ck_assert_str_eq(hull_status_name(c->status), "creating");
	/* commit: the init is this test process itself (alive), with a fifo: "created" */
	rec.creating = false;
	rec.pid = getpid();
	rec.start_time = hull_pid_start_time(getpid());
	rec.id = "c";
	rec.dir = c->dir;
	ck_assert_int_eq(hull_container_save(&rec, &e), 0);
	ck_assert_int_eq(mkfifoat(c->dirfd, HULL_STATE_FIFO, 0600), 0);
	c->creator_pid = dead_pid(); /* as if the creator had exited */
	ck_assert_str_eq(hull_status_name(hull_container_status(c)), "created");
	ck_assert_int_eq(c->pid, getpid());
	hull_container_free(c);
}
END_TEST

START_TEST(test_corrupt_state_names_the_file)
{
	struct hull_global_opts g = opts();
	struct hull_error e = { 0 };
	make_record("bad", NULL, NULL);
	_cleanup_free_ char *path = xasprintf("%s/bad/%s", root, HULL_STATE_FILE);
	ck_assert_int_eq(hull_write_file_atomic(path, "{\"bundle\": \"/b\", \"pi", 19, 0600), 0);
	struct hull_container *c = NULL;
	ck_assert_int_lt(hull_container_load(&g, "bad", &c, &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, path));
	hull_error_clear(&e);
	ck_assert_int_lt(hull_container_load(&g, "missing", &c, &e), 0);
	ck_assert_int_eq(e.errnum, ENOENT);
	ck_assert_str_eq(e.msg, "container does not exist");
	hull_error_clear(&e);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stub_dir_is_a_crash_record);
	tcase_add_test(tc, test_creating_record_follows_its_creator);
	tcase_add_test(tc, test_committed_meanwhile_is_not_stale);
	tcase_add_test(tc, test_corrupt_state_names_the_file);
	suite_add_tcase(s, tc);
	return s;
}
