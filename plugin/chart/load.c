/* load.c - chart loading from directories, archives and in-memory files */
#include "load.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "../gotmpl/semver.h"
#include "../value/codec.h"
#include "values.h"

/* ---- .helmignore ---- */

struct ignore_rule {
	char *pattern;
	int negate, dir_only, has_slash;
};

struct arc_ignore {
	struct ignore_rule *r;
	size_t n;
};

static void add_rule(struct arc_ignore *ig, const char *p, size_t n)
{
	struct ignore_rule *r;
	ig->r = xrealloc(ig->r, (ig->n + 1) * sizeof(*ig->r));
	r = &ig->r[ig->n++];
	memset(r, 0, sizeof(*r));
	if (n && p[0] == '!') {
		r->negate = 1;
		p++;
		n--;
	}
	if (n && p[n - 1] == '/') {
		r->dir_only = 1;
		n--;
	}
	{
		int anchored = n && p[0] == '/'; /* matched against the whole path */
		if (anchored) {
			p++;
			n--;
		}
		r->pattern = xstrndup(p, n);
		r->has_slash = anchored || strchr(r->pattern, '/') != NULL;
	}
}

int arc_ignore_parse(struct arc_ignore **out, const char *text, size_t len)
{
	struct arc_ignore *ig = xcalloc(1, sizeof(*ig));
	const char *p = text, *end = text + len;
	size_t lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p;
		lineno++;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (e > s && *s != '#') {
			if (memmem(s, (size_t)(e - s), "**", 2)) {
				arc_ignore_free(ig);
				return arc_error_code(ARC_E_PARSE, ".helmignore:%zu: double-star (**) syntax is not supported",
						      lineno);
			}
			add_rule(ig, s, (size_t)(e - s));
		}
		p = nl ? nl + 1 : end;
	}
	add_rule(ig, "templates/.?*", 13); /* Helm's default, after the file's rules */
	*out = ig;
	return 0;
}

int arc_ignore_match(const struct arc_ignore *ig, const char *path, int is_dir)
{
	/* Helm's rules: evaluated in order, the first decisive rule wins.  A
	 * negated rule decides "ignored" for everything it does NOT match (and for
	 * non-directories when it ends in '/'); a path it matches goes on to the
	 * next rule. */
	size_t i;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!*path || !strcmp(path, "."))
		return 0;
	for (i = 0; i < ig->n; i++) {
		const struct ignore_rule *r = &ig->r[i];
		int m = fnmatch(r->pattern, r->has_slash ? path : base, FNM_PATHNAME) == 0;
		if (r->negate) {
			if (r->dir_only && !is_dir)
				return 1;
			if (!m)
				return 1;
			continue;
		}
		if (r->dir_only && !is_dir)
			continue;
		if (m)
			return 1;
	}
	return 0;
}

void arc_ignore_free(struct arc_ignore *ig)
{
	size_t i;
	if (!ig)
		return;
	for (i = 0; i < ig->n; i++)
		free(ig->r[i].pattern);
	free(ig->r);
	free(ig);
}

/* ---- classification of a chart's files ---- */

/* Files read so far.  Their bytes are the list's own (own: taken from the
 * reader, freed with the list unless a chart took them) or borrowed from where
 * they lie (an archive held in memory, a parent list). */
struct filelist {
	struct arc_chart_file *f;
	size_t n, cap;
	size_t total;
	int own;
};

static void fl_put(struct filelist *l, const char *path, char *data, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->f = xrealloc(l->f, l->cap * sizeof(*l->f));
	}
	l->f[l->n].path = xstrdup(path);
	l->f[l->n].data = data;
	l->f[l->n].len = len;
	l->n++;
	l->total += len;
}

/* a UTF-8 BOM is dropped, as Helm does */
static int has_bom(const char *data, size_t len)
{
	return len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3);
}

