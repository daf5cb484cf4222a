#define _POSIX_C_SOURCE 200809L
#include <ballast/ballast.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int BallastExitCode(PetscErrorCode ierr)
{
  switch (ierr) {
  case 0: return BALLAST_EXIT_OK;
  case BALLAST_ERR_USAGE: return BALLAST_EXIT_USAGE;
  case BALLAST_ERR_INPUT: return BALLAST_EXIT_INPUT;
  case BALLAST_ERR_NUMERIC: return BALLAST_EXIT_NUMERIC;
  case BALLAST_ERR_INTERRUPTED: return BALLAST_EXIT_INTERRUPTED;
  case BALLAST_ERR_IO:
  case PETSC_ERR_FILE_OPEN:
  case PETSC_ERR_FILE_READ:
  case PETSC_ERR_FILE_WRITE: return BALLAST_EXIT_IO;
  case PETSC_ERR_USER_INPUT: return BALLAST_EXIT_USAGE;
  case PETSC_ERR_NOT_CONVERGED: return BALLAST_EXIT_NUMERIC;
  default: return 1;
  }
}

PetscErrorCode BallastDiagInit(BallastDiag *d, PetscInt limit)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(d, sizeof(*d)));
  d->limit = limit;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastDiagAdd(BallastDiag *d, const char *fmt, ...)
{
  char    buf[1024];
  va_list ap;

  PetscFunctionBeginUser;
  d->n++;
  if (d->n > d->limit) PetscFunctionReturn(0);
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (d->n > d->cap) {
    PetscInt cap = d->cap ? 2 * d->cap : 16;
    char   **m;
    PetscCall(PetscCalloc1(cap, &m));
    if (d->msg) PetscCall(PetscArraycpy(m, d->msg, d->cap));
    PetscCall(PetscFree(d->msg));
    d->msg = m;
    d->cap = cap;
  }
  PetscCall(PetscStrallocpy(buf, &d->msg[d->n - 1]));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastDiagFree(BallastDiag *d)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < PetscMin(d->n, d->limit); i++) PetscCall(PetscFree(d->msg[i]));
  PetscCall(PetscFree(d->msg));
  d->n = d->cap = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastDiagAgree(MPI_Comm comm, BallastDiag *d, const char *what, PetscInt *total)
{
  PetscMPIInt rank, size;
  PetscInt    nloc = d->n, tot;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Allreduce(&nloc, &tot, 1, MPIU_INT, MPI_SUM, comm));
  *total = tot;
  if (!tot) PetscFunctionReturn(0);
  /* Gather the stored messages to rank 0 as one text blob per rank, printed in rank order. */
  char  *blob = NULL;
  size_t len  = 0;
  for (PetscInt i = 0; i < PetscMin(d->n, d->limit); i++) len += strlen(d->msg[i]) + 1;
  PetscCall(PetscMalloc1(len + 1, &blob));
  blob[0] = 0;
  size_t off = 0;
  for (PetscInt i = 0; i < PetscMin(d->n, d->limit); i++) {
    size_t l = strlen(d->msg[i]);
    memcpy(blob + off, d->msg[i], l);
    blob[off + l] = '\n';
    off += l + 1;
  }
  blob[off]       = 0;
  int         mylen = (int)off;
  int        *lens = NULL, *displs = NULL;
  char       *all  = NULL;
  if (rank == 0) PetscCall(PetscMalloc2(size, &lens, size, &displs));
  PetscCallMPI(MPI_Gather(&mylen, 1, MPI_INT, lens, 1, MPI_INT, 0, comm));
  if (rank == 0) {
    int t = 0;
    for (int r = 0; r < size; r++) { displs[r] = t; t += lens[r]; }
    PetscCall(PetscMalloc1(t + 1, &all));
    all[t] = 0;
  }
  PetscCallMPI(MPI_Gatherv(blob, mylen, MPI_CHAR, all, lens, displs, MPI_CHAR, 0, comm));
  if (rank == 0) {
    fputs(all, stderr);
    if (tot > d->limit) fprintf(stderr, "ballast: %" PetscInt_FMT " %s errors in all (first ones shown)\n", tot, what);
    fflush(stderr);
    PetscCall(PetscFree(all));
    PetscCall(PetscFree2(lens, displs));
  }
  PetscCall(PetscFree(blob));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastAgree(MPI_Comm comm, PetscBool failed_here, PetscErrorCode code, const char *what)
{
  int f = failed_here ? 1 : 0, any;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(&f, &any, 1, MPI_INT, MPI_MAX, comm));
  PetscCheck(!any, comm, code, "%s", what);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastAgreeError(MPI_Comm comm, PetscErrorCode local, const char *msg)
{
  PetscMPIInt rank, size, first;
  char        text[2048];
  int         hdr[2];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscMPIInt mine = local ? rank : size;
  PetscCallMPI(MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm));
  if (first == size) PetscFunctionReturn(0);
  text[0] = 0;
  if (rank == first) {
    const char *t = NULL;
    char       *spec = NULL;
    if (!msg) {
      PetscErrorMessage(local, &t, &spec);
      msg = spec && spec[0] ? spec : (t ? t : "failed");
    }
    snprintf(text, sizeof text, "%s", msg);
    hdr[0] = (int)local;
    hdr[1] = (int)strlen(text);
  }
  PetscCallMPI(MPI_Bcast(hdr, 2, MPI_INT, first, comm));
  PetscCallMPI(MPI_Bcast(text, hdr[1] + 1, MPI_CHAR, first, comm));
  SETERRQ(comm, (PetscErrorCode)hdr[0], "%s", text);
}

