/* exec.c - exec credential plugins (client.authentication.k8s.io v1/v1beta1),
 * as EKS, GKE and AKS use them: run the command with execve (never a shell),
 * its environment extended by the kubeconfig's env and KUBERNETES_EXEC_INFO,
 * read an ExecCredential from its stdout, and cache it until it expires. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../base/encoding.h"
#include "../value/codec.h"

#define EXEC_TIMEOUT_MS 60000
#define EXEC_MAX_OUTPUT (1u << 20)

extern char **environ;

static int find_in_path(const char *cmd, char **out)
{
	const char *path = getenv("PATH");
	char *dup, *save = NULL, *p;
	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK) == 0) {
			*out = xstrdup(cmd);
			return 0;
		}
		return -1;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	dup = xstrdup(path);
	for (p = strtok_r(dup, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *p ? p : ".", cmd);
		if (access(cand, X_OK) == 0) {
			free(dup);
			*out = cand;
			return 0;
		}
		free(cand);
	}
	free(dup);
	return -1;
}

/* RFC 3339 → unix seconds (0 on failure) */
static time_t parse_rfc3339(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0;
	long off = 0;
	const char *p;
	memset(&tm, 0, sizeof(tm));
	if (strlen(s) > 64 || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) < 6 ||
	    y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 ||
	    sec > 60)
		return 0;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == '+' || *p == '-') {
		int oh = 0, om = 0;
		if (sscanf(p + 1, "%2d:%2d", &oh, &om) < 1 || oh < 0 || om < 0)
			return 0;
		off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
	}
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return timegm(&tm) - off;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* waitpid bounded by the deadline; kills the child when it passes */
static int reap(pid_t pid, int *status, long deadline)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return 1;
		}
		usleep(10000);
	}
}

static char *exec_info(const struct arc_kube_config *c)
{
	const struct arc_kube_exec *e = c->exec;
	arc_value *root = arc_v_map(), *spec = arc_v_map();
	struct arc_buf b = ARC_BUF_INIT;
	arc_v_map_set(root, "kind", arc_v_str("ExecCredential"));
	arc_v_map_set(root, "apiVersion", arc_v_str(e->api_version));
	arc_v_map_set(spec, "interactive", arc_v_bool(0));
	if (e->provide_cluster_info) {
		arc_value *cl = arc_v_map();
		arc_v_map_set(cl, "server", arc_v_str(c->server));
		if (c->tls_server_name)
			arc_v_map_set(cl, "tls-server-name", arc_v_str(c->tls_server_name));
		if (c->insecure)
			arc_v_map_set(cl, "insecure-skip-tls-verify", arc_v_bool(1));
		if (c->ca_data) {
			struct arc_buf ca = ARC_BUF_INIT;
			arc_b64_encode(&ca, c->ca_data, c->ca_len);
			arc_v_map_set(cl, "certificate-authority-data", arc_v_str_buf(&ca));
		}
		arc_v_map_set(spec, "cluster", cl);
	}
	arc_v_map_set(root, "spec", spec);
	arc_json_dump(&b, root, 0);
	arc_v_unref(root);
	return arc_buf_detach(&b, NULL);
}

int arc_kube_exec_parse(const char *command, const char *api_version, const char *data, size_t len,
			struct arc_kube_cred *cred)
{
	arc_value *doc = NULL, *st, *v;
	int rc;

