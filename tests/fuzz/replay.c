/* replay.c - standalone driver for the libFuzzer harnesses: runs
 * LLVMFuzzerTestOneInput on every file of a corpus directory and prints one
 * TAP line per input, so `make test` replays the committed corpus (and every
 * crash that was found and added to it) without libFuzzer. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	int t = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
		return 2;
	}
	d = opendir(argv[1]);
	if (!d) {
		printf("not ok 1 - corpus %s is missing\n", argv[1]);
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", argv[1], names[i]), *buf;
		size_t len;
		if (arc_read_file(path, 16u << 20, &buf, &len) == 0) {
			/* a crash or sanitizer report ends the process: run.sh reports it */
			LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
			free(buf);
			printf("ok %d - %s\n", ++t, path);
		} else {
			printf("not ok %d - %s: %s\n", ++t, path, arc_error_last());
		}
		free(path);
		free(names[i]);
	}
	free(names);
	arc_error_clear();
	printf("1..%d\n", t);
	return 0;
}