static void tohex(const unsigned char *md, char hex[65])
{
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

PetscErrorCode BallastSHA256Buffer(const void *buf, size_t len, char hex[65])
{
  unsigned char md[32];
  unsigned int  mdlen = 0;

  PetscFunctionBeginUser;
  PetscCheck(EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) == 1, PETSC_COMM_SELF, PETSC_ERR_LIB, "SHA-256 failed");
  tohex(md, hex);
  PetscFunctionReturn(0);
}

int BallastFileOpenRead(const char *path, FILE **fp, char *msg, size_t mlen)
{
  struct stat st;
  char        dummy[8];
  int         fd;
  if (!msg) msg = dummy, mlen = sizeof dummy;
  *fp = NULL;
  /* O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer */
  fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    snprintf(msg, mlen, "%s: cannot open: %s", path, strerror(errno));
    return BALLAST_OPEN_MISSING;
  }
  if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
    const char *kind = S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISCHR(st.st_mode) ? "a character device" : S_ISBLK(st.st_mode) ? "a block device" : S_ISSOCK(st.st_mode) ? "a socket" : "not a file";
    snprintf(msg, mlen, "%s: not a regular file (%s): expected a file to read", path, kind);
    close(fd);
    return BALLAST_OPEN_NOT_REGULAR;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  *fp = fdopen(fd, "rb");
  if (!*fp) {
    snprintf(msg, mlen, "%s: cannot open: %s", path, strerror(errno));
    close(fd);
    return BALLAST_OPEN_MISSING;
  }
  return 0;
}

