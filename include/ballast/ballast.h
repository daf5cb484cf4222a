/* Ballast: the vocabulary every module shares — error currency, exit codes, small helpers.
 *
 * Every function returns PetscErrorCode and is called through PetscCall(); statuses of other
 * libraries are converted at the call site (BallastCallNC, BallastCallMPI...). Input errors carry
 * an exit code of their own (BallastExitCode) so that `ballast` exits with the status of
 * ../shared/spec/interfaces.md: 2 usage/configuration, 3 input data, 4 numerical, 5 I/O. */
#ifndef BALLAST_H
#define BALLAST_H

#include <petscsys.h>
#include <stdint.h>
#include <stdio.h>

#ifndef BALLAST_VERSION
#define BALLAST_VERSION "0.0.0"
#endif

typedef enum {
  BALLAST_EXIT_OK     = 0,
  BALLAST_EXIT_USAGE  = 2, /* usage or configuration error */
  BALLAST_EXIT_INPUT  = 3, /* input data error */
  BALLAST_EXIT_NUMERIC = 4, /* numerical failure */
  BALLAST_EXIT_IO     = 5, /* I/O failure */
  BALLAST_EXIT_INTERRUPTED = 75 /* interrupted (SIGTERM, SIGUSR1): checkpoint written, run again to resume (include/ballast/checkpoint.h) */
} BallastExit;

/* PETSc error codes reserved for Ballast's own classes of failure; the application maps them
 * to exit statuses. They are above PETSC_ERR_MAX_VALUE's user range start (PETSc leaves codes
 * >= 100 untouched in PetscError). */
#define BALLAST_ERR_USAGE   (PETSC_ERR_MAX_VALUE + 2)
#define BALLAST_ERR_INPUT   (PETSC_ERR_MAX_VALUE + 3)
#define BALLAST_ERR_NUMERIC (PETSC_ERR_MAX_VALUE + 4)
#define BALLAST_ERR_IO      (PETSC_ERR_MAX_VALUE + 5)
#define BALLAST_ERR_INTERRUPTED (PETSC_ERR_MAX_VALUE + 6)

/* Exit status for an error code returned by a Ballast function. */
int BallastExitCode(PetscErrorCode ierr);

/* A bounded list of human-readable diagnostics ("file:line:col: message"), collected while a
 * step runs so that all errors of a file are reported, not just the first; rank 0 prints the
 * union after the ranks agree on failure. Not collective. */
typedef struct {
  char   **msg;
  PetscInt n, cap, limit; /* n counted (may exceed limit), stored min(n, limit) */
} BallastDiag;

PetscErrorCode BallastDiagInit(BallastDiag *d, PetscInt limit);
PetscErrorCode BallastDiagAdd(BallastDiag *d, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);
PetscErrorCode BallastDiagFree(BallastDiag *d);
/* Collective: every rank learns the total number of diagnostics; rank 0 prints them all (in rank
 * order, up to the limit) to stderr. Returns the global count in *total. */
PetscErrorCode BallastDiagAgree(MPI_Comm comm, BallastDiag *d, const char *what, PetscInt *total);

/* Collective: ranks agree on a local failure flag; if any rank failed, every rank gets an error
 * `code` (no rank is left waiting in a collective). */
PetscErrorCode BallastAgree(MPI_Comm comm, PetscBool failed_here, PetscErrorCode code, const char *what);

/* Collective: THE failure agreement after any step that can fail on some ranks only (parsing,
 * validation, calibration, projection, rank-0-only work followed by a collective). `local` is this
 * rank's outcome (0 = success, else an error code); `msg` its message (NULL: the text PETSc holds
 * for `local`, e.g. after a PetscCall that failed under PetscReturnErrorHandler). If any rank
 * failed, every rank returns the error of the lowest-numbered failing rank, with its code (so the
 * exit status is the same everywhere) and its message; otherwise returns 0 on every rank.
 * Usage:  ierr = step(...); PetscCall(BallastAgreeError(comm, ierr, NULL)); */
PetscErrorCode BallastAgreeError(MPI_Comm comm, PetscErrorCode local, const char *msg);

/* SHA-256 of a file (hex, 65 bytes with NUL) and of a memory buffer. Not collective. */
PetscErrorCode BallastSHA256File(const char *path, char hex[65]);
PetscErrorCode BallastSHA256Buffer(const void *buf, size_t len, char hex[65]);

/* Not collective, no PETSc error: THE open of an input file for reading. Refuses, without
 * blocking, anything that is not a regular file (a directory, a FIFO, a device, a socket: a FIFO
 * would block fopen until a writer came). Returns 0 (*fp open), BALLAST_OPEN_MISSING (cannot be
 * opened: msg "PATH: cannot open: strerror") or BALLAST_OPEN_NOT_REGULAR (msg "PATH: not a
 * regular file (a directory)"); on failure *fp is NULL. msg may be NULL. */
#define BALLAST_OPEN_MISSING     1
#define BALLAST_OPEN_NOT_REGULAR 2
int BallastFileOpenRead(const char *path, FILE **fp, char *msg, size_t mlen);

/* Collective: rank 0 reads a whole (small) file, every rank receives the bytes (NUL-terminated,
 * free with PetscFree). Used for configuration and market data: all ranks parse the same bytes.
 * A path that is not a regular file is refused on every rank with BALLAST_ERR_INPUT (data) or
 * `refuse` (BallastReadBcastAs; BALLAST_ERR_USAGE for configuration files), naming the file; a
 * file that cannot be read is BALLAST_ERR_IO. */
PetscErrorCode BallastReadBcast(MPI_Comm comm, const char *path, char **buf, size_t *len);
PetscErrorCode BallastReadBcastAs(MPI_Comm comm, const char *path, PetscErrorCode refuse, char **buf, size_t *len);

/* Collective: the output directory, before any computation: created (mkdir -p) by rank 0, checked
 * to be a writable directory (a probe file written, fsynced and removed), and cleared of the
 * temporaries a killed run left (alm.nc.tmp.*, contracts.nc.tmp, cashflows.nc.tmp,
 * .cashflows-spill-*, .ballast-probe-*), each removal said on stderr. Every rank returns
 * BALLAST_ERR_IO naming the directory if it is not usable. */
PetscErrorCode BallastOutputDirPrepare(MPI_Comm comm, const char *dir);

/* Simple string helpers. */
PetscErrorCode BallastStrdup(const char *s, char **out);
/* Join dir and a relative path (absolute paths are returned as is). */
PetscErrorCode BallastPathResolve(const char *base_dir, const char *path, char **out);
/* Directory part of a path ("." if none). */
PetscErrorCode BallastDirname(const char *path, char **out);

#endif
