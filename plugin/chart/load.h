/*
 * load.h - loading charts: from a directory (honouring .helmignore), from a
 * .tgz held in memory (nothing is written to disk), and from a list of
 * in-memory files.  Subcharts under charts/ (directories or .tgz) become
 * dependencies.  An ordinary archive (one gzip member, a ustar tar of plain
 * files and directories) is inflated into one block that the chart's files
 * point into; anything else is read, or refused, by libarchive.  The bundled
 * chart is embedded as a plain tar (or a .tgz) and read where it lies.
 *
 * Safety (archives): absolute paths, `..`, links and special files are refused;
 * the decompressed chart is limited to 100 MiB and each file to 5 MiB.
 *
 * OWNERSHIP: *out receives a chart the caller frees with arc_chart_free().
 * Errors name the chart and the file at fault, with Helm's wording where Helm
 * has one.
 */
#ifndef ARC_CHART_LOAD_H
#define ARC_CHART_LOAD_H

#include "chart.h"

#define ARC_CHART_MAX_SIZE (100u << 20)
#define ARC_CHART_MAX_FILE (5u << 20)

int arc_chart_load_path(struct arc_chart **out, const char *path);
/* the chart compiled into the binary (chart/ packed at build time, as a plain tar or gzip'd) */
int arc_chart_load_bundled(struct arc_chart **out);
extern const unsigned char arc_bundled_chart[];
extern const size_t arc_bundled_chart_len;
int arc_chart_load_dir(struct arc_chart **out, const char *dir);
int arc_chart_load_archive(struct arc_chart **out, const char *name, const void *data, size_t len);
/* files: paths relative to the chart root ("Chart.yaml", "templates/x.yaml", "charts/sub/…") */
int arc_chart_load_files(struct arc_chart **out, const struct arc_chart_file *files, size_t n);

/* .helmignore rules (exposed for tests): returns 1 when `path` (relative,
 * '/'-separated; is_dir for directories) is ignored by the rules text. */
struct arc_ignore;
int arc_ignore_parse(struct arc_ignore **out, const char *text, size_t len);
int arc_ignore_match(const struct arc_ignore *ig, const char *path, int is_dir);
void arc_ignore_free(struct arc_ignore *ig);

#endif