/* the bytes where they are (they outlive the list, which owns none) */
static void fl_add_ref(struct filelist *l, const char *path, const char *data, size_t len)
{
	if (has_bom(data, len)) {
		data += 3;
		len -= 3;
	}
	fl_put(l, path, (char *)data, len);
}

/* a malloc'd, NUL-terminated buffer the list takes (the list owns all its bytes) */
static void fl_add_take(struct filelist *l, const char *path, char *data, size_t len)
{
	if (has_bom(data, len)) {
		memmove(data, data + 3, len - 3 + 1);
		len -= 3;
	}
	l->own = 1;
	fl_put(l, path, data, len);
}

static void fl_release(struct filelist *l)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		free(l->f[i].path);
		if (l->own)
			free(l->f[i].data);
	}
	free(l->f);
	memset(l, 0, sizeof(*l));
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct arc_chart_file *)a)->path, ((const struct arc_chart_file *)b)->path);
}

static int load_files_depth(struct arc_chart **out, struct arc_chart_file *files, size_t n, int depth,
			    struct arc_chart_store *store, int take);

/* Metadata.Validate's part for dependencies: no null entries, aliases made of
 * [a-zA-Z0-9_-], no two dependencies with the same name or alias */
static int check_dependencies(arc_value *md, const char *where)
{
	arc_value *deps = arc_v_map_get(md, "dependencies");
	size_t i, j;
	if (!deps || deps->kind != ARC_LIST)
		return 0;
	for (i = 0; i < arc_v_list_len(deps); i++) {
		arc_value *d = arc_v_list_at(deps, i), *name, *alias;
		const char *key, *p;
		if (d->kind != ARC_MAP)
			return arc_error_code(ARC_E_PARSE, "%svalidation: dependencies must not contain empty or null "
							   "nodes", where);
		name = arc_v_map_get(d, "name");
		alias = arc_v_map_get(d, "alias");
		key = name && name->kind == ARC_STRING ? name->u.s.ptr : "";
		if (alias && alias->kind == ARC_STRING && alias->u.s.len) {
			for (p = alias->u.s.ptr; *p; p++)
				if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
				      *p == '_' || *p == '-'))
					break;
			if (*p || alias->u.s.len != strlen(alias->u.s.ptr)) {
				struct arc_buf q = ARC_BUF_INIT;
				int rc;
				arc_fmt_quote(&q, key, strlen(key));
				rc = arc_error_code(ARC_E_PARSE, "%svalidation: dependency %s has disallowed characters "
								 "in the alias", where, arc_buf_cstr(&q));
				arc_buf_release(&q);
				return rc;
			}
			key = alias->u.s.ptr;
		}
		for (j = 0; j < i; j++) {
			arc_value *o = arc_v_list_at(deps, j), *on = arc_v_map_get(o, "name"),
				  *oa = arc_v_map_get(o, "alias");
			const char *okey = oa && oa->kind == ARC_STRING && oa->u.s.len ? oa->u.s.ptr
					   : on && on->kind == ARC_STRING ? on->u.s.ptr : "";
			if (!strcmp(okey, key)) {
				struct arc_buf q = ARC_BUF_INIT;
				int rc;
				arc_fmt_quote(&q, key, strlen(key));
				rc = arc_error_code(ARC_E_PARSE, "%svalidation: more than one dependency with name or "
								 "alias %s", where, arc_buf_cstr(&q));
				arc_buf_release(&q);
				return rc;
			}
		}
	}
	return 0;
}

