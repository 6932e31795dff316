/* auth_helper.c - docker credential helpers: `docker-credential-NAME get`, server name on stdin,
 * {"ServerURL","Username","Secret"} on stdout (docker-credential-helpers protocol). */
#include "auth.h"
#include "hl.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <yajl/yajl_tree.h>

#define HELPER_OUTPUT_MAX (64u << 10)

extern char **environ;

void hl_creds_clear(struct hl_creds *c)
{
	free(c->user);
	free(c->pass);
	free(c->identity_token);
	free(c->note);
	memset(c, 0, sizeof(*c));
}

const char *hl_auth_helper_server(const char *host)
{
	/* Docker stores Docker Hub credentials under its v1 index URL. */
	if (strcmp(host, "docker.io") == 0 || strcmp(host, "registry-1.docker.io") == 0 ||
	    strcmp(host, "index.docker.io") == 0)
		return "https://index.docker.io/v1/";
	return host;
}

int hl_auth_parse_helper_output(const char *json, struct hl_creds *c, struct hull_error *err)
{
	yajl_val v = yajl_tree_parse(json, NULL, 0);
	if (v == NULL || !YAJL_IS_OBJECT(v)) {
		yajl_tree_free(v);
		return hull_fail(err, EINVAL, "answer is not a JSON object");
	}
	const char *up[] = { "Username", NULL }, *sp[] = { "Secret", NULL };
	yajl_val u = yajl_tree_get(v, up, yajl_t_string), s = yajl_tree_get(v, sp, yajl_t_string);
	const char *user = u && YAJL_GET_STRING(u) ? YAJL_GET_STRING(u) : "";
	const char *secret = s && YAJL_GET_STRING(s) ? YAJL_GET_STRING(s) : "";
	int r = 0;
	if (secret[0] == '\0')
		r = hull_fail(err, EINVAL, "answer has no \"Secret\"");
	else if (strcmp(user, "<token>") == 0)
		c->identity_token = xstrdup(secret);
	else {
		c->user = xstrdup(user);
		c->pass = xstrdup(secret);
	}
	yajl_tree_free(v);
	return r;
}

/* Write server to the helper's stdin without dying of SIGPIPE if it exited early. */
static void feed(int fd, const char *server)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	(void)!hull_write_all(fd, server, strlen(server));
	sigaction(SIGPIPE, &old, NULL);
}

static void read_all(int fd, char *buf, size_t max)
{
	size_t n = 0;
	for (;;) {
		ssize_t k = read(fd, buf + n, max - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		if (n == max - 1) {
			char sink[4096]; /* drain the rest so the helper is not blocked on a full pipe */
			while (read(fd, sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

/* The helper's full path from $PATH, or NULL: looked up here so "not found" is told apart from
 * a helper that fails (posix_spawnp's own ENOENT is not reported under every libc or emulator). */
static char *find_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *dirs = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *d ? d : ".", prog);
		struct stat st;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
			return full;
		free(full);
	}
	return NULL;
}

/* Run the helper; its stdout and stderr (helpers report errors on either) end up in out. */
static int run_helper(const char *prog, const char *server, char *out, size_t max, int *status, struct hull_error *err)
{
	int in[2], op[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return hull_fail(err, errno, "pipe");
	if (pipe2(op, O_CLOEXEC) < 0) {
		int e = errno;
		close(in[0]);
		close(in[1]);
		return hull_fail(err, e, "pipe");
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, op[1], 1);
	posix_spawn_file_actions_adddup2(&fa, op[1], 2);
	const char *argv[] = { prog, "get", NULL };
	_cleanup_free_ char *full = find_in_path(prog);
	pid_t pid;
	int r = full ? posix_spawn(&pid, full, &fa, NULL, (char *const *)argv, environ) : ENOENT;
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(op[1]);
	if (r != 0) {
		close(in[1]);
		close(op[0]);
		return hull_fail(err, r, r == ENOENT ? "%s not found in $PATH" : "run %s", prog);
	}
	feed(in[1], server);
	close(in[1]);
	read_all(op[0], out, max);
	close(op[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return hull_fail(err, errno, "wait for %s", prog);
	return 0;
}

int hl_auth_cred_helper(const char *name, const char *server, struct hl_creds *c, struct hull_error *err)
{
	/* The name becomes part of a program looked up in $PATH: no paths, no oddities. */
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
	if (name == NULL || *name == '\0' || strspn(name, ok) != strlen(name))
		return hull_fail(err, EINVAL, "credential helper name \"%s\" is not valid", name ? name : "");
	_cleanup_free_ char *prog = xasprintf("docker-credential-%s", name);
	_cleanup_free_ char *out = xmalloc(HELPER_OUTPUT_MAX);
	int st = 0;
	if (run_helper(prog, server, out, HELPER_OUTPUT_MAX, &st, err) < 0)
		return hull_error_prefix(err, "credential helper for %s", server);
	/* The helpers' protocol: a miss is exit 1 with this text, not an error. */
	if (strstr(out, "credentials not found")) {
		free(c->note);
		c->note = xasprintf("%s has no credentials for %s", prog, server);
		return 0;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (WIFSIGNALED(st))
			return hull_fail(err, EIO, "credential helper %s get (for %s): killed by signal %d", prog, server,
					 WTERMSIG(st));
		return hull_fail(err, EIO, "credential helper %s get (for %s): exit status %d%s%.512s", prog, server,
				 WEXITSTATUS(st), out[0] ? ": " : "", out);
	}
	if (hl_auth_parse_helper_output(out, c, err) < 0)
		return hull_error_prefix(err, "credential helper %s get (for %s)", prog, server);
	return 1;
}
