/* auth.c - reading, checking and packaging ARC's GitHub credentials */
#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "../base/encoding.h"
#include "../github/github.h"

#define MAX_TOKEN 4096
#define MAX_KEY (64u << 10)

static void wipe(char *s, size_t n)
{
	volatile char *v = s;
	while (s && n--)
		*v++ = 0;
}

static void wipe_str(char **s)
{
	if (*s) {
		wipe(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void arc_auth_release(struct arc_auth *a)
{
	wipe_str(&a->token);
	if (a->private_key) {
		wipe(a->private_key, a->key_len);
		free(a->private_key);
		a->private_key = NULL;
	}
	a->key_len = 0;
	free(a->app_id);
	free(a->installation_id);
	a->app_id = a->installation_id = NULL;
	a->source[0] = '\0';
	a->warning[0] = '\0';
}

const char *arc_auth_kind(const struct arc_auth *a)
{
	return a->token ? "token" : a->private_key ? "app" : "";
}

int arc_auth_given(const struct arc_auth_opts *o)
{
	const char *env = o->no_env ? NULL : getenv("GITHUB_TOKEN");
	return o->token_file || o->app_id || o->installation_id || o->key_file || (env && *env);
}

int arc_auth_check_token(const char *tok, size_t len, const char *what)
{
	size_t i;
	if (!len)
		return arc_error_code(ARC_E_USAGE, "the GitHub token from %s is empty", what);
	if (len > MAX_TOKEN)
		return arc_error_code(ARC_E_USAGE, "the GitHub token from %s is longer than %d bytes: is it a token?",
				      what, MAX_TOKEN);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tok[i];
		if (c == '\n' || c == '\r')
			return arc_error_code(ARC_E_USAGE, "the GitHub token from %s has a line break inside it "
							   "(a token is one line; ARC's requests would fail)", what);
		if (c == ' ' || c == '\t')
			return arc_error_code(ARC_E_USAGE, "the GitHub token from %s contains whitespace (at byte %zu)",
					      what, i + 1);
		if (c < 0x21 || c > 0x7e)
			return arc_error_code(ARC_E_USAGE, "the GitHub token from %s contains a non-printable or "
							   "non-ASCII byte (at byte %zu)", what, i + 1);
	}
	return 0;
}

/* a file's bytes, or stdin's for "-" */
static int read_source(const char *path, size_t max, char **out, size_t *len)
{
	struct arc_buf b = ARC_BUF_INIT;
	char chunk[4096];
	size_t n;
	if (strcmp(path, "-"))
		return arc_read_file(path, max, out, len);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (b.len + n > max) {
			wipe(b.ptr, b.len);
			arc_buf_release(&b);
			wipe(chunk, sizeof(chunk));
			return arc_error_code(ARC_E_RANGE, "standard input is larger than %zu bytes", max);
		}
		arc_buf_add(&b, chunk, n);
	}
	wipe(chunk, sizeof(chunk));
	*out = arc_buf_detach(&b, len);
	return 0;
}

/* a credentials file that its group or other users can read deserves a warning */
static void check_mode(struct arc_auth *a, const char *path, const char *flag)
{
	struct stat st;
	if (!strcmp(path, "-") || stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return;
	snprintf(a->warning, sizeof(a->warning),
		 "warning: %s %s is accessible to %s (mode %04o): restrict it with `chmod 600 %s`", flag, path,
		 (st.st_mode & 007) ? "every user" : "its group", (unsigned)(st.st_mode & 07777), path);
}

/* one trailing line break ("\n" or "\r\n") is what editors and `echo` add: drop it */
static void chomp(char *s, size_t *len)
{
	if (*len && s[*len - 1] == '\n')
		s[--*len] = '\0';
	if (*len && s[*len - 1] == '\r')
		s[--*len] = '\0';
}

static int check_id(const char *v, const char *flag)
{
	size_t i, n = strlen(v);
	if (!n)
		return arc_error_code(ARC_E_USAGE, "%s is empty", flag);
	if (n > 64)
		return arc_error_code(ARC_E_USAGE, "%s is too long", flag);
	for (i = 0; i < n; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      v[i] == '.' || v[i] == '_' || v[i] == '-'))
			return arc_error_code(ARC_E_USAGE, "%s \"%s\" is not an id (digits, or a client id)", flag, v);
	return 0;
}

static int check_numeric(const char *v, const char *flag)
{
	size_t i, n = strlen(v);
	if (!n)
		return arc_error_code(ARC_E_USAGE, "%s is empty", flag);
	if (n > 20)
		return arc_error_code(ARC_E_USAGE, "%s is too long", flag);
	for (i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return arc_error_code(ARC_E_USAGE, "%s \"%s\" is not a number", flag, v);
	return 0;
}

static int set_app(struct arc_auth *a, const char *id, const char *inst, char *key, size_t klen, const char *src)
{
	int rc;
	if ((rc = check_id(id, "the GitHub App id")) != 0 ||
	    (rc = check_numeric(inst, "the GitHub App installation id")) != 0) {
		wipe(key, klen);
		free(key);
		return rc;
	}
	if (arc_gh_check_private_key(key, klen) != 0) {
		wipe(key, klen);
		free(key);
		return arc_error_code(ARC_E_PARSE, "%s: %s", src, arc_error_last());
	}
	a->app_id = xstrdup(id);
	a->installation_id = xstrdup(inst);
	a->private_key = key;
	a->key_len = klen;
	return 0;
}

int arc_auth_read(struct arc_auth *a, const struct arc_auth_opts *o)
{
	const char *env = o->no_env ? NULL : getenv("GITHUB_TOKEN");
	char *data = NULL;
	size_t len = 0;
	int app = o->app_id || o->installation_id || o->key_file, rc;

	if (app && o->token_file)
		return arc_error_code(ARC_E_USAGE, "--github-token-file and --github-app-* are exclusive: ARC uses "
						   "either a token or a GitHub App");
	if (app) {
		if (!o->app_id || !o->installation_id || !o->key_file)
			return arc_error_code(ARC_E_USAGE, "a GitHub App needs all of --github-app-id, "
							   "--github-app-installation-id and --github-app-private-key-file");
		if ((rc = read_source(o->key_file, MAX_KEY, &data, &len)) != 0) {
			arc_error_prefix("reading --github-app-private-key-file");
			return rc;
		}
		snprintf(a->source, sizeof(a->source), "--github-app-private-key-file %s", o->key_file);
		check_mode(a, o->key_file, "--github-app-private-key-file");
		return set_app(a, o->app_id, o->installation_id, data, len, a->source);
	}
	if (o->token_file) {
		if ((rc = read_source(o->token_file, MAX_TOKEN + 2, &data, &len)) != 0) {
			if (rc == ARC_E_RANGE)
				arc_error_code(rc, "--github-token-file %s is larger than a token can be", o->token_file);
			else
				arc_error_prefix("reading --github-token-file");
			return rc;
		}
		snprintf(a->source, sizeof(a->source), "--github-token-file %s", o->token_file);
		check_mode(a, o->token_file, "--github-token-file");
	} else if (env && *env) {
		data = xstrdup(env);
		len = strlen(data);
		snprintf(a->source, sizeof(a->source), "GITHUB_TOKEN");
	} else {
		return ARC_E_NOTFOUND;
	}
	chomp(data, &len);
	if (memchr(data, '\0', len))
		rc = arc_error_code(ARC_E_USAGE, "the GitHub token from %s contains a NUL byte", a->source);
	else
		rc = arc_auth_check_token(data, len, a->source);
	if (rc) {
		wipe(data, len);
		free(data);
		return rc;
	}
	a->token = data;
	return 0;
}

static char *take_str(arc_value *m, const char *key)
{
	arc_value *v = arc_v_map_get(m, key);
	char *s = NULL;
	if (!v)
		return NULL;
	if (v->kind == ARC_STRING && v->u.s.len)
		s = xstrndup(v->u.s.ptr, v->u.s.len);
	else if (v->kind == ARC_INT)
		s = xasprintf("%lld", (long long)v->u.i);
	else if (v->kind == ARC_FLOAT && v->u.f >= 0 && v->u.f < 1e18)
		s = xasprintf("%.0f", v->u.f);
	if (v->kind == ARC_STRING)
		wipe(v->u.s.ptr, v->u.s.len);
	arc_v_map_del(m, key);
	return s;
}

int arc_auth_from_values(struct arc_auth *a, arc_value *user)
{
	arc_value *as = user && user->kind == ARC_MAP ? arc_v_map_get(user, "authSecret") : NULL;
	char *tok, *id, *inst, *key;
	int have = a->token || a->private_key, rc = 0;
	if (!as || as->kind != ARC_MAP)
		return 0;
	tok = take_str(as, "github_token");
	id = take_str(as, "github_app_id");
	inst = take_str(as, "github_app_installation_id");
	key = take_str(as, "github_app_private_key");
	/* create: true would make the chart render the Secret (with the token) into the release */
	arc_v_map_del(as, "create");
	if (!tok && !id && !inst && !key)
		return 0;
	if (have) {
		rc = 1;
	} else if (tok) {
		size_t n = strlen(tok);
		snprintf(a->source, sizeof(a->source), "the values' authSecret.github_token");
		chomp(tok, &n);
		rc = arc_auth_check_token(tok, n, a->source);
		if (!rc) {
			a->token = tok;
			tok = NULL;
			rc = 1;
		}
	} else if (id && inst && key) {
		snprintf(a->source, sizeof(a->source), "the values' authSecret.github_app_private_key");
		rc = set_app(a, id, inst, key, strlen(key), a->source);
		key = NULL;
		if (!rc)
			rc = 1;
	} else {
		rc = arc_error_code(ARC_E_USAGE, "the values' authSecret needs github_app_id, github_app_installation_id "
						 "and github_app_private_key together");
	}
	wipe_str(&tok);
	wipe_str(&key);
	free(id);
	free(inst);
	return rc;
}

static struct termios saved_tio;
static volatile sig_atomic_t tty_fd = -1;

static void restore_tty(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &saved_tio);
	signal(sig, SIG_DFL);
	raise(sig);
}

int arc_auth_prompt(struct arc_auth *a)
{
	static const char msg[] = "GitHub personal access token for ARC (input is hidden): ";
	struct termios tio;
	struct sigaction sa, old_int, old_term, old_hup;
	char buf[MAX_TOKEN + 2];
	size_t n = 0;
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC), rc, echo_off = 0;
	if (fd < 0)
		return ARC_E_NOTFOUND;
	if (tcgetattr(fd, &tio) == 0) {
		saved_tio = tio;
		tio.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		tio.c_lflag |= ICANON;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = restore_tty;
		sigemptyset(&sa.sa_mask);
		tty_fd = fd;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		sigaction(SIGHUP, &sa, &old_hup);
		if (tcsetattr(fd, TCSAFLUSH, &tio) == 0)
			echo_off = 1;
	}
	if (!echo_off) {
		close(fd);
		tty_fd = -1;
		return arc_error_code(ARC_E_IO, "cannot turn off echo on the terminal: refusing to read a token "
						"visibly (use --github-token-file or GITHUB_TOKEN)");
	}
	if (write(fd, msg, sizeof(msg) - 1) < 0) {
		/* nothing to do: the read below still works */
	}
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n < sizeof(buf) - 1)
			buf[n++] = c;
	}
	buf[n] = '\0';
	tcsetattr(fd, TCSAFLUSH, &saved_tio);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	tty_fd = -1;
	if (write(fd, "\n", 1) < 0) {
		/* ignore */
	}
	close(fd);
	snprintf(a->source, sizeof(a->source), "the prompt");
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	rc = arc_auth_check_token(buf, n, a->source);
	if (!rc)
		a->token = xstrndup(buf, n);
	wipe(buf, sizeof(buf));
	return rc;
}