PetscErrorCode BallastSHA256File(const char *path, char hex[65])
{
  unsigned char md[32], buf[1 << 16];
  unsigned int  mdlen = 0;
  size_t        n;
  char          why[1024];
  FILE         *f;

  PetscFunctionBeginUser;
  int st = BallastFileOpenRead(path, &f, why, sizeof why);
  PetscCheck(!st, PETSC_COMM_SELF, st == BALLAST_OPEN_NOT_REGULAR ? BALLAST_ERR_INPUT : BALLAST_ERR_IO, "%s (for hashing)", why);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) EVP_DigestUpdate(ctx, buf, n);
  int bad = ferror(f);
  fclose(f);
  EVP_DigestFinal_ex(ctx, md, &mdlen);
  EVP_MD_CTX_free(ctx);
  PetscCheck(!bad, PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: read error while hashing", path);
  tohex(md, hex);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastReadBcast(MPI_Comm comm, const char *path, char **buf, size_t *len) { return BallastReadBcastAs(comm, path, BALLAST_ERR_INPUT, buf, len); }

PetscErrorCode BallastReadBcastAs(MPI_Comm comm, const char *path, PetscErrorCode refuse, char **buf, size_t *len)
{
  PetscMPIInt rank;
  long        hdr[2] = {-1, 0}; /* length (-1: failed), open status */
  char       *b = NULL, why[1024] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    FILE *f  = NULL;
    long  n  = -1;
    int   st = BallastFileOpenRead(path, &f, why, sizeof why);
    if (f && fseek(f, 0, SEEK_END) == 0) n = ftell(f);
    if (f && n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
      if (PetscMalloc1(n + 1, &b)) n = -1;
      else if ((long)fread(b, 1, (size_t)n, f) != n) n = -1;
    } else n = -1;
    if (f) fclose(f);
    hdr[0] = n;
    hdr[1] = st;
  }
  PetscCallMPI(MPI_Bcast(hdr, 2, MPI_LONG, 0, comm));
  if (hdr[0] < 0) {
    /* rank 0's reason reaches every rank: the same message and code everywhere */
    if (b) PetscCall(PetscFree(b));
    PetscCallMPI(MPI_Bcast(why, sizeof why, MPI_CHAR, 0, comm));
    PetscCheck(hdr[1] != BALLAST_OPEN_NOT_REGULAR, comm, refuse, "%s", why);
    PetscCheck(hdr[1] != BALLAST_OPEN_MISSING, comm, BALLAST_ERR_IO, "%s", why);
    SETERRQ(comm, BALLAST_ERR_IO, "%s: cannot read file", path);
  }
  long n = hdr[0];
  if (rank != 0) PetscCall(PetscMalloc1(n + 1, &b));
  /* long files are sent in chunks that fit an int count */
  for (long off = 0; off < n; off += 1 << 30) {
    int c = (int)PetscMin(n - off, 1L << 30);
    PetscCallMPI(MPI_Bcast(b + off, c, MPI_CHAR, 0, comm));
  }
  b[n] = 0;
  *buf = b;
  if (len) *len = (size_t)n;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastStrdup(const char *s, char **out)
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrallocpy(s, out));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastPathResolve(const char *base_dir, const char *path, char **out)
{
  PetscFunctionBeginUser;
  if (path[0] == '/' || !base_dir || !base_dir[0] || !strcmp(base_dir, ".")) {
    PetscCall(PetscStrallocpy(path, out));
  } else {
    size_t l = strlen(base_dir) + strlen(path) + 2;
    PetscCall(PetscMalloc1(l, out));
    snprintf(*out, l, "%s/%s", base_dir, path);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastDirname(const char *path, char **out)
{
  PetscFunctionBeginUser;
  const char *slash = strrchr(path, '/');
  if (!slash) PetscCall(PetscStrallocpy(".", out));
  else if (slash == path) PetscCall(PetscStrallocpy("/", out));
  else {
    size_t l = (size_t)(slash - path);
    PetscCall(PetscMalloc1(l + 1, out));
    memcpy(*out, path, l);
    (*out)[l] = 0;
  }
  PetscFunctionReturn(0);
}

/* a temporary of Ballast's writers (src/io) in an output directory */
static int stale_temporary(const char *n)
{
  return !strncmp(n, "alm.nc.tmp.", 11) || !strcmp(n, "contracts.nc.tmp") || !strcmp(n, "cashflows.nc.tmp") || !strncmp(n, ".cashflows-spill-", 17) || !strncmp(n, ".ballast-probe-", 15) ||
         !strcmp(n, "ballast-checkpoint.bin.tmp");
}

PetscErrorCode BallastOutputDirPrepare(MPI_Comm comm, const char *dir)
{
  PetscMPIInt rank;
  int         bad = 0;
  char        msg[1024] = "";
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    char        p[4096], probe[4200];
    struct stat st;
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1; *s && !bad; s++)
      if (*s == '/') {
        *s = 0;
        if (mkdir(p, 0777) && errno != EEXIST) bad = 1, snprintf(msg, sizeof msg, "%.900s: cannot create the output directory: %s", p, strerror(errno));
        *s = '/';
      }
    if (!bad && mkdir(p, 0777) && errno != EEXIST) bad = 1, snprintf(msg, sizeof msg, "%.900s: cannot create the output directory: %s", dir, strerror(errno));
    if (!bad && (stat(dir, &st) || !S_ISDIR(st.st_mode))) bad = 1, snprintf(msg, sizeof msg, "%.900s: the output directory is not a directory", dir);
    if (!bad) {
      /* stale temporaries of a run that was killed before it could remove them */
      DIR *d = opendir(dir);
      struct dirent *e;
      while (d && (e = readdir(d)))
        if (stale_temporary(e->d_name)) {
          snprintf(probe, sizeof probe, "%s/%s", dir, e->d_name);
          if (!unlink(probe)) fprintf(stderr, "ballast: removed %s, a temporary file left by an earlier run that did not finish\n", probe);
        }
      if (d) closedir(d);
      /* writable: a probe written and synced (a read-only or full file system fails here, before the computation) */
      snprintf(probe, sizeof probe, "%s/.ballast-probe-%ld", dir, (long)getpid());
      int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
      if (fd < 0 || write(fd, "ok\n", 3) != 3 || fsync(fd)) bad = 1, snprintf(msg, sizeof msg, "%.900s: the output directory is not writable: %s", dir, strerror(errno));
      if (fd >= 0) close(fd);
      unlink(probe);
    }
    fflush(stderr);
  }
  PetscCallMPI(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  if (bad) PetscCallMPI(MPI_Bcast(msg, sizeof msg, MPI_CHAR, 0, comm));
  PetscCheck(!bad, comm, BALLAST_ERR_IO, "%s", msg);
  PetscFunctionReturn(0);
}
