/* The one NetCDF call checker of src/io (private to the writers).
 *
 * Every nc_* call of a writer goes through BallastCallNC(file, var, call): on error it returns
 * BALLAST_ERR_IO with a message naming the final file, the variable (none for file-level calls)
 * and nc_strerror, plus the call's text. A serial file (alm.nc) is written in memory and put on
 * disk by BallastWriteDurable, so a full disk is a plain write error. A file written in parallel
 * (collective = 1) is NOT aborted by the failing rank alone: nc_abort is collective (H5Fclose),
 * and a rank aborting while the others wait in the agreement would hang; the writer agrees on the
 * failure first and then every rank calls BallastNCDiscard. The writer keeps one BallastNCFile
 * per file it writes. */
#ifndef BALLAST_IO_NC_CHECK_H
#define BALLAST_IO_NC_CHECK_H
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <ballast/ballast.h>
#include <netcdf.h>
#include <unistd.h>

typedef struct {
  const char *path; /* the final name, for messages */
  const char *tmp;  /* the temporary name being written (removed on failure); NULL: none */
  int         ncid;
  int         open; /* ncid is an open dataset */
  int         unlink_tmp; /* this rank removes tmp on failure (rank 0 of a parallel write) */
  int         collective; /* written in parallel: discarded by every rank after the agreement */
} BallastNCFile;

/* Collective for a parallel file (every rank that holds it), else not. Abort (close) the dataset
 * and remove the temporary file; safe to call twice. */
static inline void BallastNCDiscard(BallastNCFile *f)
{
  if (f->open) {
    nc_abort(f->ncid);
    f->open = 0;
  }
  if (f->tmp && f->unlink_tmp) unlink(f->tmp);
}

/* Not collective. 0 if `st` is NC_NOERR; otherwise raises BALLAST_ERR_IO (and discards a serial file). */
static inline PetscErrorCode BallastNCCheck(BallastNCFile *f, int st, const char *var, const char *call)
{
  if (st == NC_NOERR) return 0;
  if (!f->collective) BallastNCDiscard(f);
  if (!var) SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: NetCDF: %s (%s)", f->path, nc_strerror(st), call);
  SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: variable %s: NetCDF: %s (%s)", f->path, var, nc_strerror(st), call);
}

/* Not collective. The durable end of a write: fsync the complete temporary file, rename it to the
 * final name, fsync the directory (so the rename survives a crash). On failure the temporary is
 * removed and msg says why (naming `path`); returns 0 on success. */
static inline int BallastRenameDurable(const char *tmp, const char *path, char *msg, size_t mlen)
{
  int fd = open(tmp, O_RDONLY | O_CLOEXEC), e;
  if (fd < 0 || fsync(fd)) {
    e = errno;
    if (fd >= 0) close(fd);
    unlink(tmp);
    snprintf(msg, mlen, "%.400s: cannot sync the temporary file %.400s: %s", path, tmp, strerror(e));
    return 1;
  }
  close(fd);
  if (rename(tmp, path)) {
    e = errno;
    unlink(tmp);
    snprintf(msg, mlen, "%.400s: cannot rename the temporary file %.400s to it: %s", path, tmp, strerror(e));
    return 1;
  }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *sl = strrchr(dir, '/');
  if (sl == dir) sl[1] = 0;
  else if (sl) *sl = 0;
  else snprintf(dir, sizeof dir, ".");
  fd = open(dir, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    (void)fsync(fd); /* some file systems refuse fsync on a directory: the rename is done anyway */
    close(fd);
  }
  return 0;
}

/* Not collective. Write `len` bytes to a new file `tmp` (O_EXCL), fsync it and rename it to
 * `path` (BallastRenameDurable); a short write (a full disk: ENOSPC, EFBIG) removes tmp. */
static inline int BallastWriteDurable(const void *buf, size_t len, const char *tmp, const char *path, char *msg, size_t mlen)
{
  int         fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), e;
  const char *p  = (const char *)buf;
  if (fd < 0) {
    snprintf(msg, mlen, "%.400s: cannot create the temporary file %.400s: %s", path, tmp, strerror(errno));
    return 1;
  }
  while (len > 0) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      e = w < 0 ? errno : ENOSPC;
      close(fd);
      unlink(tmp);
      snprintf(msg, mlen, "%s: cannot write: %s (the earlier file, if any, is left as it was)", path, strerror(e));
      return 1;
    }
    p += w;
    len -= (size_t)w;
  }
  if (close(fd)) {
    e = errno;
    unlink(tmp);
    snprintf(msg, mlen, "%s: cannot write: %s (the earlier file, if any, is left as it was)", path, strerror(e));
    return 1;
  }
  return BallastRenameDurable(tmp, path, msg, mlen);
}

