/* repo.c - `kubectl arc repo add|list|remove|update`: named chart repositories
 * for `kubectl arc template REPO/CHART` (the list lives in
 * $XDG_CONFIG_HOME/kubectl-arc/repositories.yaml, index copies in the cache). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../chart/repo.h"
#include "cmd.h"
#include "opts.h"

static struct {
	const char *ca_file, *cert_file, *key_file, *username, *password;
	int insecure, force_update, pass_credentials;
} o;

static const struct arc_opt repo_opts[] = {
	{ "ca-file", 0, ARC_OPT_STRING, &o.ca_file, "FILE", "CA bundle for an HTTPS repository", NULL, 0 },
	{ "cert-file", 0, ARC_OPT_STRING, &o.cert_file, "FILE", "Client certificate for an HTTPS repository", NULL,
	  0 },
	{ "key-file", 0, ARC_OPT_STRING, &o.key_file, "FILE", "Client key for an HTTPS repository", NULL, 0 },
	{ "insecure-skip-tls-verify", 0, ARC_OPT_BOOL, &o.insecure, NULL, "Skip the repository's certificate check",
	  NULL, 0 },
	{ "username", 0, ARC_OPT_STRING, &o.username, "USER", "Repository username (not stored)", NULL, 0 },
	{ "password", 0, ARC_OPT_STRING, &o.password, "PASSWORD", "Repository password (not stored)", NULL, 0 },
	{ "pass-credentials", 0, ARC_OPT_BOOL, &o.pass_credentials, NULL, "Pass credentials to all domains", NULL,
	  0 },
	{ "force-update", 0, ARC_OPT_BOOL, &o.force_update, NULL,
	  "repo add: replace a repository of that name", NULL, 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const repo_tables[] = { repo_opts, NULL };
static const struct arc_cmd_spec repo_spec = {
	"repo",
	"add NAME URL | list | remove NAME... | update [NAME...] [flags]",
	"Manage the chart repositories `kubectl arc template REPO/CHART` reads",
	"add checks that URL serves an index.yaml and keeps a copy of it; update refreshes the copies; "
	"template REPO/CHART picks the chart version from the copy (--version takes semver constraints), "
	"downloads the archive and checks its sha256 digest against the index.",
	"kubectl arc repo add arc https://charts.example.com/arc\n"
	"kubectl arc repo list\n"
	"kubectl arc template my arc/actions-runner-controller --version '~0.23'\n"
	"kubectl arc repo update\n"
	"kubectl arc repo remove arc",
	repo_tables,
};

static int save_index(const char *name, const char *url, const struct arc_repo_http *h)
{
	char *data = NULL, *u, *base, *cache, *tmp;
	size_t len = 0, n;
	arc_value *ix = NULL;
	FILE *f;
	int rc;
	base = xstrdup(url);
	n = strlen(base);
	while (n && base[n - 1] == '/')
		base[--n] = '\0';
	u = xasprintf("%s/index.yaml", base);
	free(base);
	rc = arc_repo_http_get(&data, &len, u, ARC_REPO_MAX_INDEX, h);
	free(u);
	if (rc) {
		arc_error_prefix("looks like \"%s\" is not a valid chart repository or cannot be reached", url);
		return rc;
	}
	if ((rc = arc_repo_index_parse(&ix, data, len, url)) != 0) {
		free(data);
		return rc;
	}
	arc_v_unref(ix);
	cache = arc_repo_cache_path(name);
	{
		char *d = xstrdup(cache), *p;
		for (p = d + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(d, 0755) != 0 && errno != EEXIST)
				break;
			*p = '/';
		}
		free(d);
	}
	tmp = xasprintf("%s.tmp", cache);
	f = fopen(tmp, "w");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		rc = arc_error_code(ARC_E_IO, "write %s: %s", tmp, strerror(errno));
		if (f)
			fclose(f);
	} else if (rename(tmp, cache) != 0) {
		rc = arc_error_code(ARC_E_IO, "rename %s: %s", cache, strerror(errno));
	}
	free(tmp);
	free(cache);
	free(data);
	return rc;
}

int arc_cmd_repo(int argc, char **argv)
{
	struct arc_strlist pos = { NULL, 0 };
	struct arc_repo_file rf = { NULL, 0 };
	struct arc_repo_http h;
	char *cfg = NULL;
	const char *verb;
	size_t i;
	int rc, status = 1;

	memset(&o, 0, sizeof(o));
	rc = arc_opts_parse(&repo_spec, argc, argv, &pos);
	if (rc == 1) {
		arc_strlist_release(&pos);
		return 0;
	}
	if (rc || pos.n == 0) {
		fprintf(stderr, "Error: %s\nSee '%s repo --help'.\n",
			rc ? arc_error_last() : "missing verb: add, list, remove or update", arc_prog());
		arc_strlist_release(&pos);
		return 2;
	}
	memset(&h, 0, sizeof(h));
	h.ca_file = o.ca_file;
	h.cert_file = o.cert_file;
	h.key_file = o.key_file;
	h.insecure = o.insecure;
	h.username = o.username;
	h.password = o.password;
	h.pass_credentials = o.pass_credentials;
	verb = pos.v[0];
	cfg = arc_repo_config_path();
	if (arc_repo_file_load(&rf, cfg) != 0)
		goto fail;
	if (!strcmp(verb, "add")) {
		const struct arc_repo *old;
		if (pos.n != 3) {
			fprintf(stderr, "Error: repo add takes NAME and URL\nSee '%s repo --help'.\n", arc_prog());
			status = 2;
			goto done;
		}
		if (strchr(pos.v[1], '/')) {
			arc_error_code(ARC_E_USAGE, "repository name (%s) contains '/', please specify a different name "
						    "without '/'", pos.v[1]);
			goto fail;
		}
		old = arc_repo_file_get(&rf, pos.v[1]);
		if (old && strcmp(old->url, pos.v[2]) != 0 && !o.force_update) {
			arc_error_code(ARC_E_USAGE, "repository name (%s) already exists, please specify a different name",
				       pos.v[1]);
			goto fail;
		}
		if (old && !strcmp(old->url, pos.v[2])) {
			printf("\"%s\" already exists with the same configuration, skipping\n", pos.v[1]);
			status = 0;
			goto done;
		}
		if (save_index(pos.v[1], pos.v[2], &h) != 0)
			goto fail;
		arc_repo_file_set(&rf, pos.v[1], pos.v[2]);
		if (arc_repo_file_save(&rf, cfg) != 0)
			goto fail;
		printf("\"%s\" has been added to your repositories\n", pos.v[1]);
	} else if (!strcmp(verb, "list") || !strcmp(verb, "ls")) {
		if (rf.n == 0) {
			arc_error_code(ARC_E_NOTFOUND, "no repositories to show");
			goto fail;
		}
		{
			size_t w = 4;
			for (i = 0; i < rf.n; i++)
				if (strlen(rf.v[i].name) > w)
					w = strlen(rf.v[i].name);
			printf("%-*s\tURL\n", (int)w, "NAME");
			for (i = 0; i < rf.n; i++)
				printf("%-*s\t%s\n", (int)w, rf.v[i].name, rf.v[i].url);
		}
	} else if (!strcmp(verb, "remove") || !strcmp(verb, "rm")) {
		if (pos.n < 2) {
			fprintf(stderr, "Error: repo remove takes one or more NAMEs\nSee '%s repo --help'.\n", arc_prog());
			status = 2;
			goto done;
		}
		for (i = 1; i < pos.n; i++) {
			char *cache;
			if (arc_repo_file_remove(&rf, pos.v[i]) != 0)
				goto fail;
			cache = arc_repo_cache_path(pos.v[i]);
			remove(cache);
			free(cache);
			if (arc_repo_file_save(&rf, cfg) != 0)
				goto fail;
			printf("\"%s\" has been removed from your repositories\n", pos.v[i]);
		}
	} else if (!strcmp(verb, "update") || !strcmp(verb, "up")) {
		int failed = 0;
		if (rf.n == 0) {
			arc_error_code(ARC_E_NOTFOUND, "no repositories found. You must add one before updating");
			goto fail;
		}
		for (i = 1; i < pos.n; i++) {
			if (!arc_repo_file_get(&rf, pos.v[i])) {
				arc_error_code(ARC_E_NOTFOUND, "no repositories found matching '%s'.  Nothing will be updated",
					       pos.v[i]);
				goto fail;
			}
		}
		printf("Hang tight while we grab the latest from your chart repositories...\n");
		for (i = 0; i < rf.n; i++) {
			size_t k;
			int wanted = pos.n < 2;
			for (k = 1; k < pos.n; k++)
				wanted |= !strcmp(pos.v[k], rf.v[i].name);
			if (!wanted)
				continue;
			if (save_index(rf.v[i].name, rf.v[i].url, &h) != 0) {
				printf("...Unable to get an update from the \"%s\" chart repository (%s):\n\t%s\n",
				       rf.v[i].name, rf.v[i].url, arc_error_last());
				failed = 1;
			} else {
				printf("...Successfully got an update from the \"%s\" chart repository\n", rf.v[i].name);
			}
		}
		if (failed) {
			arc_error_code(ARC_E_HTTP, "failed to update the following repositories");
			goto fail;
		}
		printf("Update Complete. ⎈Happy Helming!⎈\n");
	} else {
		fprintf(stderr, "Error: unknown verb \"%s\": use add, list, remove or update\nSee '%s repo --help'.\n",
			verb, arc_prog());
		status = 2;
		goto done;
	}
	status = 0;
	goto done;
fail:
	fprintf(stderr, "Error: %s\n", arc_error_last());
	status = 1;
done:
	arc_repo_file_release(&rf);
	free(cfg);
	arc_strlist_release(&pos);
	arc_error_clear();
	return status;
}
