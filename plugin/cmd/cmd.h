/* cmd.h - the command table; each command lives in its own file */
#ifndef ARC_CMD_H
#define ARC_CMD_H

#include "../base/base.h"

struct arc_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the command name; returns the exit status */
};

int arc_cmd_version(int argc, char **argv);
int arc_cmd_kube(int argc, char **argv);
int arc_cmd_repo(int argc, char **argv);
int arc_cmd_template(int argc, char **argv);
int arc_cmd_install(int argc, char **argv);
int arc_cmd_upgrade(int argc, char **argv);
int arc_cmd_uninstall(int argc, char **argv);
int arc_cmd_status(int argc, char **argv);
int arc_cmd_runners(int argc, char **argv);
int arc_cmd_workflow(int argc, char **argv);
int arc_cmd_doctor(int argc, char **argv);

#endif
