/* Checkpoint and resume of `ballast run` (include/ballast/checkpoint.h; the file format in
 * docs/checkpoint.md). */
#define _POSIX_C_SOURCE 200809L
#include <ballast/checkpoint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------------
 * The signal: a flag, nothing else in the handler */
static volatile sig_atomic_t interrupt_signal = 0;

static void on_signal(int signo) { interrupt_signal = signo; }

PetscErrorCode BallastInterruptInstall(void)
{
  struct sigaction sa;
  PetscFunctionBeginUser;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART; /* reads and writes in progress go on */
  PetscCheck(sigaction(SIGTERM, &sa, NULL) == 0 && sigaction(SIGUSR1, &sa, NULL) == 0, PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot install the SIGTERM/SIGUSR1 handlers: %s", strerror(errno));
  PetscFunctionReturn(0);
}

int  BallastInterruptRequested(void) { return (int)interrupt_signal; }
void BallastInterruptSet(int signo) { interrupt_signal = signo; }

/* The driver's flag (BallastProjectionSetCheckpoint). For the tests, BALLAST_CHECKPOINT_TEST_SIGNAL
 * = "N" makes each rank send itself SIGUSR1 once it has done N contracts (a real signal through
 * the handler at a known point, as when mpirun or srun forwards a signal to every rank; with
 * BALLAST_CHECKPOINT_TEST_RANK = "r" rank r only, the others learn it from the progress rounds). */
static int64_t test_after = -1;
static int     test_raised = 0;
static int     driver_flag(int64_t done)
{
  if (test_after >= 0 && !test_raised && done >= test_after) {
    test_raised = 1;
    raise(SIGUSR1);
  }
  return (int)interrupt_signal;
}

PetscErrorCode BallastCheckpointKey(const char *text, char key[65]) { return BallastSHA256Buffer(text, strlen(text), key); }

/* ---------------------------------------------------------------------------------------------
 * The file (host byte order, docs/checkpoint.md):
 *   "BALLCKPT" | u32 version | u32 0x01020304 | key (64 hex digits) | u32 nsrc
 *   u32 nconsumer, each: u32 length, name
 *   u32 nport, each: u32 length, name, i32 stage, and when stage > 0 per consumer: u64 size, bytes
 *   per consumer: u64 size, totals (int64 array)
 *   "CKPTEND\0" */
#define CKPT_NAME    "ballast-checkpoint.bin"
#define CKPT_MAGIC   "BALLCKPT"
#define CKPT_END     "CKPTEND"
#define CKPT_VERSION 1u
#define CKPT_BOM     0x01020304u

typedef struct {
  const unsigned char *data;
  size_t               size;
} Blob;

struct BallastCheckpoint_s {
  MPI_Comm    comm;
  PetscMPIInt rank;
  char        path[4096], tmp[4200];
  char        key[65];
  PetscInt    nport;
  char *const *names;    /* [nport] the run's portfolios (referenced) */
  int        *stage;     /* [nport] from the file, or NULL: nothing to resume */
  PetscInt    nresumed;  /* portfolios with stage > 0 */
  /* the file's content (every rank) */
  unsigned char *buf;
  size_t         len;
  PetscInt       nsrc, ncons;
  char         **cons_name;     /* [ncons] */
  Blob          *rec;           /* [nport][ncons] */
  Blob          *tot;           /* [ncons] */
};

typedef struct {
  const unsigned char *p, *end;
  int                  bad;
} Reader;

static void rd(Reader *r, void *out, size_t n)
{
  if (r->bad || (size_t)(r->end - r->p) < n) {
    r->bad = 1;
    memset(out, 0, n);
    return;
  }
  memcpy(out, r->p, n);
  r->p += n;
}
static const unsigned char *rd_skip(Reader *r, size_t n)
{
  const unsigned char *at = r->p;
  if (r->bad || (size_t)(r->end - r->p) < n) {
    r->bad = 1;
    return NULL;
  }
  r->p += n;
  return at;
}

/* Parse the file's bytes; *why says what is wrong (damaged) or why it is not this run's (other). */
static PetscErrorCode parse(BallastCheckpoint ck, PetscInt nport, char *const *names, int *damaged, int *other, char *why, size_t nwhy)
{
  Reader   r = {ck->buf, ck->buf + ck->len, 0};
  char     magic[8], key[65];
  uint32_t version, bom, nsrc, ncons, np;
  PetscFunctionBeginUser;
  *damaged = *other = 0;
  rd(&r, magic, 8);
  rd(&r, &version, 4);
  rd(&r, &bom, 4);
  if (r.bad || memcmp(magic, CKPT_MAGIC, 8)) {
    *damaged = 1;
    snprintf(why, nwhy, "not a Ballast checkpoint (no %s header)", CKPT_MAGIC);
    PetscFunctionReturn(0);
  }
  if (version != CKPT_VERSION || bom != CKPT_BOM) {
    *other = 1;
    snprintf(why, nwhy, "checkpoint format version %u (byte order mark %08x), this ballast reads version %u", version, bom, CKPT_VERSION);
    PetscFunctionReturn(0);
  }
  rd(&r, key, 64);
  key[64] = 0;
  if (!r.bad && strcmp(key, ck->key)) {
    *other = 1;
    snprintf(why, nwhy, "written for other inputs, configuration, options or software (key %.12s..., this run's %.12s...)", key, ck->key);
    PetscFunctionReturn(0);
  }
  rd(&r, &nsrc, 4);
  rd(&r, &ncons, 4);
  if (r.bad || ncons > BALLAST_PROJ_MAXCONSUMER) goto damaged;
  ck->nsrc  = (PetscInt)nsrc;
  ck->ncons = (PetscInt)ncons;
  PetscCall(PetscCalloc1(ncons + 1, &ck->cons_name));
  for (uint32_t j = 0; j < ncons; j++) {
    uint32_t n;
    rd(&r, &n, 4);
    const unsigned char *s = rd_skip(&r, n);
    if (r.bad || n > 255) goto damaged;
    PetscCall(PetscCalloc1(n + 1, &ck->cons_name[j]));
    memcpy(ck->cons_name[j], s, n);
  }
  rd(&r, &np, 4);
  if (r.bad) goto damaged;
  if ((PetscInt)np != nport) {
    *other = 1;
    snprintf(why, nwhy, "of %u portfolios, this run has %" PetscInt_FMT, np, nport);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscCalloc1(nport + 1, &ck->stage));
  PetscCall(PetscCalloc1(nport * ncons + 1, &ck->rec));
  PetscCall(PetscCalloc1(ncons + 1, &ck->tot));
  for (PetscInt q = 0; q < nport; q++) {
    uint32_t n;
    int32_t  st;
    rd(&r, &n, 4);
    const unsigned char *s = rd_skip(&r, n);
    if (r.bad) goto damaged;
    if (strlen(names[q]) != n || memcmp(names[q], s, n)) {
      *other = 1;
      snprintf(why, nwhy, "of other portfolios (%.*s where this run has %s)", (int)PetscMin(n, 64), (const char *)s, names[q]);
      PetscFunctionReturn(0);
    }
    rd(&r, &st, 4);
    if (r.bad || st < 0 || (uint32_t)st > nsrc) goto damaged;
    ck->stage[q] = st;
    if (st > 0) ck->nresumed++;
    for (uint32_t j = 0; st > 0 && j < ncons; j++) {
      uint64_t sz;
      rd(&r, &sz, 8);
      ck->rec[q * ncons + j].size = (size_t)sz;
      ck->rec[q * ncons + j].data = rd_skip(&r, (size_t)sz);
      if (r.bad) goto damaged;
    }
  }
  for (uint32_t j = 0; j < ncons; j++) {
    uint64_t sz;
    rd(&r, &sz, 8);
    ck->tot[j].size = (size_t)sz;
    ck->tot[j].data = rd_skip(&r, (size_t)sz);
    if (r.bad || sz % sizeof(int64_t)) goto damaged;
  }
  rd(&r, magic, 8);
  if (r.bad || memcmp(magic, CKPT_END, 8) || r.p != r.end) goto damaged;
  PetscFunctionReturn(0);
damaged:
  *damaged = 1;
  snprintf(why, nwhy, "damaged (truncated or inconsistent at byte %zu of %zu)", (size_t)(r.p - ck->buf), ck->len);
  PetscFunctionReturn(0);
}

static PetscErrorCode forget(BallastCheckpoint ck)
{
  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < ck->ncons && ck->cons_name; j++) PetscCall(PetscFree(ck->cons_name[j]));
  PetscCall(PetscFree(ck->cons_name));
  PetscCall(PetscFree(ck->stage));
  PetscCall(PetscFree(ck->rec));
  PetscCall(PetscFree(ck->tot));
  PetscCall(PetscFree(ck->buf));
  ck->len      = 0;
  ck->ncons    = 0;
  ck->nresumed = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCheckpointOpen(MPI_Comm comm, const char *dir, const char *key, PetscInt nport, char *const *names, BallastCheckpoint *out)
{
  BallastCheckpoint ck;
  char              why[8704] = "";
  int               state[2] = {0, 0}; /* rank 0: 0 none, 1 read, 2 ignored (other run), 3 damaged; size */
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&ck));
  ck->comm  = comm;
  ck->nport = nport;
  ck->names = names;
  PetscCallMPI(MPI_Comm_rank(comm, &ck->rank));
  snprintf(ck->path, sizeof ck->path, "%s/%s", dir, CKPT_NAME);
  snprintf(ck->tmp, sizeof ck->tmp, "%s.tmp", ck->path);
  snprintf(ck->key, sizeof ck->key, "%s", key);
  uint64_t len = 0;
  if (ck->rank == 0) {
    FILE *f = fopen(ck->path, "rb");
    if (f) {
      state[0] = 1;
      if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
          len = (uint64_t)n;
          PetscCall(PetscMalloc1(len + 1, &ck->buf));
          if (fread(ck->buf, 1, (size_t)len, f) != (size_t)len) state[0] = 3;
        } else state[0] = 3;
      } else state[0] = 3;
      fclose(f);
      if (state[0] == 3) snprintf(why, sizeof why, "cannot be read: %s", strerror(errno));
    } else if (errno != ENOENT) {
      state[0] = 3;
      snprintf(why, sizeof why, "cannot be opened: %s", strerror(errno));
    }
    ck->len = (size_t)len;
    if (state[0] == 1) {
      int damaged, other;
      PetscCall(parse(ck, nport, names, &damaged, &other, why, sizeof why));
      if (damaged) state[0] = 3;
      else if (other) state[0] = 2;
    }
  }
  PetscCallMPI(MPI_Bcast(state, 1, MPI_INT, 0, comm));
  if (state[0] == 3) {
    /* a damaged checkpoint is not resumed from silently, nor overwritten: the operator decides */
    char msg[8704 + 4200];
    snprintf(msg, sizeof msg, "checkpoint %s: %s: remove it to start the run from the beginning", ck->path, why);
    PetscCall(BallastAgreeError(comm, BALLAST_ERR_IO, ck->rank == 0 ? msg : ""));
  }
  if (state[0] == 2) {
    PetscCall(PetscFPrintf(comm, PETSC_STDERR, "checkpoint: %s: %s: ignored (this run starts from the beginning)\n", ck->path, why));
    PetscCall(forget(ck));
  }
  if (state[0] == 1) {
    /* every rank parses the same bytes */
    PetscCallMPI(MPI_Bcast(&len, 1, MPI_UINT64_T, 0, comm));
    if (ck->rank != 0) {
      PetscCall(PetscMalloc1(len + 1, &ck->buf));
      ck->len = (size_t)len;
    }
    for (uint64_t off = 0; off < len;) {
      int n = (int)PetscMin((uint64_t)1 << 30, len - off);
      PetscCallMPI(MPI_Bcast(ck->buf + off, n, MPI_BYTE, 0, comm));
      off += (uint64_t)n;
    }
    if (ck->rank != 0) {
      int damaged, other;
      PetscCall(parse(ck, nport, names, &damaged, &other, why, sizeof why));
      PetscCheck(!damaged && !other, PETSC_COMM_SELF, PETSC_ERR_PLIB, "checkpoint parsed differently on rank %d: %s", (int)ck->rank, why);
    }
    PetscCall(PetscFPrintf(comm, PETSC_STDERR, "checkpoint: %s: resuming, %" PetscInt_FMT " of %" PetscInt_FMT " portfolios done\n", ck->path, ck->nresumed, nport));
  }
  *out = ck;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCheckpointStages(BallastCheckpoint ck, const int **stage, PetscInt *nresumed)
{
  PetscFunctionBeginUser;
  if (stage) *stage = ck->stage;
  if (nresumed) *nresumed = ck->nresumed;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCheckpointAttach(BallastCheckpoint ck, BallastProjection proj, const int *owner)
{
  PetscInt               nc;
  const BallastConsumer *c;
  char                   msg[8704] = "";
  PetscErrorCode         ierr      = 0;
  PetscFunctionBeginUser;
  PetscCall(BallastProjectionGetConsumers(proj, &nc, &c));
  if (ck->stage) {
    if (nc != ck->ncons) {
      ierr = BALLAST_ERR_IO;
      snprintf(msg, sizeof msg, "checkpoint %s: %" PetscInt_FMT " consumers, this run has %" PetscInt_FMT " (remove the checkpoint)", ck->path, ck->ncons, nc);
    }
    for (PetscInt j = 0; j < nc && !ierr; j++)
      if (strcmp(c[j].name ? c[j].name : "?", ck->cons_name[j])) {
        ierr = BALLAST_ERR_IO;
        snprintf(msg, sizeof msg, "checkpoint %s: consumer %" PetscInt_FMT " is %s, this run's is %s (remove the checkpoint)", ck->path, j, ck->cons_name[j], c[j].name ? c[j].name : "?");
      }
    for (PetscInt q = 0; q < ck->nport && !ierr; q++) {
      if (ck->stage[q] <= 0 || owner[q] != ck->rank) continue;
      for (PetscInt j = 0; j < nc && !ierr; j++) {
        const Blob *b = &ck->rec[q * nc + j];
        if (!c[j].unpack) {
          if (b->size) {
            ierr = BALLAST_ERR_IO;
            snprintf(msg, sizeof msg, "checkpoint %s: consumer %s has partials but cannot unpack them", ck->path, c[j].name);
          }
          continue;
        }
        PetscErrorCode e = c[j].unpack(c[j].ctx, q, b->data, b->size);
        if (e) {
          const char *text;
          char       *spec = NULL;
          PetscErrorMessage(e, &text, &spec);
          ierr = BALLAST_ERR_IO;
          snprintf(msg, sizeof msg, "checkpoint %s: portfolio %" PetscInt_FMT ": %s (remove the checkpoint)", ck->path, q, spec ? spec : "cannot unpack");
        }
      }
    }
    for (PetscInt j = 0; j < nc && !ierr && ck->rank == 0; j++) {
      if (!ck->tot[j].size) continue;
      PetscErrorCode e = c[j].unpack ? c[j].unpack(c[j].ctx, BALLAST_PACK_TOTALS, ck->tot[j].data, ck->tot[j].size) : BALLAST_ERR_IO;
      if (e) {
        ierr = BALLAST_ERR_IO;
        snprintf(msg, sizeof msg, "checkpoint %s: the totals of %s do not fit this run (remove the checkpoint)", ck->path, c[j].name);
      }
    }
  }
  PetscCall(BallastAgreeError(ck->comm, ierr, ierr ? msg : NULL));
  {
    const char *t = getenv("BALLAST_CHECKPOINT_TEST_SIGNAL");
    const char *r = getenv("BALLAST_CHECKPOINT_TEST_RANK");
    test_after    = t && *t && (!r || !*r || atoi(r) == (int)ck->rank) ? strtoll(t, NULL, 10) : -1;
    test_raised   = 0;
  }
  PetscCall(BallastProjectionSetCheckpoint(proj, ck->nport, ck->stage, driver_flag));
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------------------------------------
 * Writing */
typedef struct {
  unsigned char *b;
  size_t         n, cap;
  int            oom;
} Buf;

static void put(Buf *w, const void *x, size_t n)
{
  if (w->oom) return;
  if (w->n + n > w->cap) {
    size_t         cap = PetscMax(2 * w->cap, w->n + n + 4096);
    unsigned char *nb;
    if (PetscMalloc1(cap, &nb)) {
      w->oom = 1;
      return;
    }
    if (w->n) memcpy(nb, w->b, w->n);
    PetscFree(w->b);
    w->b   = nb;
    w->cap = cap;
  }
  if (n) memcpy(w->b + w->n, x, n);
  w->n += n;
}

/* Reserve n bytes and return where they start (filled by a pack). */
static unsigned char *reserve(Buf *w, size_t n)
{
  put(w, NULL, 0);
  if (w->oom) return NULL;
  if (w->n + n > w->cap) {
    size_t         cap = PetscMax(2 * w->cap, w->n + n + 4096);
    unsigned char *nb;
    if (PetscMalloc1(cap, &nb)) {
      w->oom = 1;
      return NULL;
    }
    if (w->n) memcpy(nb, w->b, w->n);
    PetscFree(w->b);
    w->b   = nb;
    w->cap = cap;
  }
  unsigned char *at = w->b + w->n;
  w->n += n;
  return at;
}

static int write_durable(const char *tmp, const char *path, const void *data, size_t n, char *why, size_t nwhy)
{
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (fd < 0) {
    snprintf(why, nwhy, "%s: cannot create: %s", tmp, strerror(errno));
    return 1;
  }
  const unsigned char *p = (const unsigned char *)data;
  size_t               left = n;
  while (left > 0) {
    ssize_t k = write(fd, p, left);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) {
      snprintf(why, nwhy, "%s: cannot write: %s", tmp, strerror(errno));
      close(fd);
      unlink(tmp);
      return 1;
    }
    p += k;
    left -= (size_t)k;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    snprintf(why, nwhy, "%s: cannot sync: %s", tmp, strerror(errno));
    unlink(tmp);
    return 1;
  }
  if (rename(tmp, path) != 0) {
    snprintf(why, nwhy, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
    unlink(tmp);
    return 1;
  }
  /* the rename itself durable: fsync the directory */
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = 0;
  int dfd = open(slash ? dir : ".", O_RDONLY);
  if (dfd >= 0) {
    (void)fsync(dfd);
    close(dfd);
  }
  return 0;
}

PetscErrorCode BallastCheckpointSave(BallastCheckpoint ck, BallastProjection proj, const int *owner)
{
  PetscInt               nc, nsrc;
  const BallastConsumer *c;
  const int             *stage;
  PetscBool              interrupted;
  int                    signo;
  Buf                    loc = {0};
  char                   msg[8704] = "";
  PetscErrorCode         ierr = 0;
  PetscMPIInt            size;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(ck->comm, &size));
  PetscCall(BallastProjectionGetConsumers(proj, &nc, &c));
  PetscCall(BallastProjectionGetInterrupted(proj, &interrupted, &signo, &stage, &nsrc));
  PetscCheck(interrupted, ck->comm, PETSC_ERR_ORDER, "BallastCheckpointSave after a complete projection");
  /* this rank's records: its portfolios with something done, in portfolio order */
  for (PetscInt q = 0; q < ck->nport && !ierr; q++) {
    if (owner[q] != ck->rank || stage[q] <= 0) continue;
    int32_t qq = (int32_t)q, st = stage[q];
    put(&loc, &qq, 4);
    put(&loc, &st, 4);
    for (PetscInt j = 0; j < nc && !ierr; j++) {
      size_t   sz = 0;
      uint64_t s64;
      if (c[j].pack) ierr = c[j].pack(c[j].ctx, q, NULL, &sz);
      s64 = sz;
      put(&loc, &s64, 8);
      unsigned char *at = reserve(&loc, sz);
      if (!ierr && sz && at) ierr = c[j].pack(c[j].ctx, q, at, &sz);
    }
  }
  if (loc.oom && !ierr) ierr = PETSC_ERR_MEM;
  if (ierr) snprintf(msg, sizeof msg, "checkpoint %s: cannot pack the partials (error %d)", ck->path, (int)ierr);
  PetscCall(BallastAgreeError(ck->comm, ierr, ierr ? msg : NULL));
  /* gather the records to rank 0 */
  int  mine = (int)loc.n, *counts = NULL, *displs = NULL;
  Buf  all  = {0};
  PetscCheck(loc.n < (size_t)1 << 31, PETSC_COMM_SELF, PETSC_ERR_SUP, "checkpoint: more than 2 GB of partials on one rank");
  if (ck->rank == 0) PetscCall(PetscMalloc2(size, &counts, size, &displs));
  PetscCallMPI(MPI_Gather(&mine, 1, MPI_INT, counts, 1, MPI_INT, 0, ck->comm));
  size_t totlen = 0;
  if (ck->rank == 0) {
    for (PetscMPIInt r = 0; r < size; r++) {
      displs[r] = (int)totlen;
      totlen += (size_t)counts[r];
    }
    PetscCheck(totlen < (size_t)1 << 31, PETSC_COMM_SELF, PETSC_ERR_SUP, "checkpoint: more than 2 GB of partials");
    PetscCall(PetscMalloc1(totlen + 1, &all.b));
    all.n = all.cap = totlen;
  }
  PetscCallMPI(MPI_Gatherv(loc.b, mine, MPI_BYTE, all.b, counts, displs, MPI_BYTE, 0, ck->comm));
  PetscCall(PetscFree(loc.b));
  /* the totals: summed over the ranks (int64, exact) */
  int64_t **tot;
  size_t   *totsz;
  PetscCall(PetscCalloc2(nc + 1, &tot, nc + 1, &totsz));
  for (PetscInt j = 0; j < nc; j++) {
    size_t   sz = 0;
    uint64_t s64, mx = 0, mn = 0;
    if (c[j].pack) PetscCall(c[j].pack(c[j].ctx, BALLAST_PACK_TOTALS, NULL, &sz));
    s64 = sz;
    PetscCallMPI(MPI_Allreduce(&s64, &mx, 1, MPI_UINT64_T, MPI_MAX, ck->comm));
    PetscCallMPI(MPI_Allreduce(&s64, &mn, 1, MPI_UINT64_T, MPI_MIN, ck->comm));
    PetscCheck(mx == mn && sz % sizeof(int64_t) == 0, ck->comm, PETSC_ERR_PLIB, "checkpoint: totals of %s of different sizes on the ranks", c[j].name);
    if (!sz) continue;
    int64_t *mineT, *sum = NULL;
    PetscInt n = (PetscInt)(sz / sizeof(int64_t));
    PetscCall(PetscMalloc1(n, &mineT));
    PetscCall(c[j].pack(c[j].ctx, BALLAST_PACK_TOTALS, mineT, &sz));
    if (ck->rank == 0) PetscCall(PetscMalloc1(n, &sum));
    PetscCallMPI(MPI_Reduce(mineT, sum, (int)n, MPI_INT64_T, MPI_SUM, 0, ck->comm));
    PetscCall(PetscFree(mineT));
    tot[j]   = sum;
    totsz[j] = sz;
  }
  /* rank 0: the file, portfolios in order */
  int      bad = 0;
  char     why[8704] = "";
  PetscInt ndone = 0;
  if (ck->rank == 0) {
    const unsigned char **at;
    int                  *st;
    PetscCall(PetscCalloc2(ck->nport + 1, &at, ck->nport + 1, &st));
    for (size_t off = 0; off < totlen;) {
      int32_t q, s;
      memcpy(&q, all.b + off, 4);
      memcpy(&s, all.b + off + 4, 4);
      PetscCheck(q >= 0 && q < ck->nport && !at[q], PETSC_COMM_SELF, PETSC_ERR_PLIB, "checkpoint: portfolio %d packed twice or out of range", (int)q);
      at[q] = all.b + off + 8;
      st[q] = s;
      off += 8;
      for (PetscInt j = 0; j < nc; j++) {
        uint64_t sz;
        memcpy(&sz, all.b + off, 8);
        off += 8 + (size_t)sz;
      }
    }
    Buf      w = {0};
    uint32_t u;
    put(&w, CKPT_MAGIC, 8);
    u = CKPT_VERSION;
    put(&w, &u, 4);
    u = CKPT_BOM;
    put(&w, &u, 4);
    put(&w, ck->key, 64);
    u = (uint32_t)nsrc;
    put(&w, &u, 4);
    u = (uint32_t)nc;
    put(&w, &u, 4);
    for (PetscInt j = 0; j < nc; j++) {
      const char *nm = c[j].name ? c[j].name : "?";
      u              = (uint32_t)strlen(nm);
      put(&w, &u, 4);
      put(&w, nm, u);
    }
    u = (uint32_t)ck->nport;
    put(&w, &u, 4);
    for (PetscInt q = 0; q < ck->nport; q++) {
      const char *nm = ck->names[q];
      int32_t     s  = at[q] ? st[q] : 0;
      u              = (uint32_t)strlen(nm);
      put(&w, &u, 4);
      put(&w, nm, u);
      put(&w, &s, 4);
      if (s <= 0) continue;
      ndone++;
      const unsigned char *p = at[q];
      for (PetscInt j = 0; j < nc; j++) {
        uint64_t sz;
        memcpy(&sz, p, 8);
        put(&w, p, 8 + (size_t)sz);
        p += 8 + (size_t)sz;
      }
    }
    for (PetscInt j = 0; j < nc; j++) {
      uint64_t sz = totsz[j];
      put(&w, &sz, 8);
      if (sz) put(&w, tot[j], (size_t)sz);
    }
    put(&w, CKPT_END, 8);
    if (w.oom) {
      bad = 1;
      snprintf(why, sizeof why, "checkpoint %s: out of memory", ck->path);
    } else bad = write_durable(ck->tmp, ck->path, w.b, w.n, why, sizeof why);
    PetscCall(PetscFree(w.b));
    PetscCall(PetscFree2(at, st));
  }
  for (PetscInt j = 0; j < nc; j++) PetscCall(PetscFree(tot[j]));
  PetscCall(PetscFree2(tot, totsz));
  PetscCall(PetscFree(all.b));
  PetscCall(PetscFree2(counts, displs));
  PetscCall(BallastAgreeError(ck->comm, bad ? BALLAST_ERR_IO : 0, bad ? why : NULL));
  PetscCallMPI(MPI_Bcast(&ndone, 1, MPIU_INT, 0, ck->comm));
  SETERRQ(ck->comm, BALLAST_ERR_INTERRUPTED, "interrupted by signal %d (%s): checkpoint %s written, %" PetscInt_FMT " of %" PetscInt_FMT " portfolios done; run the same command again to resume (exit %d)", signo,
          signo == SIGTERM ? "SIGTERM" : signo == SIGUSR1 ? "SIGUSR1" : "?", ck->path, ndone, ck->nport, BALLAST_EXIT_INTERRUPTED);
}

PetscErrorCode BallastCheckpointRemove(BallastCheckpoint ck)
{
  int  bad = 0;
  char why[8704] = "";
  PetscFunctionBeginUser;
  if (ck->rank == 0) {
    unlink(ck->tmp);
    if (unlink(ck->path) != 0 && errno != ENOENT) {
      bad = 1;
      snprintf(why, sizeof why, "%s: cannot remove the checkpoint: %s", ck->path, strerror(errno));
    }
  }
  PetscCall(BallastAgreeError(ck->comm, bad ? BALLAST_ERR_IO : 0, bad ? why : NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCheckpointDestroy(BallastCheckpoint *ck)
{
  PetscFunctionBeginUser;
  if (!*ck) PetscFunctionReturn(0);
  PetscCall(forget(*ck));
  PetscCall(PetscFree(*ck));
  PetscFunctionReturn(0);
}