	if (arc_json_load(&doc, command, data, len) || doc->kind != ARC_MAP) {
		rc = arc_error_code(ARC_E_PARSE, "exec credential plugin \"%s\" printed something that is not an "
						 "ExecCredential (JSON expected on stdout)", command);
		goto out;
	}
	v = arc_v_map_get(doc, "apiVersion");
	if (!v || v->kind != ARC_STRING || strcmp(v->u.s.ptr, api_version)) {
		rc = arc_error_code(ARC_E_PARSE, "exec credential plugin \"%s\" answered with apiVersion \"%s\", "
						 "want \"%s\"", command, v && v->kind == ARC_STRING ? v->u.s.ptr : "",
				    api_version);
		goto out;
	}
	st = arc_v_map_get(doc, "status");
	if (!st || st->kind != ARC_MAP) {
		rc = arc_error_code(ARC_E_PARSE, "exec credential plugin \"%s\": ExecCredential has no status",
				    command);
		goto out;
	}
	arc_kube_cred_clear(cred);
	if ((v = arc_v_map_get(st, "token")) && v->kind == ARC_STRING && v->u.s.len)
		cred->token = xstrndup(v->u.s.ptr, v->u.s.len);
	if ((v = arc_v_map_get(st, "clientCertificateData")) && v->kind == ARC_STRING && v->u.s.len) {
		cred->cert = xstrndup(v->u.s.ptr, v->u.s.len);
		cred->cert_len = v->u.s.len;
	}
	if ((v = arc_v_map_get(st, "clientKeyData")) && v->kind == ARC_STRING && v->u.s.len) {
		cred->key = xstrndup(v->u.s.ptr, v->u.s.len);
		cred->key_len = v->u.s.len;
	}
	if (!cred->token && !(cred->cert && cred->key)) {
		arc_kube_cred_clear(cred);
		rc = arc_error_code(ARC_E_PARSE, "exec credential plugin \"%s\": ExecCredential has neither a token "
						 "nor a client certificate and key", command);
		goto out;
	}
	if ((v = arc_v_map_get(st, "expirationTimestamp")) && v->kind == ARC_STRING)
		cred->expiry = parse_rfc3339(v->u.s.ptr);
	cred->valid = 1;
	rc = 0;
out:
	if (doc && doc->kind == ARC_MAP && (st = arc_v_map_get(doc, "status")) && st->kind == ARC_MAP) {
		/* the parsed copies of the secrets are wiped (cred holds its own) */
		if ((v = arc_v_map_get(st, "token")) && v->kind == ARC_STRING)
			memset(v->u.s.ptr, 0, v->u.s.len);
		if ((v = arc_v_map_get(st, "clientKeyData")) && v->kind == ARC_STRING)
			memset(v->u.s.ptr, 0, v->u.s.len);
	}
	arc_v_unref(doc);
	return rc;
}