static int check_metadata(arc_value *md, const char *where)
{
	static const char *const fields[] = { "apiVersion", "name", "version" };
	size_t i;
	arc_value *v;
	for (i = 0; i < ARC_ARRAY_LEN(fields); i++) {
		v = arc_v_map_get(md, fields[i]);
		if (!v || v->kind == ARC_NULL || (v->kind == ARC_STRING && v->u.s.len == 0))
			return arc_error_code(ARC_E_PARSE, "%svalidation: chart.metadata.%s is required", where,
					      fields[i]);
	}
	v = arc_v_map_get(md, "type");
	if (v && v->kind == ARC_STRING && v->u.s.len && strcmp(v->u.s.ptr, "application") &&
	    strcmp(v->u.s.ptr, "library"))
		return arc_error_code(ARC_E_PARSE, "%svalidation: chart.metadata.type must be application or library",
				      where);
	v = arc_v_map_get(md, "name");
	if (v->kind == ARC_STRING && (strchr(v->u.s.ptr, '/') || strchr(v->u.s.ptr, '\\')))
		return arc_error_code(ARC_E_PARSE, "%svalidation: chart.metadata.name %s is invalid", where,
				      v->u.s.ptr);
	v = arc_v_map_get(md, "version");
	if (v->kind == ARC_STRING) {
		struct arc_semver sv;
		if (arc_semver_parse(&sv, v->u.s.ptr, v->u.s.len) != 0) {
			struct arc_buf q = ARC_BUF_INIT;
			int rc;
			arc_fmt_quote(&q, v->u.s.ptr, v->u.s.len);
			rc = arc_error_code(ARC_E_PARSE, "%svalidation: chart.metadata.version %s is invalid", where,
					    arc_buf_cstr(&q));
			arc_buf_release(&q);
			return rc;
		}
		arc_semver_release(&sv);
	}
	return check_dependencies(md, where);
}

/* Where the chart's files get their bytes: `store`, what they lie in when they
 * are an archive's (the chart points into it); else with `take` the malloc'd,
 * NUL-terminated buffers of `files`, which the chart takes (their data becomes
 * NULL there); else copies. */
static int load_files_depth(struct arc_chart **out, struct arc_chart_file *files, size_t n, int depth,
			    struct arc_chart_store *store, int take)
{
	struct arc_chart *c;
	struct filelist sub = { 0 };
	const struct arc_chart_file *chart_yaml = NULL, *values_yaml = NULL;
	arc_value *md = NULL, *vals = NULL;
	size_t i;
	int rc = 0;