static void put_b64(arc_value *data, const char *key, const char *v, size_t len)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_b64_encode(&b, v, len);
	arc_v_map_set(data, key, arc_v_str_buf(&b));
	arc_buf_release(&b);
}

arc_value *arc_auth_secret(const struct arc_auth *a, const char *name, const char *ns, const char *release)
{
	arc_value *s = arc_v_map(), *md = arc_v_map(), *labels = arc_v_map(), *data = arc_v_map();
	arc_v_map_set(s, "apiVersion", arc_v_str("v1"));
	arc_v_map_set(s, "kind", arc_v_str("Secret"));
	arc_v_map_set(md, "name", arc_v_str(name));
	arc_v_map_set(md, "namespace", arc_v_str(ns));
	arc_v_map_set(labels, "app.kubernetes.io/managed-by", arc_v_str("kubectl-arc"));
	arc_v_map_set(labels, "app.kubernetes.io/part-of", arc_v_str("actions-runner-controller"));
	if (release)
		arc_v_map_set(labels, "app.kubernetes.io/instance", arc_v_str(release));
	arc_v_map_set(md, "labels", labels);
	arc_v_map_set(s, "metadata", md);
	arc_v_map_set(s, "type", arc_v_str("Opaque"));
	if (a->token) {
		put_b64(data, "github_token", a->token, strlen(a->token));
	} else if (a->private_key) {
		put_b64(data, "github_app_id", a->app_id, strlen(a->app_id));
		put_b64(data, "github_app_installation_id", a->installation_id, strlen(a->installation_id));
		put_b64(data, "github_app_private_key", a->private_key, a->key_len);
	}
	arc_v_map_set(s, "data", data);
	return s;
}