/* Run the plugin; fills cred->token / cert / key / expiry. */
int arc_kube_exec_run(const struct arc_kube_config *c, struct arc_kube_cred *cred)
{
	const struct arc_kube_exec *e = c->exec;
	char *path = NULL, *info = NULL, **argv = NULL, **envp = NULL;
	int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, status = 0, rc = ARC_E_FAIL;
	size_t nargs = 0, nenv = 0, i;
	struct arc_buf out = ARC_BUF_INIT, err = ARC_BUF_INIT;
	pid_t pid;
	long limit_ms = c->timeout_ms > 0 && c->timeout_ms < EXEC_TIMEOUT_MS ? c->timeout_ms : EXEC_TIMEOUT_MS;
	long deadline = now_ms() + limit_ms;

	if (find_in_path(e->command, &path) != 0) {
		return arc_error_code(ARC_E_NOTFOUND, "exec credential plugin \"%s\" (user \"%s\") not found%s%s",
				      e->command, c->user_name ? c->user_name : "", e->install_hint ? ": " : "",
				      e->install_hint ? e->install_hint : "");
	}
	while (e->args && e->args[nargs])
		nargs++;
	argv = xcalloc(nargs + 2, sizeof(char *));
	argv[0] = e->command;
	for (i = 0; i < nargs; i++)
		argv[i + 1] = e->args[i];
	for (i = 0; environ[i]; i++)
		nenv++;
	for (i = 0; e->env && e->env[i]; i++)
		nenv++;
	envp = xcalloc(nenv + 2, sizeof(char *));
	nenv = 0;
	for (i = 0; environ[i]; i++)
		if (strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21))
			envp[nenv++] = environ[i];
	for (i = 0; e->env && e->env[i]; i++)
		envp[nenv++] = e->env[i];
	info = exec_info(c);
	{
		char *kv = xasprintf("KUBERNETES_EXEC_INFO=%s", info);
		free(info);
		info = kv;
	}
	envp[nenv++] = info;

	if (pipe(out_pipe) || pipe(err_pipe)) {
		rc = arc_error_code(ARC_E_IO, "exec plugin %s: pipe: %s", e->command, strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = arc_error_code(ARC_E_IO, "exec plugin %s: fork: %s", e->command, strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);
		setpgid(0, 0); /* its own group: a timeout kills what it started too */
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out_pipe[1], 1);
		dup2(err_pipe[1], 2);
		close(out_pipe[0]);
		close(err_pipe[0]);
		execve(path, argv, envp);
		_exit(127);
	}
	setpgid(pid, pid); /* as the child does: whichever runs first */
	close(out_pipe[1]);
	close(err_pipe[1]);
	out_pipe[1] = err_pipe[1] = -1;
	{
		struct pollfd pf[2] = { { out_pipe[0], POLLIN, 0 }, { err_pipe[0], POLLIN, 0 } };
		int open_fds = 2;
		char chunk[4096];
		while (open_fds > 0) {
			long left = deadline - now_ms();
			int n;
			size_t k;
			if (left <= 0) {
				kill(-pid, SIGKILL);
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				rc = arc_error_code(ARC_E_IO, "exec credential plugin \"%s\" (user \"%s\") did not "
								"answer within %ld s", e->command,
						    c->user_name ? c->user_name : "", (limit_ms + 999) / 1000);
				goto out;
			}
			n = poll(pf, 2, left > 200 ? 200 : (int)left);
			if (n < 0 && errno != EINTR)
				break;
			if (n <= 0)
				continue;
			for (k = 0; k < 2; k++) {
				ssize_t r;
				if (pf[k].fd < 0 || !(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
					continue;
				r = read(pf[k].fd, chunk, sizeof(chunk));
				if (r <= 0) {
					pf[k].fd = -1;
					open_fds--;
					continue;
				}
				if (k == 0 && out.len + (size_t)r <= EXEC_MAX_OUTPUT)
					arc_buf_add(&out, chunk, (size_t)r);
				else if (k == 1 && err.len < 4096)
					arc_buf_add(&err, chunk, (size_t)r);
			}
		}
	}
	/* the pipes are closed; the plugin may still linger: bounded too */
	if (reap(pid, &status, deadline) != 0) {
		rc = arc_error_code(ARC_E_IO, "exec credential plugin \"%s\" (user \"%s\") did not exit within %ld s",
				    e->command, c->user_name ? c->user_name : "", (limit_ms + 999) / 1000);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *emsg = (char *)arc_buf_cstr(&err), *p;
		size_t el = strlen(emsg);
		while (el && (emsg[el - 1] == '\n' || emsg[el - 1] == '\r' || emsg[el - 1] == ' '))
			el--;
		for (p = emsg; p < emsg + el; p++) /* one line */
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && err.len == 0)
			rc = arc_error_code(ARC_E_IO, "exec credential plugin \"%s\" could not be started", e->command);
		else
			rc = arc_error_code(ARC_E_IO, "exec credential plugin \"%s\" failed (exit status %d)%s%.*s",
					    e->command, WIFEXITED(status) ? WEXITSTATUS(status) : -1, el ? ": " : "",
					    (int)(el > 300 ? 300 : el), emsg);
		goto out;
	}
	if ((rc = arc_kube_exec_parse(e->command, e->api_version, out.ptr ? out.ptr : "", out.len, cred)) != 0)
		goto out;
	rc = 0;
out:
	if (out_pipe[0] >= 0)
		close(out_pipe[0]);
	if (out_pipe[1] >= 0)
		close(out_pipe[1]);
	if (err_pipe[0] >= 0)
		close(err_pipe[0]);
	if (err_pipe[1] >= 0)
		close(err_pipe[1]);
	if (out.ptr)
		memset(out.ptr, 0, out.len);
	arc_buf_release(&out);
	arc_buf_release(&err);
	free(path);
	free(argv);
	free(envp);
	free(info);
	return rc;
}

void arc_kube_cred_clear(struct arc_kube_cred *cred)
{
	if (cred->token)
		memset(cred->token, 0, strlen(cred->token));
	if (cred->key)
		memset(cred->key, 0, cred->key_len);
	free(cred->token);
	free(cred->cert);
	free(cred->key);
	memset(cred, 0, sizeof(*cred));
}