	if (depth > 32)
		return arc_error_code(ARC_E_RANGE, "charts nested more than 32 deep");
	for (i = 0; i < n; i++) {
		if (!strcmp(files[i].path, "Chart.yaml"))
			chart_yaml = &files[i];
		else if (!strcmp(files[i].path, "values.yaml"))
			values_yaml = &files[i];
	}
	if (!chart_yaml)
		return arc_error_code(ARC_E_PARSE, "Chart.yaml file is missing");
	if ((rc = arc_yaml_load(&md, "", chart_yaml->data, chart_yaml->len, 0)) != 0) {
		arc_error_prefix("cannot load Chart.yaml: error converting YAML to JSON");
		return rc;
	}
	if (md->kind == ARC_NULL) {
		arc_v_unref(md);
		md = arc_v_map();
	}
	if (md->kind != ARC_MAP) {
		arc_v_unref(md);
		return arc_error_code(ARC_E_PARSE, "cannot load Chart.yaml: not a mapping");
	}
	/* Helm 2 charts may lack apiVersion: they are v1 charts */
	{
		arc_value *av = arc_v_map_get(md, "apiVersion");
		if (!av || av->kind == ARC_NULL || (av->kind == ARC_STRING && av->u.s.len == 0))
			arc_v_map_set(md, "apiVersion", arc_v_str("v1"));
	}
	/* requirements.yaml (deprecated, apiVersion v1) declares the dependencies */
	for (i = 0; i < n; i++) {
		arc_value *req = NULL, *d;
		if (strcmp(files[i].path, "requirements.yaml") != 0)
			continue;
		if ((rc = arc_yaml_load(&req, "", files[i].data, files[i].len, ARC_YAML_FLOATS)) != 0) {
			arc_v_unref(md);
			arc_error_prefix("cannot load requirements.yaml: error converting YAML to JSON");
			return rc;
		}
		d = req->kind == ARC_MAP ? arc_v_map_get(req, "dependencies") : NULL;
		if (d && d->kind != ARC_NULL)
			arc_v_map_set(md, "dependencies", arc_v_ref(d));
		arc_v_unref(req);
	}
	if ((rc = check_metadata(md, "")) != 0) {
		arc_v_unref(md);
		return rc;
	}
	if (values_yaml) {
		if ((rc = arc_values_load(&vals, values_yaml->data, values_yaml->len)) != 0) {
			arc_v_unref(md);
			arc_error_prefix("cannot load values.yaml");
			return rc;
		}
	}
	c = arc_chart_new();
	arc_chart_set_metadata(c, md);
	arc_chart_set_values(c, vals ? vals : arc_v_map());
	if (store)
		arc_chart_use_store(c, store);
	for (i = 0; i < n; i++) {
		const struct arc_chart_file *f = &files[i];
		if (!strcmp(f->path, "Chart.yaml"))
			continue;
		if (!strncmp(f->path, "charts/", 7) && !(strlen(f->path) > 5 && !strcmp(f->path + strlen(f->path) - 5, ".prov"))) {
			fl_add_ref(&sub, f->path + 7, f->data, f->len);
			continue;
		}
		if (store) {
			arc_chart_add_file_shared(c, f->path, f->data, f->len);
		} else if (take) {
			arc_chart_add_file_take(c, f->path, f->data, f->len);
			files[i].data = NULL;
		} else {
			arc_chart_add_file(c, f->path, f->data, f->len);
		}
	}
	/* subcharts: group by first path element, in name order */
	if (sub.n)
		qsort(sub.f, sub.n, sizeof(*sub.f), cmp_file);
	for (i = 0; i < sub.n && rc == 0;) {
		const char *slash = strchr(sub.f[i].path, '/');
		size_t nl = slash ? (size_t)(slash - sub.f[i].path) : strlen(sub.f[i].path), j;
		char *name = xstrndup(sub.f[i].path, nl);
		struct arc_chart *sc = NULL;
		for (j = i; j < sub.n && !strncmp(sub.f[j].path, name, nl) &&
			    (sub.f[j].path[nl] == '/' || sub.f[j].path[nl] == '\0');
		     j++)
			;
		if (name[0] == '_' || name[0] == '.') {
			/* ignored, as Helm does */
		} else if (!slash) {
			if (nl > 4 && !strcmp(name + nl - 4, ".tgz")) {
				rc = arc_chart_load_archive(&sc, name, sub.f[i].data, sub.f[i].len);
			}
			/* other plain files directly in charts/ are not charts */
		} else {
			struct filelist inner = { 0 };
			size_t k;
			for (k = i; k < j; k++)
				fl_add_ref(&inner, sub.f[k].path + nl + 1, sub.f[k].data, sub.f[k].len);
			rc = load_files_depth(&sc, inner.f, inner.n, depth + 1, store, 0);
			fl_release(&inner);
		}
		if (rc) {
			arc_error_prefix("error unpacking subchart %s in %s", name, arc_chart_name(c));
		} else if (sc) {
			arc_chart_add_dep(c, sc);
		}
		free(name);
		i = j;
	}
	fl_release(&sub);
	if (rc) {
		arc_chart_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int arc_chart_load_files(struct arc_chart **out, const struct arc_chart_file *files, size_t n)
{
	/* copies only: the files stay the caller's */
	return load_files_depth(out, (struct arc_chart_file *)files, n, 0, NULL, 0);
}

/* ---- archives ---- */

/*
 * Two readers.  The plain one takes the archives charts usually are — one
 * gzip member holding a ustar/GNU tar of directories and regular files with
 * short, clean paths — and inflates the whole tar into one block that the
 * chart's files then point into (no copies, no per-file buffers).  Anything
 * else (links, pax or long-name headers, odd paths, sizes over the limits,
 * damaged data) goes to libarchive, which reads or refuses it with the
 * errors below; so does an archive the plain reader is unsure of.
 */

static size_t tar_octal(const unsigned char *p, size_t n, int *ok)
{
	size_t v = 0, i = 0;
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v > (SIZE_MAX >> 3))
			*ok = 0;
		v = (v << 3) | (size_t)(p[i] - '0');
	}
	/* the rest: NULs or spaces */
	for (; i < n; i++)
		if (p[i] != '\0' && p[i] != ' ')
			*ok = 0;
	return v;
}

