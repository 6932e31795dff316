/* state.c - the state directory <root>/<id>/: creation, locking, state.json, status, listing. */
#define _GNU_SOURCE
#include "state.h"
#include "libhull/cgroup/cgroup.h"
#include "common/json.h"
#include "common/proc.h"
#include "common/passwd.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>

char *hull_default_root(void)
{
	/* runc: real root always uses /run/runc (podman runs `state` without --root). */
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() != 0 && xdg && *xdg)
		return xasprintf("%s/hull", xdg);
	return xstrdup("/run/hull");
}

int hull_state_validate_id(const char *id, struct hull_error *err)
{
	if (!id || !*id || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return hull_fail_plain(err, EINVAL, "invalid container ID format");
	for (const char *p = id; *p; p++) {
		char ch = *p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
			  ch == '_' || ch == '+' || ch == '.' || ch == '-';
		if (!ok)
			return hull_fail_plain(err, EINVAL, "invalid container ID format");
	}
	if (strlen(id) > 1024)
		return hull_fail_plain(err, EINVAL, "invalid container ID format");
	return 0;
}

/* mkdir -p: containerd passes --root /run/containerd/runc/<namespace> and expects the
 * runtime to create the missing parents, as runc's MkdirAll does. */
static int mkdir_all(const char *path, mode_t mode)
{
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	_cleanup_free_ char *parent = xstrdup(path);
	char *slash = strrchr(parent, '/');
	while (slash && slash > parent && slash[1] == '\0') { /* trailing slashes */
		*slash = '\0';
		slash = strrchr(parent, '/');
	}
	if (!slash || slash == parent)
		return -1;
	*slash = '\0';
	if (mkdir_all(parent, 0755) < 0)
		return -1;
	return mkdir(path, mode) == 0 || errno == EEXIST ? 0 : -1;
}

int hull_state_create_dir(const char *root, const char *id, int *dirfd, struct hull_error *err)
{
	*dirfd = -1;
	if (hull_state_validate_id(id, err) < 0)
		return -1;
	if (mkdir_all(root, 0700) < 0)
		return hull_fail(err, errno, "create state root %s", root);
	_cleanup_close_ int rootfd = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (rootfd < 0)
		return hull_fail(err, errno, "open state root %s", root);
	if (mkdirat(rootfd, id, 0711) < 0) {
		if (errno == EEXIST)
			return hull_fail_plain(err, EEXIST, "container with given ID already exists");
		return hull_fail(err, errno, "create state directory %s/%s", root, id);
	}
	int fd = openat(rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int e = errno;
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return hull_fail(err, e, "open state directory %s/%s", root, id);
	}
	/* The umask may have cut 0711; others need x to reach notify sockets inside. */
	fchmod(fd, 0711);
	/* Held until create finishes, so a concurrent delete/state waits rather than
	 * seeing a half-made container. */
	if (flock(fd, LOCK_EX) < 0) {
		int e = errno;
		close(fd);
		unlinkat(rootfd, id, AT_REMOVEDIR);
		return hull_fail(err, e, "lock state directory %s/%s", root, id);
	}
	*dirfd = fd;
	return 0;
}

/* rm -r of a directory's contents, relative to dirfd (the state dir holds files and
 * at most a notify/ subdirectory). */
static int remove_contents(int dirfd)
{
	int fd = dup(dirfd);
	if (fd < 0)
		return -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	int ret = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			ret = -1;
			continue;
		}
		_cleanup_close_ int sub = openat(dirfd, de->d_name, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (sub < 0 || remove_contents(sub) < 0 || unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0)
			ret = -1;
	}
	closedir(d);
	return ret;
}

