/* version.c - `kubectl arc version` */
#include <stdio.h>

#include "cmd.h"

#ifndef ARC_VERSION
#define ARC_VERSION "0.0.0-dev"
#endif
#ifndef ARC_COMMIT
#define ARC_COMMIT "unknown"
#endif

int arc_cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("kubectl-arc %s (commit %s)\n", ARC_VERSION, ARC_COMMIT);
	return 0;
}