/* a member path the plain reader takes: "<dir>/<clean relative path>", no
 * backslashes, no empty, "." or ".." segments; *rel gets the part after <dir>/ */
static int tar_path_ok(const char *p, const char **rel)
{
	const char *slash = strchr(p, '/'), *seg;
	if (!slash || slash == p || strchr(p, '\\') || (p[0] && p[1] == ':'))
		return 0;
	for (seg = slash + 1;;) {
		const char *e = strchr(seg, '/');
		size_t n = e ? (size_t)(e - seg) : strlen(seg);
		if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		if (!e)
			break;
		seg = e + 1;
	}
	*rel = slash + 1;
	return 1;
}

/* 1: every member read into fl (pointing into buf); 0: left to libarchive */
static int tar_plain(struct filelist *fl, const char *buf, size_t len)
{
	size_t off = 0, i;
	while (off + 512 <= len) {
		const unsigned char *h = (const unsigned char *)buf + off;
		char name[256 + 2];
		const char *rel;
		size_t sum = 0, size, nl, pl;
		int ok = 1, gnu;
		for (i = 0; i < 512 && !h[i]; i++)
			;
		if (i == 512) { /* the end: zero blocks to the end of the data */
			for (i = off; i < len; i++)
				if (buf[i])
					return 0;
			return fl->n > 0;
		}
		for (i = 0; i < 512; i++)
			sum += i >= 148 && i < 156 ? ' ' : h[i];
		if (tar_octal(h + 148, 8, &ok) != sum || !ok)
			return 0;
		gnu = !memcmp(h + 257, "ustar  \0", 8);
		if (!gnu && memcmp(h + 257, "ustar\0" "00", 8))
			return 0;
		size = tar_octal(h + 124, 12, &ok);
		if (!ok || size > ARC_CHART_MAX_FILE || size > len - off - 512)
			return 0;
		nl = strnlen((const char *)h, 100);
		pl = strnlen((const char *)h + 345, 155);
		if (gnu) {
			for (i = 345; i < 500; i++)
				if (h[i])
					return 0;
			pl = 0;
		}
		if (pl) {
			memcpy(name, h + 345, pl);
			name[pl] = '/';
			memcpy(name + pl + 1, h, nl);
			name[pl + 1 + nl] = '\0';
		} else {
			memcpy(name, h, nl);
			name[nl] = '\0';
		}
		if (h[156] == '5') {
			/* a directory */
		} else if (h[156] == '0' || h[156] == '\0') {
			if (!tar_path_ok(name, &rel) || fl->total + size > ARC_CHART_MAX_SIZE)
				return 0;
			fl_add_ref(fl, rel, buf + off + 512, size);
		} else {
			return 0;
		}
		off += 512 + (size + 511) / 512 * 512;
	}
	return 0;
}

/* The one gzip member of data, inflated into a malloc'd block (NUL after
 * the *outlen bytes); 0 when that is not what data is, or it is too big. */
static int gunzip_all(const void *data, size_t len, char **out, size_t *outlen)
{
	const unsigned char *d = data;
	z_stream z;
	size_t isize, cap;
	char *buf;
	int r;
	if (len < 18)
		return 0;
	isize = (size_t)d[len - 4] | (size_t)d[len - 3] << 8 | (size_t)d[len - 2] << 16 | (size_t)d[len - 1] << 24;
	if (isize > (size_t)ARC_CHART_MAX_SIZE * 2)
		return 0;
	cap = isize + 1;
	buf = xmalloc(cap);
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return 0;
	}
	z.next_in = (unsigned char *)d;
	z.avail_in = (uInt)len;
	z.next_out = (unsigned char *)buf;
	z.avail_out = (uInt)cap;
	r = inflate(&z, Z_FINISH);
	/* the whole input in one member, and exactly the size its trailer gives */
	if (r != Z_STREAM_END || z.avail_in != 0 || z.total_out != isize || (uLong)len != z.total_in) {
		inflateEnd(&z);
		free(buf);
		return 0;
	}
	inflateEnd(&z);
	buf[isize] = '\0';
	*out = buf;
	*outlen = isize;
	return 1;
}