/* Collective over comm (every rank that holds the parallel file f): close the dataset, agree on
 * the outcome (a failure discards the temporary on every rank and returns the agreed error), then
 * rank 0 renames tmp durably to path (BallastRenameDurable) and every rank gets its outcome. The
 * one ending of the parallel writers (contracts.nc, cashflows.nc, the contract store). */
static inline PetscErrorCode BallastNCCloseRename(MPI_Comm comm, BallastNCFile *f, const char *tmp, const char *path)
{
  PetscMPIInt rank;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  f->open             = 0;
  PetscErrorCode ierr = nc_close(f->ncid); /* collective */
  ierr                = ierr == NC_NOERR ? 0 : BallastNCCheck(f, (int)ierr, NULL, "nc_close");
  PetscErrorCode agreed = BallastAgreeError(comm, ierr, NULL);
  if (agreed) {
    BallastNCDiscard(f); /* the temporary removed (rank 0) */
    PetscCall(agreed);
  }
  /* durable: fsync before the rename, then the directory */
  int  bad       = 0;
  char msg[1024] = "";
  if (rank == 0) bad = BallastRenameDurable(tmp, path, msg, sizeof msg);
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  if (bad) PetscCallMPI(MPI_Bcast(msg, sizeof msg, MPI_CHAR, 0, comm));
  PetscCheck(!bad, comm, BALLAST_ERR_IO, "%s", msg);
  PetscFunctionReturn(0);
}

#define BallastCallNC(f, var, call) PetscCall(BallastNCCheck((f), (call), (var), #call))

/* One text attribute (var = NC_GLOBAL for the file's); vname names the variable in a message. */
static inline PetscErrorCode BallastNCPutText(BallastNCFile *f, int var, const char *vname, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  BallastCallNC(f, vname, nc_put_att_text(f->ncid, var, name, strlen(value), value));
  PetscFunctionReturn(0);
}

/* The provenance attributes every result file of a run carries besides its own (alm.nc has more):
 * title, Conventions, source and software_version ("ballast VERSION"), run_name, as_of_date,
 * reporting_currency, config_sha256. */
static inline PetscErrorCode BallastNCPutProvenance(BallastNCFile *f, const char *title, const char *run_name, const char *as_of, const char *reporting_currency, const char *config_sha256)
{
  char src[64];
  PetscFunctionBeginUser;
  snprintf(src, sizeof src, "ballast %s", BALLAST_VERSION);
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "title", "title", title));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "Conventions", "Conventions", "CF-1.8"));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "source", "source", src));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "software_version", "software_version", src));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "run_name", "run_name", run_name));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "as_of_date", "as_of_date", as_of));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "reporting_currency", "reporting_currency", reporting_currency));
  PetscCall(BallastNCPutText(f, NC_GLOBAL, "config_sha256", "config_sha256", config_sha256));
  PetscFunctionReturn(0);
}

/* Collective. HDF5 cannot fail cleanly in parallel (a rank whose write fails leaves the others
 * in HDF5's own barrier), so a parallel file is only started when its directory has room for it:
 * rank 0 compares the free space (statvfs) with `need` bytes (the data uncompressed plus the
 * metadata: an upper bound) and every rank returns BALLAST_ERR_IO naming the file if short. */
#include <sys/statvfs.h>
static inline PetscErrorCode BallastNCSpaceCheck(MPI_Comm comm, const char *path, double need)
{
  PetscMPIInt rank;
  double      v[2] = {0, 0}; /* short, free bytes */
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    char           dir[4096];
    struct statvfs sv;
    snprintf(dir, sizeof dir, "%s", path);
    char *sl = strrchr(dir, '/');
    if (sl == dir) sl[1] = 0;
    else if (sl) *sl = 0;
    else snprintf(dir, sizeof dir, ".");
    if (!statvfs(dir, &sv)) {
      v[1] = (double)sv.f_bavail * (double)sv.f_frsize;
      v[0] = v[1] < need ? 1 : 0;
    }
  }
  PetscCallMPI(MPI_Bcast(v, 2, MPI_DOUBLE, 0, comm));
  PetscCheck(!v[0], comm, BALLAST_ERR_IO, "%s: not enough space: the file needs up to %.0f bytes, %.0f are free (nothing written)", path, need, v[1]);
  PetscFunctionReturn(0);
}

#endif
