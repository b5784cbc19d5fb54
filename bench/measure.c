/* Run one command and report its wall time and peak memory, more finely than /usr/bin/time
 * (whose %e has 10 ms steps, too coarse for the small inputs).
 *
 * usage: migplan-measure [-o FILE] CMD [ARG...]
 * The command's standard output goes to FILE (default /dev/null); standard error is kept.
 * Prints one line: "<wall seconds> <CPU seconds> <peak RSS in KiB> <exit status>": CPU is user
 * + system time (steadier than wall time on a busy machine), and a command killed by a signal
 * has status 128 + the signal. Exit status: 0, or 1 when the command could not
 * be started. */
#define _DEFAULT_SOURCE /* wait4(), which gives the child's own rusage */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* In the child: send standard output to @p out, then become the command. */
static void run_child(const char *out, char **cmd)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "migplan-measure: %s: %s\n", out, strerror(errno));
		_exit(127);
	}
	close(fd);
	execvp(cmd[0], cmd);
	fprintf(stderr, "migplan-measure: %s: %s\n", cmd[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null";
	int first = 1;
	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		out = argv[2];
		first = 3;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: migplan-measure [-o FILE] CMD [ARG...]\n");
		return 64;
	}
	fflush(stdout);
	double start = now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("migplan-measure: fork");
		return 1;
	}
	if (pid == 0)
		run_child(out, argv + first);
	int wstatus;
	struct rusage ru;
	while (wait4(pid, &wstatus, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("migplan-measure: wait4");
			return 1;
		}
	}
	double wall = now() - start;
	int status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	             (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	/* ru_maxrss is in KiB on Linux, and wait4 gives that of this child alone */
	printf("%.6f %.6f %ld %d\n", wall, cpu, ru.ru_maxrss, status);
	return status == 127 ? 1 : 0;
}