static int load_archive_libarchive(struct arc_chart **out, const char *name, const void *data, size_t len);

/* gz: data is gzip'd (else a plain tar) */
static int load_archive(struct arc_chart **out, const char *name, const void *data, size_t len, int gz)
{
	struct filelist fl = { 0 };
	struct arc_chart_store *st = NULL;
	const char *p = data;
	char *buf = NULL;
	size_t n = len;
	int rc;
	if (len > UINT32_MAX || (gz && !gunzip_all(data, len, &buf, &n)))
		return load_archive_libarchive(out, name, data, len);
	if (buf)
		p = buf;
	/* the store holds the bytes and, for an inflated tar, its final NUL */
	st = arc_chart_store_new(buf, p, buf ? n + 1 : n);
	if (!tar_plain(&fl, p, n)) {
		fl_release(&fl);
		arc_chart_store_unref(st);
		return load_archive_libarchive(out, name, data, len);
	}
	rc = load_files_depth(out, fl.f, fl.n, 0, st, 0);
	if (rc)
		arc_error_prefix("%s", name);
	fl_release(&fl);
	arc_chart_store_unref(st);
	return rc;
}

int arc_chart_load_archive(struct arc_chart **out, const char *name, const void *data, size_t len)
{
	if (len < 3 || memcmp(data, "\x1f\x8b\x08", 3) != 0)
		return arc_error_code(ARC_E_PARSE, "file '%s' does not appear to be a gzipped archive", name);
	return load_archive(out, name, data, len, 1);
}