int hull_state_remove_dir(const char *root, const char *id, struct hull_error *err)
{
	_cleanup_close_ int rootfd = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (rootfd < 0)
		return errno == ENOENT ? 0 : hull_fail(err, errno, "open state root %s", root);
	_cleanup_close_ int fd = openat(rootfd, id, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : hull_fail(err, errno, "open state directory %s/%s", root, id);
	/* state.json first: a reader that finds another file gone can then tell a delete
	 * in progress from a damaged directory (hull_container_load). */
	unlinkat(fd, HULL_STATE_FILE, 0);
	remove_contents(fd);
	if (unlinkat(rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return hull_fail(err, errno, "remove state directory %s/%s", root, id);
	return 0;
}

/* ---- state.json ----------------------------------------------------------------- */

static const char *manager_name(enum hull_cgroup_manager m)
{
	return m == HULL_CGROUP_MANAGER_SYSTEMD ? "systemd" : m == HULL_CGROUP_MANAGER_DISABLED ? "disabled" : "cgroupfs";
}

int hull_container_save(const struct hull_container *c, struct hull_error *err)
{
	yajl_gen gen = hull_jgen_new(NULL);
	yajl_gen_map_open(gen);
	hull_jgen_kstr(gen, "id", c->id);
	hull_jgen_kstr(gen, "bundle", c->bundle);
	hull_jgen_kstr(gen, "rootfs", c->rootfs);
	hull_jgen_kint(gen, "pid", c->pid);
	hull_jgen_kuint(gen, "start_time", c->start_time);
	hull_jgen_kstr(gen, "created", c->created);
	hull_jgen_kstr(gen, "cgroup_path", c->cgroup_path);
	hull_jgen_kstr(gen, "cgroup_manager", manager_name(c->cgroup_manager));
	hull_jgen_kbool(gen, "rootless", c->rootless);
	hull_jgen_kbool(gen, "own_pidns", c->own_pidns);
	hull_jgen_kbool(gen, "userns", c->userns);
	hull_jgen_kbool(gen, "setgroups_denied", c->setgroups_denied);
	hull_jgen_kbool(gen, "no_new_keyring", c->no_new_keyring);
	if (c->creating) {
		hull_jgen_kbool(gen, "creating", true);
		hull_jgen_kint(gen, "creator_pid", c->creator_pid);
		hull_jgen_kuint(gen, "creator_start", c->creator_start);
	}
	yajl_gen_map_close(gen);
	_cleanup_free_ char *text = hull_jgen_finish(gen);
	_cleanup_free_ char *path = xasprintf("%s/%s", c->dir, HULL_STATE_FILE);
	int r = hull_write_state_file(path, text, strlen(text), 0600);
	if (r < 0)
		return hull_fail(err, -r, "write %s", path);
	return 0;
}

static int parse_state(struct hull_container *c, const char *text, size_t len, struct hull_error *err)
{
	yajl_val root;
	if (hull_json_parse(text, len, "state.json", &root, err) < 0)
		return -1;
	struct hull_json j;
	hull_json_init(&j, "state.json", err);
	int64_t pid = 0, creator = 0;
	uint64_t st = 0;
	_cleanup_free_ char *mgr = NULL;
	int r = 0;
	if (hull_json_want_object(&j, root) < 0 || hull_json_get_string(&j, root, "bundle", true, &c->bundle) < 0 ||
	    hull_json_get_string(&j, root, "rootfs", true, &c->rootfs) < 0 ||
	    hull_json_get_i64(&j, root, "pid", true, 0, INT32_MAX, &pid) < 0 ||
	    hull_json_get_u64(&j, root, "start_time", false, UINT64_MAX, &st) < 0 ||
	    hull_json_get_string(&j, root, "created", true, &c->created) < 0 ||
	    hull_json_get_string(&j, root, "cgroup_path", false, &c->cgroup_path) < 0 ||
	    hull_json_get_string(&j, root, "cgroup_manager", false, &mgr) < 0 ||
	    hull_json_get_bool(&j, root, "rootless", &c->rootless) < 0 ||
	    hull_json_get_bool(&j, root, "own_pidns", &c->own_pidns) < 0 ||
	    hull_json_get_bool(&j, root, "userns", &c->userns) < 0 ||
	    hull_json_get_bool(&j, root, "setgroups_denied", &c->setgroups_denied) < 0 ||
	    hull_json_get_bool(&j, root, "no_new_keyring", &c->no_new_keyring) < 0 ||
	    hull_json_get_bool(&j, root, "creating", &c->creating) < 0 ||
	    hull_json_get_i64(&j, root, "creator_pid", false, 0, INT32_MAX, &creator) < 0 ||
	    hull_json_get_u64(&j, root, "creator_start", false, UINT64_MAX, &c->creator_start) < 0)
		r = -1;
	yajl_tree_free(root);
	c->creator_pid = (pid_t)creator;
	c->pid = (pid_t)pid;
	c->start_time = st;
	c->cgroup_manager = !mgr || strcmp(mgr, "cgroupfs") == 0 ? HULL_CGROUP_MANAGER_CGROUPFS
			    : strcmp(mgr, "systemd") == 0	     ? HULL_CGROUP_MANAGER_SYSTEMD
								     : HULL_CGROUP_MANAGER_DISABLED;
	return r;
}

/* Read and parse <dir>/state.json into c. A missing file leaves c a crash record
 * with nothing known but its id (a create killed between mkdir and its first write). */
static int read_state(struct hull_container *c, struct hull_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = hull_read_file_at(c->dirfd, HULL_STATE_FILE, 1 << 20, &text, &len);
	if (r == -ENOENT) {
		/* Written before the cgroup is made: without it there is no cgroup yet. */
		c->creating = true;
		c->cgroup_manager = HULL_CGROUP_MANAGER_DISABLED;
		return 0;
	}
	if (r < 0)
		return hull_fail(err, -r, "read %s/%s", c->dir, HULL_STATE_FILE);
	if (parse_state(c, text, len, err) < 0)
		return hull_error_prefix(err, "%s/%s", c->dir, HULL_STATE_FILE);
	return 0;
}

static void clear_state_fields(struct hull_container *c)
{
	free(c->bundle);
	free(c->rootfs);
	free(c->created);
	free(c->cgroup_path);
	c->bundle = c->rootfs = c->created = c->cgroup_path = NULL;
}

/* A crash record knows no bundle, rootfs or creation time yet: show them empty. */
static void default_state_fields(struct hull_container *c)
{
	if (!c->bundle)
		c->bundle = xstrdup("");
	if (!c->rootfs)
		c->rootfs = xstrdup("");
	if (!c->created)
		c->created = xstrdup("");
}

int hull_container_load(const struct hull_global_opts *g, const char *id, struct hull_container **out,
			struct hull_error *err)
{
	*out = NULL;
	if (hull_state_validate_id(id, err) < 0)
		return -1;
	struct hull_container *c = xzalloc(sizeof(*c));
	c->lockfd = -1;
	c->id = xstrdup(id);
	c->dir = xasprintf("%s/%s", g->root, id);
	c->dirfd = open(c->dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (c->dirfd < 0) {
		int e = errno;
		hull_container_free(c);
		if (e == ENOENT || e == ENOTDIR)
			return hull_fail_plain(err, ENOENT, "container does not exist");
		return hull_fail(err, e, "read state of container %s", id);
	}
	struct stat st;
	if (fstat(c->dirfd, &st) == 0)
		c->owner = st.st_uid;
	if (read_state(c, err) < 0) {
		hull_container_free(c);
		return hull_error_prefix(err, "load container %s", id);
	}
	/* A crash record may lack its config copy (killed before it was written). */
	_cleanup_free_ char *cfg = xasprintf("%s/%s", c->dir, HULL_STATE_CONFIG);
	if ((!c->creating || faccessat(c->dirfd, HULL_STATE_CONFIG, F_OK, 0) == 0) &&
	    hull_spec_load(cfg, &c->spec, err) < 0) {
		/* Deleted since state.json was read (delete removes that first): as runc. */
		bool deleted = err->errnum == ENOENT && faccessat(c->dirfd, HULL_STATE_FILE, F_OK, 0) < 0 &&
			       errno == ENOENT;
		hull_container_free(c);
		if (deleted) {
			hull_error_clear(err);
			return hull_fail_plain(err, ENOENT, "container does not exist");
		}
		return hull_error_prefix(err, "load container %s", id);
	}
	default_state_fields(c);
	hull_container_status(c);
	*out = c;
	return 0;
}

int hull_container_lock(struct hull_container *c, struct hull_error *err)
{
	if (c->lockfd >= 0)
		return 0;
	int fd = open(c->dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? hull_fail_plain(err, ENOENT, "container does not exist")
				       : hull_fail(err, errno, "open %s", c->dir);
	if (flock(fd, LOCK_EX) < 0) {
		int e = errno;
		close(fd);
		return hull_fail(err, e, "lock %s", c->dir);
	}
	c->lockfd = fd;
	return 0;
}

int hull_container_cgroup(const struct hull_container *c, struct hull_cgroup **out, struct hull_error *err)
{
	struct hull_global_opts g = { .cgroup_manager = c->cgroup_manager, .rootless = c->rootless };
	struct hull_cgroup_config cfg;
	hull_cgroup_config_init(&cfg, c->id, c->spec, &g, c->rootless);
	cfg.manager = c->cgroup_manager;
	if (c->cgroup_path)
		cfg.cgroups_path = c->cgroup_path;
	return hull_cgroup_open(&cfg, out, err);
}

/* A crash record: is its create still at work? The creator's pid names it; a record
 * from before the first write (no creator known) is at work while its dir is locked. */
static bool creator_alive(const struct hull_container *c)
{
	if (c->lockfd >= 0)
		return false; /* we hold the lock: the creator has let go (committed or died) */
	if (c->creator_pid > 0)
		return hull_pid_alive(c->creator_pid, c->creator_start);
	_cleanup_close_ int fd = openat(c->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
}

enum hull_status hull_container_status(struct hull_container *c)
{
	if (c->creating) {
		if (creator_alive(c))
			return c->status = HULL_STATUS_CREATING;
		/* The creator is gone: it either committed meanwhile (then state.json says
		 * so now, and nothing writes it any more) or was killed half-way. */
		struct hull_error e = { 0 };
		clear_state_fields(c);
		c->creating = false;
		int r = read_state(c, &e);
		hull_error_clear(&e);
		default_state_fields(c);
		if (r < 0 || c->creating)
			return c->status = HULL_STATUS_STOPPED;
	}
	if (!hull_pid_alive(c->pid, c->start_time))
		return c->status = HULL_STATUS_STOPPED;
	struct hull_cgroup *cg = NULL;
	struct hull_error e = { 0 };
	bool frozen = false;
	if (hull_container_cgroup(c, &cg, &e) == 0) {
		if (hull_cgroup_is_frozen(cg, &frozen) < 0)
			frozen = false;
		hull_cgroup_free(cg);
	}
	hull_error_clear(&e);
	if (frozen)
		return c->status = HULL_STATUS_PAUSED;
	if (faccessat(c->dirfd, HULL_STATE_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return c->status = HULL_STATUS_CREATED;
	return c->status = HULL_STATUS_RUNNING;
}

const char *hull_status_name(enum hull_status s)
{
	switch (s) {
	case HULL_STATUS_CREATING:
		return "creating";
	case HULL_STATUS_CREATED:
		return "created";
	case HULL_STATUS_RUNNING:
		return "running";
	case HULL_STATUS_PAUSED:
		return "paused";
	case HULL_STATUS_STOPPED:
		break;
	}
	return "stopped";
}

/* The user name of uid from /etc/passwd (the runtime is static: no NSS), else "#uid". */
static char *owner_name(uid_t uid)
{
	_cleanup_free_ char *db = hull_passwd_read_at(AT_FDCWD, "/etc/passwd");
	struct hull_passwd pw = { 0 };
	if (hull_passwd_find(db, NULL, (unsigned)uid, &pw)) {
		free(pw.home);
		return pw.name;
	}
	return xasprintf("#%u", (unsigned)uid);
}

char *hull_container_state_json(const struct hull_container *c, const char *status_override, bool with_owner)
{
	const char *status = status_override ? status_override : hull_status_name(c->status);
	bool stopped = strcmp(status, "stopped") == 0;
	yajl_gen gen = hull_jgen_new(with_owner ? NULL : "  ");
	yajl_gen_map_open(gen);
	/* The version of the runtime spec the state complies with: hull's, not the
	 * bundle's (runc prints its own too). */
	hull_jgen_kstr(gen, "ociVersion", HULL_OCI_VERSION);
	hull_jgen_kstr(gen, "id", c->id);
	hull_jgen_kint(gen, "pid", stopped ? 0 : c->pid);
	hull_jgen_kstr(gen, "status", status);
	hull_jgen_kstr(gen, "bundle", c->bundle);
	hull_jgen_kstr(gen, "rootfs", c->rootfs);
	hull_jgen_kstr(gen, "created", c->created);
	if (c->spec && c->spec->n_annotations) {
		/* Go encodes a map with its keys sorted (bytewise): so does runc's state. */
		size_t n = c->spec->n_annotations;
		_cleanup_free_ size_t *order = xcalloc(n, sizeof(size_t));
		for (size_t i = 0; i < n; i++) {
			size_t k = i;
			for (; k > 0 && strcmp(c->spec->annotations[order[k - 1]].key, c->spec->annotations[i].key) > 0; k--)
				order[k] = order[k - 1];
			order[k] = i;
		}
		hull_jgen_key(gen, "annotations");
		yajl_gen_map_open(gen);
		for (size_t i = 0; i < n; i++)
			hull_jgen_kstr(gen, c->spec->annotations[order[i]].key, c->spec->annotations[order[i]].value);
		yajl_gen_map_close(gen);
	}
	_cleanup_free_ char *owner = with_owner ? owner_name(c->owner) : NULL;
	hull_jgen_kstr(gen, "owner", owner ? owner : "");
	yajl_gen_map_close(gen);
	char *s = hull_jgen_finish(gen);
	size_t n = strlen(s);
	while (n && s[n - 1] == '\n') /* runc prints no trailing newline */
		s[--n] = '\0';
	return s;
}

void hull_container_free(struct hull_container *c)
{
	if (!c)
		return;
	if (c->lockfd >= 0)
		close(c->lockfd);
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c->id);
	free(c->dir);
	free(c->bundle);
	free(c->rootfs);
	free(c->created);
	free(c->cgroup_path);
	hull_spec_free(c->spec);
	free(c);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hull_state_list_ids(const char *root, char ***ids, size_t *n, struct hull_error *err)
{
	*ids = NULL;
	*n = 0;
	DIR *d = opendir(root);
	if (!d)
		return errno == ENOENT ? 0 : hull_fail(err, errno, "open state root %s", root);
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		*ids = xgrow(*ids, &cap, *n + 1, sizeof(char *));
		(*ids)[(*n)++] = xstrdup(de->d_name);
		(*ids)[*n] = NULL;
	}
	closedir(d);
	if (*n)
		qsort(*ids, *n, sizeof(char *), cmp_str);
	return 0;
}
