/* `ballast report RESULTS_DIR [--compare PREVIOUS_DIR]`: the ALCO pack, drawn by
 * scripts/alco/report.py (matplotlib, netCDF4: the ecosystem's plotting and data libraries).
 *
 * The script is found beside the executable's source tree: from /proc/self/exe (e.g.
 * <src>/build/ballast) up to three directories up, the first `scripts/alco/report.py`;
 * BALLAST_REPORT_SCRIPT overrides. It runs under Debian's /usr/bin/python3 (where the python3-*
 * packages are), else the first python3 on PATH. The exit status is the script's: 0 done,
 * 2 usage, 3 missing or bad results file (named by the script), 5 I/O. */
#define _POSIX_C_SOURCE 200809L
#include <ballast/commands.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int find_script(char *out, size_t len)
{
  const char *env = getenv("BALLAST_REPORT_SCRIPT");
  if (env && env[0]) {
    snprintf(out, len, "%s", env);
    return access(out, R_OK) == 0;
  }
  char    exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return 0;
  exe[n] = 0;
  for (int up = 0; up < 4; up++) {
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = 0;
    snprintf(out, len, "%s/scripts/alco/report.py", exe[0] ? exe : "");
    if (access(out, R_OK) == 0) return 1;
  }
  return 0;
}

/* Rank 0 runs the script and waits; its status is broadcast, so every rank returns the same. */
PetscErrorCode BallastCmdReport(int argc, char **argv)
{
  PetscMPIInt rank;
  int         status = 0;
  char        script[PATH_MAX + 64] = "", msg[PATH_MAX + 128] = "";
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (rank == 0) {
    if (!find_script(script, sizeof script)) {
      snprintf(msg, sizeof msg, "cannot find scripts/alco/report.py beside the executable (set BALLAST_REPORT_SCRIPT)");
      status = BALLAST_EXIT_IO;
    } else {
      const char *python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
      char      **av;
      PetscCall(PetscCalloc1(argc + 3, &av));
      av[0] = (char *)python;
      av[1] = script;
      for (int i = 1; i < argc; i++) av[i + 1] = argv[i];
      fflush(stdout);
      fflush(stderr);
      pid_t pid = fork();
      if (pid == 0) {
        execvp(python, av);
        fprintf(stderr, "ballast report: error: cannot run %s: %s\n", python, strerror(errno));
        _exit(127);
      }
      int ws = 0;
      if (pid < 0 || waitpid(pid, &ws, 0) < 0) {
        snprintf(msg, sizeof msg, "cannot start %s %s: %s", python, script, strerror(errno));
        status = BALLAST_EXIT_IO;
      } else if (WIFEXITED(ws)) {
        status = WEXITSTATUS(ws);
        if (status == 127) {
          snprintf(msg, sizeof msg, "cannot run %s (install python3: scripts/setup)", python);
          status = BALLAST_EXIT_IO;
        } else if (status == 1) { /* an uncaught Python exception: its traceback is above */
          snprintf(msg, sizeof msg, "%s failed (traceback above)", script);
          status = BALLAST_EXIT_IO;
        }
      } else {
        snprintf(msg, sizeof msg, "%s was stopped by signal %d", script, WIFSIGNALED(ws) ? WTERMSIG(ws) : 0);
        status = BALLAST_EXIT_IO;
      }
      PetscCall(PetscFree(av));
    }
  }
  PetscCallMPI(MPI_Bcast(&status, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscCallMPI(MPI_Bcast(msg, sizeof msg, MPI_CHAR, 0, PETSC_COMM_WORLD));
  if (!status) PetscFunctionReturn(0);
  /* the script has printed its own message; ours only adds what it could not say */
  PetscErrorCode code = status == BALLAST_EXIT_USAGE ? BALLAST_ERR_USAGE : status == BALLAST_EXIT_INPUT ? BALLAST_ERR_INPUT : status == BALLAST_EXIT_NUMERIC ? BALLAST_ERR_NUMERIC : BALLAST_ERR_IO;
  SETERRQ(PETSC_COMM_WORLD, code, "%s", msg[0] ? msg : "no ALCO pack written (the reason is above)");
}