static int load_archive_libarchive(struct arc_chart **out, const char *name, const void *data, size_t len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	struct filelist fl = { 0 };
	char *buf = NULL;
	int rc = 0, r;

	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
		rc = arc_error_code(ARC_E_PARSE, "%s: %s", name, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(e), *slash;
		mode_t type = archive_entry_filetype(e);
		la_int64_t size = archive_entry_size(e);
		char *rel, *q;
		size_t got = 0, want;
		la_ssize_t nr;

		if (!p)
			continue;
		if (type == AE_IFDIR)
			continue;
		if (!strcmp(p, "pax_global_header"))
			continue;
		if (p[0] == '/' || (strlen(p) > 2 && p[1] == ':' && (p[2] == '/' || p[2] == '\\'))) {
			rc = arc_error_code(ARC_E_PARSE, "%s: chart illegally contains absolute paths (%s)", name, p);
			goto out;
		}
		slash = strpbrk(p, "/\\");
		if (!slash) {
			if (!strcmp(p, "Chart.yaml")) {
				rc = arc_error_code(ARC_E_PARSE, "%s: chart yaml not in base directory", name);
				goto out;
			}
			rc = arc_error_code(ARC_E_PARSE, "%s: chart illegally contains content outside the base "
							 "directory: \"%s\"", name, p);
			goto out;
		}
		rel = xstrdup(slash + 1);
		for (q = rel; *q; q++)
			if (*q == '\\')
				*q = '/';
		/* clean the path and refuse anything that climbs out */
		{
			char *seg, *save = NULL, *copy = xstrdup(rel);
			struct arc_buf clean = ARC_BUF_INIT;
			int bad = rel[0] == '/';
			for (seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
				if (!strcmp(seg, "."))
					continue;
				if (!strcmp(seg, "..")) {
					bad = 1;
					break;
				}
				if (clean.len)
					arc_buf_putc(&clean, '/');
				arc_buf_puts(&clean, seg);
			}
			free(copy);
			if (bad || clean.len == 0) {
				arc_buf_release(&clean);
				rc = arc_error_code(ARC_E_PARSE, "%s: chart illegally references parent directory (%s)",
						    name, p);
				free(rel);
				goto out;
			}
			free(rel);
			rel = arc_buf_detach(&clean, NULL);
		}
		if (type == AE_IFLNK || archive_entry_hardlink(e)) {
			rc = arc_error_code(ARC_E_PARSE, "%s: chart contains a link (%s → %s); links are not allowed in "
							 "chart archives", name, p,
					    archive_entry_symlink(e) ? archive_entry_symlink(e)
								     : archive_entry_hardlink(e) ? archive_entry_hardlink(e) : "?");
			free(rel);
			goto out;
		}
		if (type != AE_IFREG) {
			rc = arc_error_code(ARC_E_PARSE, "%s: chart contains %s, which is not a regular file", name, p);
			free(rel);
			goto out;
		}
		if (size > (la_int64_t)ARC_CHART_MAX_FILE) {
			rc = arc_error_code(ARC_E_RANGE, "%s: file %s is larger than the maximum file size %u", name, p,
					    ARC_CHART_MAX_FILE);
			free(rel);
			goto out;
		}
		/* the size the header gives, and a byte more to catch a longer member */
		want = size > 0 ? (size_t)size : 0;
		buf = xmalloc(want + 2);
		while ((nr = archive_read_data(a, buf + got, want + 1 - got)) > 0) {
			got += (size_t)nr;
			if (got > want) {
				buf = xrealloc(buf, ARC_CHART_MAX_FILE + 2);
				while (got <= ARC_CHART_MAX_FILE &&
				       (nr = archive_read_data(a, buf + got, ARC_CHART_MAX_FILE + 1 - got)) > 0)
					got += (size_t)nr;
				break;
			}
		}
		if (nr < 0) {
			rc = arc_error_code(ARC_E_PARSE, "%s: reading %s: %s", name, p, archive_error_string(a));
			free(rel);
			goto out;
		}
		if (got > ARC_CHART_MAX_FILE) {
			rc = arc_error_code(ARC_E_RANGE, "%s: file %s is larger than the maximum file size %u", name, p,
					    ARC_CHART_MAX_FILE);
			free(rel);
			goto out;
		}
		if (fl.total + got > ARC_CHART_MAX_SIZE) {
			rc = arc_error_code(ARC_E_RANGE, "%s: decompressed chart is larger than the maximum size %u", name,
					    ARC_CHART_MAX_SIZE);
			free(rel);
			goto out;
		}
		buf[got] = '\0';
		fl_add_take(&fl, rel, buf, got);
		buf = NULL;
		free(rel);
	}
	if (r != ARCHIVE_EOF) {
		rc = arc_error_code(ARC_E_PARSE, "%s: %s", name, archive_error_string(a));
		goto out;
	}
	if (fl.n == 0) {
		rc = arc_error_code(ARC_E_PARSE, "%s: no files in chart archive", name);
		goto out;
	}
	rc = load_files_depth(out, fl.f, fl.n, 0, NULL, 1);
	if (rc)
		arc_error_prefix("%s", name);
out:
	free(buf);
	fl_release(&fl);
	archive_read_free(a);
	return rc;
}

/* ---- directories ---- */

