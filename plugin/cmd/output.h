/* output.h - printing objects and log lines the way kubectl does */
#ifndef ARC_CMD_OUTPUT_H
#define ARC_CMD_OUTPUT_H

#include "../value/value.h"

/* -o json (4-space indent, as kubectl) or -o yaml to stdout */
void arc_print_object(arc_value *obj, const char *format);
/* arc_kube_log_fn: "Warning: …" for server warnings, "I…] …" lines for -v */
void arc_log_to_stderr(void *ctx, int is_warning, const char *line);
/* colours only on a terminal and never with NO_COLOR */
int arc_use_color(int fd);

#endif