static int walk(const char *root, const char *rel, const struct arc_ignore *ig, struct filelist *fl, int depth)
{
	char *dirpath = rel[0] ? xasprintf("%s/%s", root, rel) : xstrdup(root);
	DIR *d = opendir(dirpath);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!d) {
		rc = arc_error_code(ARC_E_IO, "open %s: %s", dirpath, strerror(errno));
		free(dirpath);
		return rc;
	}
	if (depth > 64) {
		closedir(d);
		free(dirpath);
		return arc_error_code(ARC_E_RANGE, "%s: directories nested too deep (a symlink loop?)", root);
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		names = xrealloc(names, (n + 1) * sizeof(char *));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	for (i = 0; i < n && rc == 0; i++) {
		char *r = rel[0] ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		char *full = xasprintf("%s/%s", root, r);
		struct stat st;
		if (stat(full, &st) != 0) {
			/* a dangling link: Helm fails on it too */
			rc = arc_error_code(ARC_E_IO, "stat %s: %s", full, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			if (!arc_ignore_match(ig, r, 1))
				rc = walk(root, r, ig, fl, depth + 1);
		} else if (S_ISREG(st.st_mode) && !arc_ignore_match(ig, r, 0)) {
			char *data;
			size_t len;
			if ((size_t)st.st_size > ARC_CHART_MAX_FILE) {
				rc = arc_error_code(ARC_E_RANGE, "chart file %s is larger than the maximum file size %u",
						    full, ARC_CHART_MAX_FILE);
			} else if ((rc = arc_read_file(full, ARC_CHART_MAX_FILE, &data, &len)) == 0) {
				if (fl->total + len > ARC_CHART_MAX_SIZE) {
					rc = arc_error_code(ARC_E_RANGE, "chart %s is larger than the maximum size %u",
							    root, ARC_CHART_MAX_SIZE);
					free(data);
				} else {
					/* read into a doubling buffer: give the slack back */
					fl_add_take(fl, r, xrealloc(data, len + 1), len);
				}
			}
		}
		free(r);
		free(full);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dirpath);
	return rc;
}

int arc_chart_load_dir(struct arc_chart **out, const char *dir)
{
	struct arc_ignore *ig = NULL;
	struct filelist fl = { 0 };
	char *ipath = xasprintf("%s/.helmignore", dir), *idata = NULL;
	size_t ilen = 0;
	int rc;

	if (arc_read_file(ipath, 1u << 20, &idata, &ilen) != 0) {
		idata = NULL;
		ilen = 0;
		arc_error_clear();
	}
	rc = arc_ignore_parse(&ig, idata ? idata : "", ilen);
	free(idata);
	free(ipath);
	if (rc)
		return rc;
	rc = walk(dir, "", ig, &fl, 0);
	arc_ignore_free(ig);
	if (rc == 0) {
		if (fl.n)
			qsort(fl.f, fl.n, sizeof(*fl.f), cmp_file);
		/* helm names no directory in these errors */
		rc = load_files_depth(out, fl.f, fl.n, 0, NULL, 1);
	}
	fl_release(&fl);
	return rc;
}

int arc_chart_load_path(struct arc_chart **out, const char *path)
{
	struct stat st;
	char *data;
	size_t len;
	int rc;
	if (stat(path, &st) != 0)
		return arc_error_code(ARC_E_IO, "path \"%s\" not found", path);
	if (S_ISDIR(st.st_mode))
		return arc_chart_load_dir(out, path);
	if ((rc = arc_read_file(path, ARC_CHART_MAX_SIZE, &data, &len)) != 0)
		return rc;
	if (len < 3 || memcmp(data, "\x1f\x8b\x08", 3) != 0) {
		size_t pl = strlen(path);
		free(data);
		if ((pl > 5 && !strcmp(path + pl - 5, ".yaml")) || (pl > 4 && !strcmp(path + pl - 4, ".yml")))
			return arc_error_code(ARC_E_PARSE, "file '%s' seems to be a YAML file, but expected a gzipped "
							   "archive", path);
		return arc_error_code(ARC_E_PARSE, "file '%s' does not appear to be a gzipped archive", path);
	}
	rc = arc_chart_load_archive(out, path, data, len);
	free(data);
	return rc;
}

/* The build embeds the chart as a plain tar (its files are then read where
 * they lie, in the binary) or gzip'd */
int arc_chart_load_bundled(struct arc_chart **out)
{
	int gz = arc_bundled_chart_len >= 3 && memcmp(arc_bundled_chart, "\x1f\x8b\x08", 3) == 0;
	return load_archive(out, "bundled chart", arc_bundled_chart, arc_bundled_chart_len, gz);
}
