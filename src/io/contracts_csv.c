/* Distributed contract loading.
 *
 * No rank reads or holds a whole file. The data bytes of each file (after the header line) are
 * split into one range per rank; a rank parses the lines that START in its range, streaming the
 * file in blocks. Line numbers come from an exclusive scan of the per-rank line counts. Every row
 * is validated where it is parsed (file, line, column and value in the message) and staged as a
 * packed record. Then:
 *   1. the portfolio counts are combined (every rank learns the sorted list of portfolios and the
 *      count and estimated work of each) and portfolios are assigned whole to ranks by
 *      BallastPartitionPortfolios (src/core/partition.c: largest first, each to the least loaded
 *      rank) — the same computation on every rank, so no broadcast is needed;
 *   2. contractIDs are checked for duplicates by hashing them to ranks;
 *   3. ranks agree on the error count; rank 0 prints all messages; on error every rank stops;
 *   4. records are sent to their portfolio's owner with MPI_Alltoallv in bounded rounds.
 * The owner sorts its rows by (portfolio, file, line): file order within each portfolio.
 *
 * Decision: RFC 4180 quoting is accepted for commas and doubled quotes; a line break inside a
 * quoted field is not (it would make byte-range splitting ambiguous) and is reported as an
 * unterminated quote. */
#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <ballast/columns.h>
#include <ballast/daycount.h>
#include <ballast/engine.h>
#include <ballast/io.h>
#include <ballast/progress.h>
#include <ballast/partition.h>
#include <ctype.h>
#include <inttypes.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define MAXCOLS 256
#define BLOCK (8u << 20)       /* bytes read at a time */
#define MAXLINE (1u << 20)     /* longest accepted line (docs/loading.md, "Limits") */
#define BALLAST_TEXT_FIELD_MAX 65534 /* longest contractID, portfolio, legalEntity, behaviourSegment */
#define ROUND_BYTES (64u << 20) /* most bytes one rank sends in one exchange round */

#define CACHE_N 8     /* values remembered per column */
#define CACHE_TEXT 32 /* longest value remembered + 1 */

/* a[0..l) == b[0..l) for l < 32, reading only inside both */
static inline int eq_short(const char *a, const char *b, size_t l)
{
  if (l >= 8) {
    uint64_t x0, y0, x1, y1, x2 = 0, y2 = 0, x3 = 0, y3 = 0;
    memcpy(&x0, a, 8);
    memcpy(&y0, b, 8);
    memcpy(&x1, a + l - 8, 8);
    memcpy(&y1, b + l - 8, 8);
    if (l > 16) {
      memcpy(&x2, a + 8, 8);
      memcpy(&y2, b + 8, 8);
    }
    if (l > 24) {
      memcpy(&x3, a + 16, 8);
      memcpy(&y3, b + 16, 8);
    }
    return ((x0 ^ y0) | (x1 ^ y1) | (x2 ^ y2) | (x3 ^ y3)) == 0;
  }
  if (l >= 4) {
    uint32_t x0, y0, x1, y1;
    memcpy(&x0, a, 4);
    memcpy(&y0, b, 4);
    memcpy(&x1, a + l - 4, 4);
    memcpy(&y1, b + l - 4, 4);
    return ((x0 ^ y0) | (x1 ^ y1)) == 0;
  }
  for (size_t i = 0; i < l; i++)
    if (a[i] != b[i]) return 0;
  return 1;
}

/* A header column resolved through the contract column table (include/ballast/columns.h). */
typedef struct {
  int               id;   /* BallastColumnId; -1 for a user tag or an ACTUS term Ballast does not model */
  BallastColumnFill fill; /* what the cell fills (BALLAST_FILL_TERM for the unmodelled terms too) */
  int               term; /* BallastTermsLookup index for BALLAST_FILL_TERM (-2: unsupported term, must be empty) */
  PetscBool         tag;  /* x_...: carried by the user, ignored */
  int               role; /* index into parse_row's col_of_term (the row-level rules' columns), -1 none */
  char              name[96];
  /* the cell parser, chosen once per file (read_header): OP_SKIP for a user tag or an ignored
   * term, OP_DATE/OP_NUMBER/OP_CACHED for a modelled term (a term field of 4 bytes at `off`, or
   * a double bounded by `bound`), OP_UNSUPPORTED for an unmodelled ACTUS term, OP_ALM for the
   * other columns (by `fill`) */
  int    op;
  size_t off;
  double bound;
  /* OP_CACHED and OP_DATE: the last values parsed in this column and their 4 bytes in the terms
   * (an enumeration, cycle, name id or a status date repeats from row to row) */
  int nc, cnext;
  struct {
    int           len;
    char          text[CACHE_TEXT];
    unsigned char val[4];
  } cache[CACHE_N];
} Column;
enum { OP_SKIP, OP_ALM, OP_UNSUPPORTED, OP_DATE, OP_NUMBER, OP_CACHED };

/* Per file, for the row parser: the column of each row-level rule's role, and the market lookups
 * of the scratch names (currency -> FX currency id, market object code -> curve), by scratch id. */
typedef struct {
  int      len; /* -1 empty */
  char     text[CACHE_TEXT];
  int32_t  val;
} NameSlot;
#define NAMECACHE_N 256
typedef struct {
  int      col_of_role[8];
  int32_t *ccy_of, *curve_of; /* INT32_MIN: not looked up yet */
  int32_t  nmap;
  /* the portfolio id (pf_intern) and the behaviour segment check of a text, in a table by a hash
   * of its length and last bytes (a text of one slot is replaced by the next that maps there) */
  NameSlot *pf_slot, *seg_slot;
} RowCtx;

static inline unsigned name_slot(const char *v, size_t l)
{
  uint32_t x = 0;
  if (l >= 4) memcpy(&x, v + l - 4, 4);
  else
    for (size_t i = 0; i < l; i++) x = x << 8 | (unsigned char)v[i];
  return ((x ^ (uint32_t)l) * 2654435761u) >> 24; /* 0..255 */
}
static inline NameSlot *name_find(NameSlot *tab, const char *v, size_t l)
{
  NameSlot *e = &tab[name_slot(v, l)];
  return l < CACHE_TEXT && e->len == (int)l && eq_short(v, e->text, l) ? e : NULL;
}
static inline void name_put(NameSlot *tab, const char *v, size_t l, int32_t val)
{
  if (l >= CACHE_TEXT) return;
  NameSlot *e = &tab[name_slot(v, l)];
  memcpy(e->text, v, l);
  e->len = (int)l;
  e->val = val;
}

/* The columns the row-level rules point at, resolved once per file (read_header). */
enum { ROLE_CURRENCY, ROLE_MOC_RATE_RESET, ROLE_MATURITY, ROLE_NOTIONAL, ROLE_STATUS, ROLE_ROLE, ROLE_ACCRUED, ROLE_TYPE, ROLE_COUNT };
static int column_role(int id)
{
  switch (id) {
  case BALLAST_COLUMN_CURRENCY: return ROLE_CURRENCY;
  case BALLAST_COLUMN_MARKET_OBJECT_CODE_OF_RATE_RESET: return ROLE_MOC_RATE_RESET;
  case BALLAST_COLUMN_MATURITY_DATE: return ROLE_MATURITY;
  case BALLAST_COLUMN_NOTIONAL_PRINCIPAL: return ROLE_NOTIONAL;
  case BALLAST_COLUMN_STATUS_DATE: return ROLE_STATUS;
  case BALLAST_COLUMN_CONTRACT_ROLE: return ROLE_ROLE;
  case BALLAST_COLUMN_ACCRUED_INTEREST: return ROLE_ACCRUED;
  case BALLAST_COLUMN_CONTRACT_TYPE: return ROLE_TYPE;
  default: return -1;
  }
}

/* A staged contract (docs/loading.md, "Memory"): a fixed header, then the terms in the store's
 * compact encoding (enumerations as bytes; dates, text ids, cycles and the ALM extras only where
 * they differ from the defaults, behind a bit mask; the sparse double terms behind their mask as in
 * the store), then the text of id, entity and segment (the portfolio is its id). About 130 bytes on
 * the generated bank, against 420 for a whole BallastTerms with its text. */
typedef struct {
  uint32_t size;      /* whole record, padded to 8 bytes */
  uint16_t file;
  uint16_t len_id, len_ent, len_seg;
  int32_t  portfolio; /* this rank's portfolio id while parsing, the global index from the exchange on */
  int64_t  line;
} Rec;
/* the terms follow the header in the store's compact encoding (BallastContractsEncode) */
static size_t rec_enc_len(const Rec *r) { return BallastContractsEncodedSize((const char *)(r + 1)); }

/* The record's text: contractID, then entity, then segment. */
static const char *rec_text(const Rec *r) { return (const char *)(r + 1) + rec_enc_len(r); }

static uint32_t rec_nsparse(const Rec *r) { return BallastContractsEncodedSparse((const char *)(r + 1)); }

/* The staging: records in chunks mapped from the system one by one and returned (munmap) as soon
 * as the exchange has sent them, so that the staging shrinks while the store fills. */
#define STAGE_CHUNK (8u << 20)
typedef struct {
  char  *data;
  size_t len, cap;
} Chunk;
typedef struct {
  Chunk *c;
  int    nc, ccap;
  size_t nrec;
} Stage;
typedef struct {
  int    c;
  size_t off;
} StagePos;

static StagePos stage_end(const Stage *S) { StagePos p = {S->nc ? S->nc - 1 : 0, S->nc ? S->c[S->nc - 1].len : 0}; return p; }

static PetscErrorCode chunk_free(Chunk *c)
{
  PetscFunctionBeginUser;
  if (c->data) PetscCheck(munmap(c->data, c->cap) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "munmap failed");
  c->data = NULL;
  c->len = c->cap = 0;
  PetscFunctionReturn(0);
}

/* Room for one record of sz bytes at the end of the staging; returns where it goes. */
static PetscErrorCode stage_reserve(Stage *S, size_t sz, char **at)
{
  PetscFunctionBeginUser;
  if (!S->nc || S->c[S->nc - 1].len + sz > S->c[S->nc - 1].cap) {
    if (S->nc == S->ccap) {
      int cap = S->ccap ? 2 * S->ccap : 64;
      PetscCall(PetscRealloc(sizeof(Chunk) * (size_t)cap, &S->c));
      S->ccap = cap;
    }
    size_t cap = sz > STAGE_CHUNK ? (sz + 4095) & ~(size_t)4095 : STAGE_CHUNK;
    void  *m   = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    PetscCheck(m != MAP_FAILED, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory staging the contracts");
    S->c[S->nc].data = (char *)m;
    S->c[S->nc].len  = 0;
    S->c[S->nc].cap  = cap;
    S->nc++;
  }
  *at = S->c[S->nc - 1].data + S->c[S->nc - 1].len;
  PetscFunctionReturn(0);
}

/* Drop the records from p on (their chunks returned). */
static PetscErrorCode stage_truncate(Stage *S, StagePos p)
{
  PetscFunctionBeginUser;
  for (int c = p.c; c < S->nc; c++)
    for (size_t off = c == p.c ? p.off : 0; off < S->c[c].len; off += ((Rec *)(S->c[c].data + off))->size) S->nrec--;
  if (!S->nc) PetscFunctionReturn(0);
  for (int c = p.c + 1; c < S->nc; c++) PetscCall(chunk_free(&S->c[c]));
  S->nc = p.c + 1;
  S->c[p.c].len = p.off;
  PetscFunctionReturn(0);
}

static PetscErrorCode stage_destroy(Stage *S)
{
  PetscFunctionBeginUser;
  for (int c = 0; c < S->nc; c++) PetscCall(chunk_free(&S->c[c]));
  PetscCall(PetscFree(S->c));
  S->nc = S->ccap = 0;
  S->nrec = 0;
  PetscFunctionReturn(0);
}

/* Walk the records from position P on: R is a Rec * */
#define STAGE_FOR(S, P, R)                                                                          \
  for (int c_ = (P).c; c_ < (S)->nc; c_++)                                                          \
    for (size_t o_ = c_ == (P).c ? (P).off : 0; o_ < (S)->c[c_].len; o_ += ((Rec *)((S)->c[c_].data + o_))->size) \
      for (Rec *R = (Rec *)((S)->c[c_].data + o_), *once_ = R; once_; once_ = NULL)

typedef struct {
  char  *data;
  size_t len, cap;
  size_t nrec;
} Buf;

static PetscErrorCode buf_reserve(Buf *b, size_t more)
{
  PetscFunctionBeginUser;
  if (b->len + more <= b->cap) PetscFunctionReturn(0);
  size_t cap = b->cap ? b->cap : (b->len + more > (1u << 20) ? b->len + more : 1u << 20);
  while (cap < b->len + more) cap *= 2;
  PetscCall(PetscRealloc(cap, &b->data));
  b->cap = cap;
  PetscFunctionReturn(0);
}

/* Load progress summed over the ranks (include/ballast/progress.h): bytes parsed of the bytes to
 * parse, shown in MB. The rounds run on a duplicate of the loader's communicator (prog_comm), so
 * they never interleave with the loader's own collectives between files. */
typedef struct {
  MPI_Comm           comm;
  PetscMPIInt        rank, size;
  const BallastConfig *cfg;
  const BallastMarketData *m;
  BallastDiag        diag;
  Stage              staged;
  BallastNames       pf_local; /* portfolio names seen by this rank */
  int64_t           *pf_count, *pf_cost;
  PetscInt           pf_cap;
  BallastNames       scratch;  /* market object codes while parsing */
  BallastDiag        warn;     /* warnings of this rank's lines (accrued interest), printed after the load */
  BallastTerms       tmpl;     /* BallastTermsInit once: copied for every row */
  BallastNames       segnames; /* the configuration's behaviour segment names */
  BallastProgress    prog;
  MPI_Comm           prog_comm;
  int64_t            bytes_done, bytes_total; /* this rank's share of the data bytes of every file */
  double             t_parse;                 /* seconds in parse + validate (this rank) */
  BallastDate        ymd_date;                /* check_accrued: the status date last split into ymd */
  int                ymd[3];
} Loader;

/* The accrued-interest check of a mid-life fixed-rate contract with an interest cycle
 * (docs/decisions.md, "Accrued interest of a mid-life contract"): the interest accrued on the
 * outstanding notional at the contract rate from the last interest payment date on or before the
 * status date (the unadjusted cycle dates from cycleAnchorDateOfInterestPayment, else the
 * initialExchangeDate) to the status date. A warning, printed by the rank that parsed the line
 * (at most BALLAST_ACCRUED_WARN_PRINT per rank), counted in the run's summary. */
#define BALLAST_ACCRUED_WARN_PRINT 20
/* BallastDateAddMonths(BallastDateFromYMD(y, m, d), n) from the date's year, month and day (the
 * same arithmetic, src/core/date.c), i.e. BallastCycleAdd of a cycle of months */
static BallastDate add_months_ymd(int y, int m, int d, int n)
{
  int idx = y * 12 + (m - 1) + n;
  y       = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
  m       = idx - y * 12 + 1;
  int dim = BallastDaysInMonth(y, m);
  return BallastDateFromYMD(y, m, d > dim ? dim : d);
}
static PetscErrorCode check_accrued(Loader *L, const char *path, int64_t ln, const char *id, const BallastTerms *t)
{
  int ct = (int)t->contractType;
  PetscFunctionBeginUser;
  if (ct == BALLAST_CT_SWPPV || ct == BALLAST_CT_CSH || ct == BALLAST_CT_STK || ct == BALLAST_CT_FXOUT || ct == BALLAST_CT_COUNT) PetscFunctionReturn(0);
  if (t->initialExchangeDate == BALLAST_DATE_NONE || t->statusDate == BALLAST_DATE_NONE || t->initialExchangeDate >= t->statusDate) PetscFunctionReturn(0);
  if (t->cycleOfInterestPayment.n <= 0 || t->cycleOfRateReset.n > 0 || t->marketObjectCodeOfRateReset >= 0) PetscFunctionReturn(0); /* fixed rate, an interest cycle */
  if (isnan(t->accruedInterest) || !isfinite(t->nominalInterestRate) || !isfinite(t->notionalPrincipal) || t->dayCountConvention >= BALLAST_DCC_COUNT) PetscFunctionReturn(0);
  BallastCycle c      = t->cycleOfInterestPayment;
  BallastDate  anchor = t->cycleAnchorDateOfInterestPayment != BALLAST_DATE_NONE ? t->cycleAnchorDateOfInterestPayment : BallastCycleAdd(t->initialExchangeDate, c, 1);
  BallastDate  last   = t->initialExchangeDate;
  /* BallastCycleAdd(anchor, c, k) is non-decreasing in k: the cycle date is found by bisection
   * between bounds from the day distance (a step of m months is 28m to 31m days; of D or W days
   * exactly), the same date as walking the cycle one step at a time, in a few steps */
  int64_t smin, smax; /* days of one cycle step, at least / at most */
  switch (c.unit) {
  case 'D': smin = smax = c.n; break;
  case 'W': smin = smax = 7 * (int64_t)c.n; break;
  default: {
    int64_t mo = (int64_t)c.n * (c.unit == 'Q' ? 3 : c.unit == 'H' ? 6 : c.unit == 'Y' ? 12 : 1);
    smin       = 28 * mo;
    smax       = 31 * mo;
  }
  }
  if (c.unit != 'D' && c.unit != 'W') {
    /* a cycle of months: the step count from the month distance, the same date as the bisection
     * below (each step moves the month index by mo, so only the day decides between k and k -/+ 1) */
    int64_t mo = smin / 28;
    int     ya, ma, da, ys, ms, ds;
    BallastDateToYMD(anchor, &ya, &ma, &da);
    if (t->statusDate != L->ymd_date) { /* (the status date repeats from row to row) */
      BallastDateToYMD(t->statusDate, &L->ymd[0], &L->ymd[1], &L->ymd[2]);
      L->ymd_date = t->statusDate;
    }
    ys = L->ymd[0], ms = L->ymd[1], ds = L->ymd[2];
    (void)ds;
    if (anchor <= t->statusDate) {
      int64_t     k = ((int64_t)ys * 12 + ms - ((int64_t)ya * 12 + ma)) / mo;
      BallastDate d = add_months_ymd(ya, ma, da, (int)(mo * k));
      if (d > t->statusDate) d = add_months_ymd(ya, ma, da, (int)(mo * (k - 1)));
      last = d;
    } else {
      int64_t     M = (int64_t)ya * 12 + ma - ((int64_t)ys * 12 + ms), j = (M + mo - 1) / mo;
      BallastDate d = add_months_ymd(ya, ma, da, -(int)(mo * j));
      if (d > t->statusDate) d = add_months_ymd(ya, ma, da, -(int)(mo * (j + 1)));
      if (d <= t->statusDate && d > last) last = d;
    }
  } else if (anchor <= t->statusDate) { /* forward from the anchor: the last cycle date on or before the status date */
    int64_t diff = t->statusDate - anchor;
    int64_t lo = diff / smax - 1, hi = diff / smin + 2; /* invariant: CycleAdd(lo) <= statusDate < CycleAdd(hi) */
    if (lo < 0) lo = 0;
    if (hi > 200000) hi = 200000;
    while (hi - lo > 1) {
      int64_t mid = lo + (hi - lo) / 2;
      if (BallastCycleAdd(anchor, c, (int)mid) > t->statusDate) hi = mid;
      else lo = mid;
    }
    last = BallastCycleAdd(anchor, c, (int)lo);
  } else { /* an anchor after the status date (the next payment): back from it, not before the IED */
    int64_t diff = anchor - t->statusDate;
    int64_t lo = diff / smax - 1, hi = diff / smin + 2; /* invariant: CycleAdd(-lo) > statusDate >= CycleAdd(-hi) */
    if (lo < 0) lo = 0;
    if (hi > 200000) hi = 200000;
    while (hi - lo > 1) {
      int64_t     mid = lo + (hi - lo) / 2;
      BallastDate d   = BallastCycleAdd(anchor, c, -(int)mid);
      if (d <= t->statusDate) hi = mid;
      else lo = mid;
    }
    BallastDate d = BallastCycleAdd(anchor, c, -(int)hi);
    if (d <= t->statusDate && d > last) last = d; /* (the IED is before the status date: a date not after the IED is not taken) */
  }
  double want = fabs(t->notionalPrincipal) * t->nominalInterestRate * BallastYearFraction(t->dayCountConvention, last, t->statusDate, t->maturityDate);
  double seen = t->accruedInterest, tol = fmax(0.01 * fabs(want), 0.01);
  if (fabs(seen - want) <= tol) PetscFunctionReturn(0);
  char d[11];
  BallastDateFormat(last, d);
  /* "path:-k:" like the errors: the loader rewrites the local line index to the line number */
  PetscCall(BallastDiagAdd(&L->warn, "%s:%" PRId64 ": contract %s: accruedInterest %.2f differs from the %.2f accrued since its last interest payment date %s by more than max(1 %%, 0.01)", path, ln, id, seen,
                           want, d));
  PetscFunctionReturn(0);
}

#define ERR(L, ...) PetscCall(BallastDiagAdd(&(L)->diag, __VA_ARGS__))
/* A cell's value in a message: at most 80 characters of it, then "..." (a cell can be long). */
#define SHOWN_MAX 80
#define SHOWN(v, l) (int)((l) > SHOWN_MAX ? SHOWN_MAX : (l)), (v), ((l) > SHOWN_MAX ? "..." : "")

static int parse_bool(const char *s, uint8_t *v)
{
  if (!strcmp(s, "true") || !strcmp(s, "TRUE") || !strcmp(s, "1")) { *v = 1; return 0; }
  if (!strcmp(s, "false") || !strcmp(s, "FALSE") || !strcmp(s, "0")) { *v = 0; return 0; }
  return -1;
}

static int lookup(const char *const *names, const char *s)
{
  for (int i = 0; names[i]; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}

static const char *const cpty_names[] = {"retail", "sme", "corporate", "financial", "sovereign", "central_bank", "pse", "mdb", "other", NULL};
static const char *const stab_names[] = {"less_stable", "stable", NULL};
static const char *const hqla_names[] = {"", "1", "2A", "2B_RMBS", "2B", NULL};
static const char *const fac_names[]  = {"credit", "liquidity", NULL};

/* The cell parser of a term column (Column.op). */
static int column_op(Column *c)
{
  if (c->term == -2) return OP_UNSUPPORTED;
  if (c->term < 0) return OP_SKIP;
  switch (BallastTermsDescribe(c->term, &c->off, &c->bound)) {
  case BALLAST_TERMKIND_DATE: return OP_DATE;
  case BALLAST_TERMKIND_NUMBER: return OP_NUMBER;
  case BALLAST_TERMKIND_IGNORE: return OP_SKIP;
  default: return OP_CACHED;
  }
}

/* Header of file f: every rank reads the first line itself (it is small). */
static PetscErrorCode read_header(Loader *L, const char *path, Column **cols, int *ncols, long *hdr_end, long *fsize, PetscBool *fail)
{
  char  *line = NULL, *f[MAXCOLS];
  int    cp[MAXCOLS], ecol;
  FILE  *fp;
  PetscFunctionBeginUser;
  *fail = PETSC_FALSE;
  char why[1024];
  int  st = BallastFileOpenRead(path, &fp, why, sizeof why); /* a directory, FIFO or device is refused */
  if (st) {
    if (st == BALLAST_OPEN_NOT_REGULAR) ERR(L, "%s (a contract file)", why);
    else ERR(L, "%s: cannot open contract file", path);
    *fail = PETSC_TRUE;
    PetscFunctionReturn(0);
  }
  fseeko(fp, 0, SEEK_END);
  *fsize = (long)ftello(fp);
  fseeko(fp, 0, SEEK_SET);
  PetscCall(PetscMalloc1(MAXLINE + 1, &line));
  if (!fgets(line, MAXLINE, fp)) line[0] = 0;
  fclose(fp);
  size_t l = strlen(line);
  *hdr_end = (long)l;
  while (l && (line[l - 1] == '\n' || line[l - 1] == '\r')) line[--l] = 0;
  /* a UTF-8 byte order mark is tolerated */
  char *h = line;
  if ((unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF) h += 3;
  if (!h[0]) {
    ERR(L, "%s:1:1: empty file: expected a header line of column names", path);
    *fail = PETSC_TRUE;
    PetscCall(PetscFree(line));
    PetscFunctionReturn(0);
  }
  int n = BallastCSVSplit(h, f, cp, MAXCOLS, &ecol);
  if (n < 0) {
    ERR(L, "%s:1:%d: malformed header (quoting or more than %d columns)", path, ecol, MAXCOLS);
    *fail = PETSC_TRUE;
    PetscCall(PetscFree(line));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscCalloc1(n, cols));
  *ncols       = n;
  PetscBool has_id = PETSC_FALSE, has_pf = PETSC_FALSE, has_type = PETSC_FALSE, has_role = PETSC_FALSE, has_ccy = PETSC_FALSE;
  for (int i = 0; i < n; i++) {
    Column *c = &(*cols)[i];
    c->role   = -1;
    snprintf(c->name, sizeof c->name, "%s", f[i]);
    for (int j = 0; j < i; j++)
      if (!strcmp((*cols)[j].name, c->name)) {
        ERR(L, "%s:1:%d: column '%s' appears twice", path, cp[i], f[i]);
        *fail = PETSC_TRUE;
      }
    c->id   = BallastColumnsFind(f[i]);
    c->nc   = c->cnext = 0;
    c->op   = OP_SKIP;
    if (c->id >= 0) {
      c->fill = BallastColumnsGet((BallastColumnId)c->id)->fill;
      if (c->fill == BALLAST_FILL_TERM) c->term = BallastTermsLookup(f[i]);
      c->op   = c->fill == BALLAST_FILL_TERM ? column_op(c) : OP_ALM;
      c->role = column_role(c->id);
      has_id |= c->id == BALLAST_COLUMN_CONTRACT_ID;
      has_pf |= c->id == BALLAST_COLUMN_PORTFOLIO;
      has_type |= c->id == BALLAST_COLUMN_CONTRACT_TYPE;
      has_role |= c->id == BALLAST_COLUMN_CONTRACT_ROLE;
      has_ccy |= c->id == BALLAST_COLUMN_CURRENCY;
      continue;
    }
    if (!strncmp(f[i], "x_", 2)) { c->tag = PETSC_TRUE; continue; }
    int t = BallastTermsLookup(f[i]);
    if (t == -1) {
      ERR(L, "%s:1:%d: unknown column '%s': not an ACTUS term (actus-dictionary-terms.json), an ALM attribute of the contract file spec, or a user tag x_...", path, cp[i], f[i]);
      *fail = PETSC_TRUE;
      continue;
    }
    c->fill = BALLAST_FILL_TERM;
    c->term = t;
    c->op   = column_op(c);
  }
  if (!has_id) { ERR(L, "%s:1:1: missing required column 'contractID'", path); *fail = PETSC_TRUE; }
  if (!has_pf) { ERR(L, "%s:1:1: missing required column 'portfolio'", path); *fail = PETSC_TRUE; }
  if (!has_type) { ERR(L, "%s:1:1: missing required column 'contractType'", path); *fail = PETSC_TRUE; }
  if (!has_role) { ERR(L, "%s:1:1: missing required column 'contractRole'", path); *fail = PETSC_TRUE; }
  if (!has_ccy) { ERR(L, "%s:1:1: missing required column 'currency'", path); *fail = PETSC_TRUE; }
  PetscCall(PetscFree(line));
  PetscFunctionReturn(0);
}

/* Projection work of a contract: BallastWorkEstimate (src/core/partition.c, measured per-type
 * costs). Used only to balance portfolios across ranks. */

static PetscErrorCode pf_intern(Loader *L, const char *name, int32_t *id)
{
  PetscFunctionBeginUser;
  *id = BallastNamesIntern(L->pf_local, name);
  PetscCheck(*id >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  if (*id >= L->pf_cap) {
    PetscInt cap = L->pf_cap ? 2 * L->pf_cap : 64;
    PetscCall(PetscRealloc(sizeof(int64_t) * (size_t)cap, &L->pf_count));
    PetscCall(PetscRealloc(sizeof(int64_t) * (size_t)cap, &L->pf_cost));
    for (PetscInt i = L->pf_cap; i < cap; i++) L->pf_count[i] = L->pf_cost[i] = 0;
    L->pf_cap = cap;
  }
  L->pf_count[*id]++;
  PetscFunctionReturn(0);
}

static int type_has_interest(int ct)
{
  return ct == BALLAST_CT_PAM || ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM || ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP ||
         ct == BALLAST_CT_SWPPV;
}

/* Blanks trimmed around an unquoted value: ' ' and '\t' in front, also '\r' behind. */
static const unsigned char blank_front[256] = {[' '] = 1, ['\t'] = 1};
static const unsigned char blank_back[256]  = {[' '] = 1, ['\t'] = 1, ['\r'] = 1};

/* The market lookups of scratch name id k (RowCtx), grown on demand. */
static PetscErrorCode rowctx_reserve(RowCtx *R, int32_t k)
{
  PetscFunctionBeginUser;
  if (k < R->nmap) PetscFunctionReturn(0);
  int32_t n = R->nmap ? R->nmap : 16;
  while (n <= k) n *= 2;
  PetscCall(PetscRealloc(sizeof(int32_t) * (size_t)n, &R->ccy_of));
  PetscCall(PetscRealloc(sizeof(int32_t) * (size_t)n, &R->curve_of));
  for (int32_t i = R->nmap; i < n; i++) R->ccy_of[i] = R->curve_of[i] = INT32_MIN;
  R->nmap = n;
  PetscFunctionReturn(0);
}

/* Parse, validate and stage one data line (line[len] == 0). */
static PetscErrorCode parse_row(Loader *L, const char *path, uint16_t fidx, int64_t ln, char *line, size_t len, Column *cols, int ncols, RowCtx *R)
{
  char        *f[MAXCOLS], err[256];
  int          ecol;
  BallastTerms t;
  BallastAlm   a;
  const char  *id = "", *pf = "", *ent = "", *seg = "";
  size_t       lid = 0, lpf = 0, lent = 0, lseg = 0;
  int          seg_col = 1;
  PetscInt     nerr0 = L->diag.n;
  const int   *col_of_term = R->col_of_role;

  PetscFunctionBeginUser;
  int fl[MAXCOLS];
  int n = BallastCSVSplitN(line, len, f, fl, NULL, MAXCOLS, &ecol);
  /* the 1-based column where field i starts (its first character, the opening quote if quoted) */
#define CP(i) ((int)(f[i] - line) + 1)
  if (n < 0) {
    ERR(L, "%s:%" PRId64 ":%d: malformed quoting (a quoted field must end with a quote followed by a comma or the end of the line)", path, ln, ecol);
    PetscFunctionReturn(0);
  }
  if (n != ncols) {
    ERR(L, "%s:%" PRId64 ":1: %d fields, expected %d as in the header", path, ln, n, ncols);
    PetscFunctionReturn(0);
  }
  t = L->tmpl;
  PetscCall(PetscMemzero(&a, sizeof a));
  a.legalEntity = a.behaviourSegment = -1;
  a.counterpartyType = BALLAST_CP_OTHER;
  a.depositStability = BALLAST_STAB_LESS_STABLE;
  a.encumberedUntil  = BALLAST_DATE_NONE;
  a.riskWeight       = NAN;
  for (int i = 0; i < n; i++) {
    Column *c  = &cols[i];
    int     op = c->op;
    if (op == OP_SKIP) continue;
    char  *v = f[i];
    size_t l = (size_t)fl[i];
    if (l) { /* trim blanks around unquoted values */
      if (blank_front[(unsigned char)*v])
        while (blank_front[(unsigned char)*v]) v++, l--;
      while (l && blank_back[(unsigned char)v[l - 1]]) v[--l] = 0;
    }
    if (op != OP_ALM) {
      if (!l) continue; /* empty: the term keeps its default */
      char *p = (char *)&t + c->off;
      if (op == OP_NUMBER) { /* the common cell: parsed here, any failure again below for its message */
        double x;
        if (!BallastParseNumber(v, l, &x) && fabs(x) <= c->bound) {
          memcpy(p, &x, sizeof x);
          continue;
        }
      } else if (op != OP_UNSUPPORTED) {
        int hit = -1;
        for (int k = 0; k < c->nc; k++) /* a value an earlier row of this file set in this column */
          if (c->cache[k].len == (int)l && eq_short(v, c->cache[k].text, l)) {
            hit = k;
            break;
          }
        if (hit >= 0) {
          memcpy(p, c->cache[hit].val, 4);
          continue;
        }
        BallastDate d;
        if (op == OP_DATE && !BallastDateParseN(v, l, &d)) {
          memcpy(p, &d, 4);
        } else if (op != OP_CACHED || BallastTermsSetTrimmed(&t, L->scratch, c->term, v, l, err, sizeof err) != BALLAST_TERM_OK) goto slow;
        if (l < CACHE_TEXT && (op == OP_CACHED || !c->nc)) { /* (a date column remembers its first value only: dates vary) */
          int k = 0;
          if (op == OP_CACHED) {
            k        = c->cnext;
            c->cnext = (k + 1) % CACHE_N;
            if (c->nc < CACHE_N) c->nc++;
          } else c->nc = 1;
          memcpy(c->cache[k].text, v, l);
          memcpy(c->cache[k].val, p, 4);
          c->cache[k].len = (int)l;
        }
        continue;
      }
    slow:
      if (c->term == -2) {
        ERR(L, "%s:%" PRId64 ":%d: column '%s': value '%.*s%s': this ACTUS term is not supported by Ballast; leave it empty", path, ln, CP(i), c->name, SHOWN(v, l));
        continue;
      }
      if (BallastTermsSetTrimmed(&t, L->scratch, c->term, v, l, err, sizeof err) != BALLAST_TERM_OK)
        ERR(L, "%s:%" PRId64 ":%d: column '%s': value '%.*s%s': %s", path, ln, CP(i), c->name, SHOWN(v, l), err);
      continue;
    }
    int k;
    switch (c->fill) {
    case BALLAST_FILL_TERM: break; /* (not reached: OP_ALM is every other fill) */
    case BALLAST_FILL_ID:
      id  = v;
      lid = l;
      if (!v[0]) ERR(L, "%s:%" PRId64 ":%d: column 'contractID': empty; every contract needs an identifier", path, ln, CP(i));
      break;
    case BALLAST_FILL_PORTFOLIO:
      pf  = v;
      lpf = l;
      if (!v[0]) ERR(L, "%s:%" PRId64 ":%d: column 'portfolio': empty; every contract belongs to a portfolio", path, ln, CP(i));
      break;
    case BALLAST_FILL_ENTITY:
      ent  = v;
      lent = l;
      break;
    case BALLAST_FILL_SEGMENT:
      seg     = v;
      lseg    = l;
      seg_col = CP(i);
      break;
    case BALLAST_FILL_COUNTERPARTY:
      if (v[0] && (k = lookup(cpty_names, v)) < 0) ERR(L, "%s:%" PRId64 ":%d: column 'counterpartyType': value '%s': expected one of retail, sme, corporate, financial, sovereign, central_bank, pse, mdb, other", path, ln, CP(i), v);
      else if (v[0]) a.counterpartyType = (uint8_t)k;
      break;
    case BALLAST_FILL_STABILITY:
      if (v[0] && (k = lookup(stab_names, v)) < 0) ERR(L, "%s:%" PRId64 ":%d: column 'depositStability': value '%s': expected stable or less_stable", path, ln, CP(i), v);
      else if (v[0]) a.depositStability = (uint8_t)k;
      break;
    case BALLAST_FILL_OPERATIONAL:
      if (v[0] && parse_bool(v, &a.operational)) ERR(L, "%s:%" PRId64 ":%d: column 'operational': value '%s': expected true or false", path, ln, CP(i), v);
      break;
    case BALLAST_FILL_INSURED:
      if (v[0] && parse_bool(v, &a.insured)) ERR(L, "%s:%" PRId64 ":%d: column 'insured': value '%s': expected true or false", path, ln, CP(i), v);
      break;
    case BALLAST_FILL_HQLA:
      if ((k = lookup(hqla_names, v)) < 0) ERR(L, "%s:%" PRId64 ":%d: column 'hqlaLevel': value '%s': expected 1, 2A, 2B_RMBS, 2B or empty", path, ln, CP(i), v);
      else a.hqlaLevel = (uint8_t)k;
      break;
    case BALLAST_FILL_ENCUMBERED:
      if (v[0] && BallastDateParse(v, &a.encumberedUntil)) ERR(L, "%s:%" PRId64 ":%d: column 'encumberedUntil': value '%s': expected a date YYYY-MM-DD", path, ln, CP(i), v);
      break;
    case BALLAST_FILL_RISK_WEIGHT:
      if (v[0] && (BallastParseDouble(v, &a.riskWeight) || a.riskWeight < 0 || a.riskWeight > 12.5))
        ERR(L, "%s:%" PRId64 ":%d: column 'riskWeight': value '%s': expected a decimal risk weight (0.35 = 35 %%) between 0 and 12.5", path, ln, CP(i), v);
      break;
    case BALLAST_FILL_UNDRAWN:
      if (v[0] && (BallastParseDouble(v, &a.undrawnCommitment) || a.undrawnCommitment < 0))
        ERR(L, "%s:%" PRId64 ":%d: column 'undrawnCommitment': value '%s': expected a non-negative amount", path, ln, CP(i), v);
      break;
    case BALLAST_FILL_FACILITY:
      if (v[0] && (k = lookup(fac_names, v)) < 0) ERR(L, "%s:%" PRId64 ":%d: column 'facilityType': value '%s': expected credit or liquidity", path, ln, CP(i), v);
      else if (v[0]) a.facilityType = (uint8_t)k;
      break;
    }
  }
  if (L->diag.n == nerr0) {
    /* Row-level rules (the cell parsed; is the contract meaningful?). */
    const BallastConfig *cfg = L->cfg;
    int                  ct  = (int)t.contractType;
#define COLPOS(k) (col_of_term[k] >= 0 ? CP(col_of_term[k]) : 1)
    if (ct == BALLAST_CT_COUNT) ERR(L, "%s:%" PRId64 ":%d: column 'contractType': empty; expected one of PAM, ANN, LAM, NAM, CLM, UMP, SWPPV, CSH, STK, FXOUT", path, ln, COLPOS(7));
    if (t.contractRole == BALLAST_ROLE_COUNT) ERR(L, "%s:%" PRId64 ":%d: column 'contractRole': empty; expected RPA or RPL (RFL or PFL for swaps)", path, ln, COLPOS(5));
    else if (ct == BALLAST_CT_SWPPV) {
      if (t.contractRole != BALLAST_ROLE_RFL && t.contractRole != BALLAST_ROLE_PFL && t.contractRole != BALLAST_ROLE_RF && t.contractRole != BALLAST_ROLE_PF)
        ERR(L, "%s:%" PRId64 ":%d: column 'contractRole': value '%s': a swap (SWPPV) is RFL (receive fixed) or PFL (pay fixed)", path, ln, COLPOS(5), f[col_of_term[5]]);
    } else if (ct != BALLAST_CT_COUNT && t.contractRole != BALLAST_ROLE_RPA && t.contractRole != BALLAST_ROLE_RPL)
      ERR(L, "%s:%" PRId64 ":%d: column 'contractRole': value '%s': a %s contract is RPA (asset) or RPL (liability)", path, ln, COLPOS(5), f[col_of_term[5]], BallastContractTypeName((BallastContractType)ct));
    /* currency: known to the market data, with an FX rate */
    if (t.currency < 0) ERR(L, "%s:%" PRId64 ":%d: column 'currency': empty; every contract has a currency", path, ln, COLPOS(0));
    else {
      const char *ccy = BallastNamesGet(L->scratch, t.currency);
      PetscCall(rowctx_reserve(R, t.currency));
      if (R->ccy_of[t.currency] == INT32_MIN) R->ccy_of[t.currency] = BallastNamesFind(L->m->currencies, ccy);
      int32_t mid = R->ccy_of[t.currency];
      if (mid < 0 || mid >= L->m->nfx || isnan(L->m->fx[mid])) {
        ERR(L, "%s:%" PRId64 ":%d: column 'currency': value '%s': no FX rate for this currency in %s", path, ln, COLPOS(0), ccy, cfg->fx);
        t.currency = -1;
      } else t.currency = mid;
    }
    /* floating rate: the reset curve exists */
    if (t.marketObjectCodeOfRateReset >= 0) {
      const char *moc = BallastNamesGet(L->scratch, t.marketObjectCodeOfRateReset);
      PetscCall(rowctx_reserve(R, t.marketObjectCodeOfRateReset));
      if (R->curve_of[t.marketObjectCodeOfRateReset] == INT32_MIN) R->curve_of[t.marketObjectCodeOfRateReset] = (int32_t)BallastMarketFindCurve(L->m, moc);
      PetscInt k = R->curve_of[t.marketObjectCodeOfRateReset];
      if (k < 0) ERR(L, "%s:%" PRId64 ":%d: column 'marketObjectCodeOfRateReset': value '%s': no curve of that curveID in %s", path, ln, COLPOS(1), moc, cfg->curves);
      t.marketObjectCodeOfRateReset = (int32_t)k;
    } else if (t.cycleOfRateReset.n > 0)
      ERR(L, "%s:%" PRId64 ":%d: column 'marketObjectCodeOfRateReset': empty, but cycleOfRateReset is set: a floating contract names the curve it resets on", path, ln, COLPOS(1));
    if (t.currency2 >= 0) { /* second currency (FXOUT): a market currency with an FX rate, like currency */
      const char *ccy = BallastNamesGet(L->scratch, t.currency2);
      int32_t     mid = BallastNamesFind(L->m->currencies, ccy);
      if (mid < 0 || mid >= L->m->nfx || isnan(L->m->fx[mid])) {
        ERR(L, "%s:%" PRId64 ":1: column 'currency2': value '%s': no FX rate for this currency in %s", path, ln, ccy, cfg->fx);
        t.currency2 = -1;
      } else t.currency2 = mid;
    }
    if (t.statusDate == BALLAST_DATE_NONE) t.statusDate = cfg->as_of;
    else if (t.statusDate > cfg->as_of) {
      char d[11];
      BallastDateFormat(cfg->as_of, d);
      ERR(L, "%s:%" PRId64 ":%d: column 'statusDate': value '%s': after the run's as-of date %s", path, ln, COLPOS(4), f[col_of_term[4]], d);
    }
    if (t.maturityDate != BALLAST_DATE_NONE && t.maturityDate <= t.statusDate)
      ERR(L, "%s:%" PRId64 ":%d: column 'maturityDate': value '%s': on or before the status date; a matured contract is not on the balance sheet", path, ln, COLPOS(2), f[col_of_term[2]]);
    if (t.maturityDate != BALLAST_DATE_NONE && t.initialExchangeDate != BALLAST_DATE_NONE && t.initialExchangeDate > t.maturityDate) {
      char d[11];
      BallastDateFormat(t.initialExchangeDate, d);
      ERR(L, "%s:%" PRId64 ":%d: column 'maturityDate': value '%s': before the initialExchangeDate %s", path, ln, COLPOS(2), f[col_of_term[2]], d);
    }
    if (ct != BALLAST_CT_STK && ct != BALLAST_CT_COUNT && isnan(t.notionalPrincipal))
      ERR(L, "%s:%" PRId64 ":%d: column 'notionalPrincipal': empty; a %s contract needs its outstanding principal", path, ln, COLPOS(3), BallastContractTypeName((BallastContractType)ct));
    else if (t.notionalPrincipal < 0)
      ERR(L, "%s:%" PRId64 ":%d: column 'notionalPrincipal': value '%s': negative; amounts are unsigned, the side is the contractRole", path, ln, COLPOS(3), f[col_of_term[3]]);
    if (type_has_interest(ct) && t.dayCountConvention == BALLAST_DCC_COUNT)
      ERR(L, "%s:%" PRId64 ":1: column 'dayCountConvention': empty; a %s contract needs one (AA, A360, A365, 30E360ISDA, 30E360, 28E336)", path, ln, BallastContractTypeName((BallastContractType)ct));
    if ((ct == BALLAST_CT_PAM || ct == BALLAST_CT_SWPPV) && t.maturityDate == BALLAST_DATE_NONE)
      ERR(L, "%s:%" PRId64 ":%d: column 'maturityDate': empty; a %s contract needs one", path, ln, COLPOS(2), BallastContractTypeName((BallastContractType)ct));
    if ((ct == BALLAST_CT_PAM || ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM || ct == BALLAST_CT_SWPPV) && t.initialExchangeDate == BALLAST_DATE_NONE)
      ERR(L, "%s:%" PRId64 ":1: column 'initialExchangeDate': empty; a %s contract needs one", path, ln, BallastContractTypeName((BallastContractType)ct));
    /* a behaviour segment the configuration does not define is an input error, also for a
     * contractual run or validate: the input is wrong either way (docs/decisions.md) */
    if (seg[0]) {
      NameSlot *e = name_find(R->seg_slot, seg, lseg);
      int32_t   k = e ? e->val : BallastNamesFind(L->segnames, seg);
      if (!e) name_put(R->seg_slot, seg, lseg, k);
      if (k < 0)
        ERR(L, "%s:%" PRId64 ":%d: column 'behaviourSegment': value '%s': no behaviour segment of that name in %s%s", path, ln, seg_col, seg, cfg->path ? cfg->path : "the configuration",
            cfg->nsegment_names ? "" : " (it configures none)");
    }
    /* loaded mid-life: the accrued interest is data, never estimated */
    if (type_has_interest(ct) && t.initialExchangeDate != BALLAST_DATE_NONE && t.initialExchangeDate < t.statusDate && isnan(t.accruedInterest))
      ERR(L, "%s:%" PRId64 ":%d: column 'accruedInterest': empty; the contract is loaded mid-life (initialExchangeDate before statusDate) and its accrued interest must be given", path, ln, COLPOS(6));
#undef COLPOS
  }
  {
    /* text fields are stored with 16-bit lengths: longer ones are an input error (and a text
     * field that long is no identifier anyway) */
    const char *txt[4] = {id, pf, ent, seg}, *nm[4] = {"contractID", "portfolio", "legalEntity", "behaviourSegment"};
    size_t      tl[4]  = {lid, lpf, lent, lseg};
    for (int k = 0; k < 4; k++) {
      size_t l = tl[k];
      if (l > BALLAST_TEXT_FIELD_MAX) ERR(L, "%s:%" PRId64 ":1: column '%s': value '%.*s...': %zu characters, longer than the limit of %d", path, ln, nm[k], 40, txt[k], l, BALLAST_TEXT_FIELD_MAX);
    }
  }
  if (L->diag.n != nerr0) PetscFunctionReturn(0);
#undef CP
  PetscCall(check_accrued(L, path, ln, id, &t));

  /* Stage the record. */
  int32_t   pid;
  NameSlot *pe = name_find(R->pf_slot, pf, lpf);
  if (pe) {
    pid = pe->val;
    L->pf_count[pid]++; /* (what pf_intern counts) */
  } else {
    PetscCall(pf_intern(L, pf, &pid));
    name_put(R->pf_slot, pf, lpf, pid);
  }
  L->pf_cost[pid] += BallastWorkEstimate(&t, seg[0] != 0);
  /* lid, lent, lseg: the lengths from the split, after trimming */
  size_t cap = (sizeof(Rec) + BALLAST_CONTRACTS_ENCODED_MAX + lid + lent + lseg + 7) & ~(size_t)7;
  char  *p = NULL;
  PetscCall(stage_reserve(&L->staged, cap, &p));
  Rec   *r   = (Rec *)p;
  size_t enc = BallastContractsEncode((char *)(r + 1), &t, &a, &L->tmpl);
  size_t sz  = (sizeof(Rec) + enc + lid + lent + lseg + 7) & ~(size_t)7;
  r->file      = fidx;
  r->len_id    = (uint16_t)lid;
  r->len_ent   = (uint16_t)lent;
  r->len_seg   = (uint16_t)lseg;
  r->portfolio = pid; /* local id; remapped to the global index before sending */
  r->line      = ln;
  r->size      = (uint32_t)sz;
  char *s      = (char *)(r + 1) + enc;
  memcpy(s, id, lid);
  memcpy(s + lid, ent, lent);
  memcpy(s + lid + lent, seg, lseg);
  memset(s + lid + lent + lseg, 0, sz - (sizeof(Rec) + enc + lid + lent + lseg)); /* the padding */
  L->staged.c[L->staged.nc - 1].len += sz;
  L->staged.nrec++;
  PetscFunctionReturn(0);
}

/* Not collective. Parse the lines of file f that start in this rank's byte range: *nlines lines
 * seen, records staged from offset *rec0 and messages from *diag0 on carry rank-local line
 * numbers (negative) that parse_file fixes up. *cols is NULL when the header failed (its messages
 * are then from *diag0 on). */
static PetscErrorCode parse_range(Loader *L, uint16_t fidx, const char *path, Column **colsp, int64_t *nlinesp, StagePos *rec0p, size_t *diag0p)
{
  Column   *cols = NULL;
  int       ncols;
  long      hdr_end = 0, fsize = 0;
  PetscBool fail;
  char     *blk;
  PetscFunctionBeginUser;
  *colsp   = NULL;
  *nlinesp = 0;
  *rec0p   = stage_end(&L->staged);
  *diag0p  = (size_t)L->diag.n;
  PetscCall(read_header(L, path, &cols, &ncols, &hdr_end, &fsize, &fail));
  if (fail) {
    PetscCall(PetscFree(cols));
    PetscFunctionReturn(0);
  }
  RowCtx R;
  PetscCall(PetscMemzero(&R, sizeof R));
  for (int k = 0; k < 8; k++) R.col_of_role[k] = -1;
  PetscCall(PetscMalloc2(NAMECACHE_N, &R.pf_slot, NAMECACHE_N, &R.seg_slot));
  for (int k = 0; k < NAMECACHE_N; k++) R.pf_slot[k].len = R.seg_slot[k].len = -1;
  for (int i = 0; i < ncols; i++)
    if (cols[i].role >= 0) R.col_of_role[cols[i].role] = i;
  long data = fsize - hdr_end;
  long a    = hdr_end + (long)(((__int128)data * L->rank) / L->size);
  long b    = hdr_end + (long)(((__int128)data * (L->rank + 1)) / L->size);

  FILE *fp = NULL;
  PetscCheck(!BallastFileOpenRead(path, &fp, NULL, 0), PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: cannot open", path);
  /* first line starting at or after a: if the byte before a is not a newline, skip to one */
  long start = a;
  if (a > hdr_end) {
    fseeko(fp, a - 1, SEEK_SET);
    int ch;
    start = a - 1;
    while ((ch = fgetc(fp)) != EOF) {
      start++;
      if (ch == '\n') break;
    }
    if (ch == EOF) start = fsize;
  }
  /* count lines this rank owns, then scan for the line number of the first one; a second read
   * is avoided by counting during the parse and fixing up line numbers of staged records after */
  PetscCall(PetscMalloc1(BLOCK + MAXLINE + 1, &blk));
  StagePos rec0 = stage_end(&L->staged);
  size_t   diag0 = (size_t)L->diag.n;
  int64_t  nlines = 0;
  long     pos    = start;
  size_t   have   = 0; /* bytes in blk[cur .. cur+have) not yet consumed */
  size_t   cur    = 0;
  fseeko(fp, start, SEEK_SET);
  PetscBool eof = PETSC_FALSE;
  while (pos < b) {
    if (!eof && have < MAXLINE) {
      /* compact (rarely: once per block) and refill */
      memmove(blk, blk + cur, have);
      cur       = 0;
      size_t got = fread(blk + have, 1, BLOCK, fp);
      if (got < BLOCK) eof = PETSC_TRUE;
      have += got;
      PetscCall(BallastProgressPoll(&L->prog, L->bytes_done + (pos - start)));
    }
    if (!have) break;
    char  *line = blk + cur;
    char  *nl   = memchr(line, '\n', have < MAXLINE + 1 ? have : MAXLINE + 1);
    size_t ll;
    if (!nl && (have > MAXLINE || !eof)) {
      /* a line longer than MAXLINE: one error with its line number (the rank-local index, fixed
       * up like every message), then skip to its end and go on with the next line */
      nlines++;
      ERR(L, "%s:-%" PRId64 ":1: line longer than the limit of %u bytes", path, nlines, MAXLINE);
      for (;;) {
        char *e = memchr(blk + cur, '\n', have);
        if (e) {
          size_t used = (size_t)(e - (blk + cur)) + 1;
          pos += (long)used;
          cur += used;
          have -= used;
          break;
        }
        pos += (long)have;
        cur = have = 0;
        if (eof) break;
        size_t got = fread(blk, 1, BLOCK, fp);
        if (got < BLOCK) eof = PETSC_TRUE;
        have = got;
        if (!have) break;
      }
      continue;
    }
    if (!nl) {
      ll         = have; /* last line without a newline */
      line[have] = 0;
    } else {
      ll  = (size_t)(nl - line);
      *nl = 0;
    }
    nlines++;
    size_t used = nl ? ll + 1 : ll;
    if (ll && line[ll - 1] == '\r') line[--ll] = 0;
    /* line number is fixed up below: use the rank-local line index for now (negative marker) */
    if (line[0]) PetscCall(parse_row(L, path, fidx, -nlines, line, ll, cols, ncols, &R));
    pos += (long)used;
    cur += used;
    have -= used;
  }
  fclose(fp);
  L->bytes_done += pos - start;
  PetscCall(PetscFree(blk));
  PetscCall(PetscFree(R.ccy_of));
  PetscCall(PetscFree(R.curve_of));
  PetscCall(PetscFree2(R.pf_slot, R.seg_slot));
  *colsp   = cols;
  *nlinesp = nlines;
  *rec0p   = rec0;
  *diag0p  = diag0;
  PetscFunctionReturn(0);
}

/* Collective. Parse the lines of file f that start in this rank's byte range, then number them:
 * ranks agree on a local failure first (an unreadable file on one rank stops every rank), then
 * the line numbers come from an exclusive scan of the per-rank line counts. */
static PetscErrorCode parse_file(Loader *L, uint16_t fidx, const char *path)
{
  Column *cols = NULL;
  int64_t  nlines;
  StagePos rec0;
  size_t   diag0;
  PetscFunctionBeginUser;
  PetscCall(BallastAgreeError(L->comm, parse_range(L, fidx, path, &cols, &nlines, &rec0, &diag0), NULL));
  {
    /* the header: every rank read the same first line, so normally all succeed or all fail; keep
     * one copy of the header messages (rank 0's when all failed, else the failing ranks') and,
     * when any rank failed, drop this file's rows and row messages (the load stops anyway) */
    int mine[2] = {cols != NULL, cols == NULL}, all[2];
    PetscCallMPI(MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MIN, L->comm));
    if (!all[0]) {
      if (cols || (all[1] && L->rank)) {
        for (PetscInt i = (PetscInt)diag0; i < PetscMin(L->diag.n, L->diag.limit); i++) PetscCall(PetscFree(L->diag.msg[i]));
        L->diag.n = (PetscInt)diag0;
        PetscCall(stage_truncate(&L->staged, rec0));
      }
      PetscCall(PetscFree(cols));
      PetscFunctionReturn(0);
    }
  }
  /* line numbers: header is line 1; this rank's first line is 2 + lines owned by lower ranks */
  int64_t before = 0;
  PetscCallMPI(MPI_Exscan(&nlines, &before, 1, MPI_INT64_T, MPI_SUM, L->comm));
  if (L->rank == 0) before = 0;
  int64_t first = 2 + before;
  STAGE_FOR(&L->staged, rec0, r) {
    if (r->file == fidx && r->line < 0) r->line = first + (-r->line) - 1;
  }
  /* messages were written with the local index: rewrite "path:-k:" to the real number (errors
   * of this file from diag0 on; warnings: any of this file still unrewritten) */
  for (int w = 0; w < 2; w++) {
    BallastDiag *dg = w ? &L->warn : &L->diag;
    for (PetscInt i = w ? 0 : (PetscInt)diag0; i < PetscMin(dg->n, dg->limit); i++) {
      char  *msg = dg->msg[i], *p;
      size_t pl  = strlen(path);
      if (!strncmp(msg, path, pl) && msg[pl] == ':' && msg[pl + 1] == '-') {
        long long k = strtoll(msg + pl + 2, &p, 10);
        char      fixed[1200];
        snprintf(fixed, sizeof fixed, "%s:%lld%s", path, (long long)(first + k - 1), p);
        PetscCall(PetscFree(dg->msg[i]));
        PetscCall(PetscStrallocpy(fixed, &dg->msg[i]));
      }
    }
  }
  PetscCall(PetscFree(cols));
  PetscFunctionReturn(0);
}

/* Every rank learns the sorted list of all portfolios with their counts, and their owners. */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static PetscErrorCode combine_portfolios(Loader *L, BallastContracts cs, int32_t **local_to_global)
{
  PetscInt nloc = BallastNamesCount(L->pf_local);
  size_t   len  = 0;
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < nloc; i++) len += strlen(BallastNamesGet(L->pf_local, (int32_t)i)) + 1 + 2 * sizeof(int64_t);
  char *mine;
  PetscCall(PetscMalloc1(len + 1, &mine));
  size_t off = 0;
  for (PetscInt i = 0; i < nloc; i++) {
    const char *s = BallastNamesGet(L->pf_local, (int32_t)i);
    size_t      l = strlen(s) + 1;
    memcpy(mine + off, &L->pf_count[i], sizeof(int64_t));
    memcpy(mine + off + sizeof(int64_t), &L->pf_cost[i], sizeof(int64_t));
    memcpy(mine + off + 2 * sizeof(int64_t), s, l);
    off += l + 2 * sizeof(int64_t);
  }
  int  mylen = (int)len, *lens, *displs;
  PetscCall(PetscMalloc2(L->size, &lens, L->size, &displs));
  PetscCallMPI(MPI_Allgather(&mylen, 1, MPI_INT, lens, 1, MPI_INT, L->comm));
  int tot = 0;
  for (int r = 0; r < L->size; r++) { displs[r] = tot; tot += lens[r]; }
  char *all;
  PetscCall(PetscMalloc1(tot + 1, &all));
  PetscCallMPI(MPI_Allgatherv(mine, mylen, MPI_CHAR, all, lens, displs, MPI_CHAR, L->comm));
  /* merge */
  BallastNames g;
  PetscCheck(BallastNamesCreate(&g) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  int64_t *cnt = NULL, *cost = NULL;
  PetscInt capc = 0;
  for (size_t o = 0; o < (size_t)tot;) {
    int64_t c, w;
    memcpy(&c, all + o, sizeof c);
    memcpy(&w, all + o + sizeof c, sizeof w);
    const char *s  = all + o + 2 * sizeof c;
    int32_t     id = BallastNamesIntern(g, s);
    if (id >= capc) {
      PetscInt nc = 2 * id + 16;
      PetscCall(PetscRealloc(sizeof(int64_t) * (size_t)nc, &cnt));
      PetscCall(PetscRealloc(sizeof(int64_t) * (size_t)nc, &cost));
      for (PetscInt i = capc; i < nc; i++) cnt[i] = cost[i] = 0;
      capc = nc;
    }
    cnt[id] += c;
    cost[id] += w;
    o += 2 * sizeof c + strlen(s) + 1;
  }
  PetscInt np = BallastNamesCount(g);
  char   **names;
  PetscCall(PetscMalloc1(np, &names));
  for (PetscInt i = 0; i < np; i++) PetscCall(PetscStrallocpy(BallastNamesGet(g, (int32_t)i), &names[i]));
  if (np > 1) qsort(names, (size_t)np, sizeof(char *), cmp_str); /* (no portfolio: names may be NULL) */
  cs->nportfolios     = np;
  cs->portfolio_names = names;
  PetscCall(PetscMalloc2(np, &cs->portfolio_count, np, &cs->portfolio_owner));
  int64_t *pcost;
  PetscCall(PetscMalloc1(np + 1, &pcost));
  for (PetscInt i = 0; i < np; i++) {
    cs->portfolio_count[i] = cnt[BallastNamesFind(g, names[i])];
    pcost[i]               = cost[BallastNamesFind(g, names[i])];
  }
  /* Size = estimated projection work (contract count weighted by remaining scheduled events,
   * work_estimate): for portfolios of like contracts this is the contract count. */
  PetscCall(BallastPartitionPortfolios(np, pcost, L->size, cs->portfolio_owner));
  PetscCall(PetscMalloc1(nloc + 1, local_to_global));
  for (PetscInt i = 0; i < nloc; i++) {
    const char *s = BallastNamesGet(L->pf_local, (int32_t)i);
    char      **hit = bsearch(&s, names, (size_t)np, sizeof(char *), cmp_str);
    (*local_to_global)[i] = (int32_t)(hit - names);
  }
  PetscCall(PetscFree(pcost));
  PetscCall(PetscFree(cnt));
  PetscCall(PetscFree(cost));
  BallastNamesDestroy(&g);
  PetscCall(PetscFree(all));
  PetscCall(PetscFree2(lens, displs));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(0);
}

static uint64_t hash_str(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h;
}

/* Duplicate contractIDs: each id goes to rank hash(id) % size, which sorts and compares. */
typedef struct {
  int64_t  line;
  uint16_t file;
  uint16_t len;
  uint32_t size;
} IdRec;

static const char *idsort_base;
static int cmp_idrec(const void *a, const void *b)
{
  const IdRec *x = (const IdRec *)(idsort_base + *(const size_t *)a), *y = (const IdRec *)(idsort_base + *(const size_t *)b);
  size_t       l = x->len < y->len ? x->len : y->len;
  int          c = memcmp(x + 1, y + 1, l);
  if (c) return c;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  if (x->file != y->file) return x->file < y->file ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

static PetscErrorCode exchange(MPI_Comm comm, int size, Buf *out /* size bufs */, Buf *in);

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Candidates for duplicate contractIDs (docs/loading.md, "Memory"): the 64-bit hash of every id
 * goes to rank hash % size (8 bytes per contract each way), which sorts them; the hashes seen more
 * than once, gathered on every rank (sorted), are the only ids check_duplicates compares in full:
 * the ids of a duplicate share its hash, and distinct ids of one hash are told apart there. */
static PetscErrorCode duplicate_hashes(Loader *L, uint64_t **dup, PetscInt *ndup)
{
  int       size = L->size, *scount, *sdispl, *rcount, *rdispl, *fill;
  uint64_t *sbuf, *rbuf, *mine = NULL;
  size_t    nmine = 0, capm = 0, rtot = 0;
  StagePos  p0 = {0, 0};
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc5(size, &scount, size, &sdispl, size, &rcount, size, &rdispl, size, &fill));
  STAGE_FOR(&L->staged, p0, r) scount[hash_str(rec_text(r), r->len_id) % (uint64_t)size]++;
  for (int q = 1; q < size; q++) sdispl[q] = sdispl[q - 1] + scount[q - 1];
  PetscCall(PetscArraycpy(fill, sdispl, size));
  PetscCall(PetscMalloc1(L->staged.nrec + 1, &sbuf));
  STAGE_FOR(&L->staged, p0, r) {
    uint64_t h = hash_str(rec_text(r), r->len_id);
    sbuf[fill[h % (uint64_t)size]++] = h;
  }
  PetscCallMPI(MPI_Alltoall(scount, 1, MPI_INT, rcount, 1, MPI_INT, L->comm));
  for (int q = 0; q < size; q++) {
    rdispl[q] = (int)rtot;
    rtot += (size_t)rcount[q];
  }
  PetscCall(PetscMalloc1(rtot + 1, &rbuf));
  PetscCallMPI(MPI_Alltoallv(sbuf, scount, sdispl, MPI_UINT64_T, rbuf, rcount, rdispl, MPI_UINT64_T, L->comm));
  PetscCall(PetscFree(sbuf));
  if (rtot > 1) qsort(rbuf, rtot, sizeof *rbuf, cmp_u64);
  for (size_t i = 1; i < rtot; i++)
    if (rbuf[i] == rbuf[i - 1] && (!nmine || mine[nmine - 1] != rbuf[i])) {
      if (nmine == capm) {
        capm = capm ? 2 * capm : 64;
        PetscCall(PetscRealloc(sizeof(uint64_t) * capm, &mine));
      }
      mine[nmine++] = rbuf[i];
    }
  PetscCall(PetscFree(rbuf));
  {
    int n = (int)nmine, tot = 0;
    PetscCallMPI(MPI_Allgather(&n, 1, MPI_INT, rcount, 1, MPI_INT, L->comm));
    for (int q = 0; q < size; q++) {
      rdispl[q] = tot;
      tot += rcount[q];
    }
    PetscCall(PetscMalloc1(tot + 1, dup));
    PetscCallMPI(MPI_Allgatherv(mine, n, MPI_UINT64_T, *dup, rcount, rdispl, MPI_UINT64_T, L->comm));
    if (tot > 1) qsort(*dup, (size_t)tot, sizeof **dup, cmp_u64);
    *ndup = tot;
  }
  PetscCall(PetscFree(mine));
  PetscCall(PetscFree5(scount, sdispl, rcount, rdispl, fill));
  PetscFunctionReturn(0);
}

/* Duplicate contractIDs in full, among the candidates of duplicate_hashes: each candidate id with
 * its position goes to rank hash(id) % size, which sorts and compares them. */
static PetscErrorCode check_duplicates(Loader *L)
{
  Buf      *out;
  Buf       in = {0};
  uint64_t *dup;
  PetscInt  ndup;
  PetscFunctionBeginUser;
  PetscCall(duplicate_hashes(L, &dup, &ndup));
  PetscCall(PetscCalloc1(L->size, &out));
  StagePos p0 = {0, 0};
  STAGE_FOR(&L->staged, p0, r) {
    const char *id = rec_text(r);
    uint64_t    h  = hash_str(id, r->len_id);
    if (!ndup || !bsearch(&h, dup, (size_t)ndup, sizeof h, cmp_u64)) continue;
    int    dst = (int)(h % (uint64_t)L->size);
    size_t      sz  = (sizeof(IdRec) + r->len_id + 7) & ~(size_t)7;
    PetscCall(buf_reserve(&out[dst], sz));
    IdRec *d = (IdRec *)(out[dst].data + out[dst].len);
    PetscCall(PetscMemzero(d, sz));
    d->line = r->line;
    d->file = r->file;
    d->len  = r->len_id;
    d->size = (uint32_t)sz;
    memcpy(d + 1, id, r->len_id);
    out[dst].len += sz;
    out[dst].nrec++;
  }
  PetscCall(exchange(L->comm, L->size, out, &in));
  size_t n = 0, *idx;
  for (size_t off = 0; off < in.len; off += ((IdRec *)(in.data + off))->size) n++;
  PetscCall(PetscMalloc1(n + 1, &idx));
  n = 0;
  for (size_t off = 0; off < in.len; off += ((IdRec *)(in.data + off))->size) idx[n++] = off;
  idsort_base = in.data;
  qsort(idx, n, sizeof(size_t), cmp_idrec);
  for (size_t i = 1; i < n; i++) {
    const IdRec *x = (const IdRec *)(in.data + idx[i - 1]), *y = (const IdRec *)(in.data + idx[i]);
    if (x->len == y->len && !memcmp(x + 1, y + 1, x->len)) {
      /* report against the first occurrence of the run */
      size_t k = i - 1;
      while (k > 0) {
        const IdRec *w = (const IdRec *)(in.data + idx[k - 1]);
        if (w->len == x->len && !memcmp(w + 1, x + 1, x->len)) k--;
        else break;
      }
      const IdRec *first = (const IdRec *)(in.data + idx[k]);
      ERR(L, "%s:%" PRId64 ":1: column 'contractID': value '%.*s': duplicate (first at %s:%" PRId64 ")", L->cfg->contract_files[y->file], y->line, (int)y->len,
          (const char *)(y + 1), L->cfg->contract_files[first->file], first->line);
    }
  }
  PetscCall(PetscFree(idx));
  for (int r = 0; r < L->size; r++) PetscCall(PetscFree(out[r].data));
  PetscCall(PetscFree(out));
  PetscCall(PetscFree(in.data));
  PetscCall(PetscFree(dup));
  PetscFunctionReturn(0);
}

/* Send out[r] to rank r; in receives everything sent to this rank (rank order). Bounded rounds:
 * each round sends at most ROUND_BYTES from one rank (whole records), all ranks run the same
 * number of rounds. Records start with any struct whose uint32 `size` is at a known offset: we
 * walk them through the caller-provided size accessor below. */
static size_t rec_size(const char *p, size_t hdr_off) { uint32_t s; memcpy(&s, p + hdr_off, sizeof s); return s; }
static size_t g_size_off;

static PetscErrorCode exchange(MPI_Comm comm, int size, Buf *out, Buf *in)
{
  size_t *sent;
  int    *scount, *sdispl, *rcount, *rdispl;
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(size, &sent));
  PetscCall(PetscMalloc4(size, &scount, size, &sdispl, size, &rcount, size, &rdispl));
  {
    /* what will arrive in all: allocate the receive buffer once, exactly */
    long long *tot_s, *tot_r, sum = 0;
    PetscCall(PetscMalloc2(size, &tot_s, size, &tot_r));
    for (int r = 0; r < size; r++) tot_s[r] = (long long)out[r].len;
    PetscCallMPI(MPI_Alltoall(tot_s, 1, MPI_LONG_LONG, tot_r, 1, MPI_LONG_LONG, comm));
    for (int r = 0; r < size; r++) sum += tot_r[r];
    PetscCall(buf_reserve(in, (size_t)sum + 1));
    PetscCall(PetscFree2(tot_s, tot_r));
  }
  for (;;) {
    /* choose how much of each destination buffer goes this round */
    size_t budget = ROUND_BYTES / (size_t)size, total = 0;
    char  *sbuf;
    for (int r = 0; r < size; r++) {
      size_t o = sent[r], e = o;
      while (e < out[r].len) {
        size_t s = rec_size(out[r].data + e, g_size_off);
        if (e > o && e - o + s > budget) break;
        e += s;
      }
      scount[r] = (int)(e - o);
      total += e - o;
    }
    long long more = (long long)total, any;
    PetscCallMPI(MPI_Allreduce(&more, &any, 1, MPI_LONG_LONG, MPI_SUM, comm));
    if (!any) break;
    PetscCall(PetscMalloc1(total + 1, &sbuf));
    size_t o = 0;
    for (int r = 0; r < size; r++) {
      sdispl[r] = (int)o;
      if (scount[r]) memcpy(sbuf + o, out[r].data + sent[r], (size_t)scount[r]); /* (an empty buffer may have no data) */
      sent[r] += (size_t)scount[r];
      o += (size_t)scount[r];
    }
    PetscCallMPI(MPI_Alltoall(scount, 1, MPI_INT, rcount, 1, MPI_INT, comm));
    size_t rtot = 0;
    for (int r = 0; r < size; r++) { rdispl[r] = (int)rtot; rtot += (size_t)rcount[r]; }
    PetscCall(buf_reserve(in, rtot));
    PetscCallMPI(MPI_Alltoallv(sbuf, scount, sdispl, MPI_BYTE, in->data + in->len, rcount, rdispl, MPI_BYTE, comm));
    in->len += rtot;
    PetscCall(PetscFree(sbuf));
  }
  PetscCall(PetscFree(sent));
  PetscCall(PetscFree4(scount, sdispl, rcount, rdispl));
  PetscFunctionReturn(0);
}

/* The records' exchange, streamed on both sides (docs/loading.md, "Memory"), in staging order:
 * in each round every rank sends its next staged records, at most ROUND_BYTES / size bytes in all
 * (whole records, at least one), grouped by destination, and returns the staging chunks it has
 * passed to the system; the receiver hands each round's bytes (whole records, in rank order) to
 * take() and reuses one round buffer. So the staging shrinks while the store fills, no side holds
 * a second copy of everything, and a receiver gets at most ROUND_BYTES (plus one record per rank)
 * in a round whatever the number of ranks. All ranks run the same number of rounds. */
typedef PetscErrorCode (*TakeFn)(void *ctx, const char *data, size_t len);
static PetscErrorCode exchange_staged(MPI_Comm comm, int size, Stage *S, const int *owner, TakeFn take, void *ctx)
{
  size_t  *bytes, *fill;
  int     *scount, *sdispl, *rcount, *rdispl;
  char    *sbuf = NULL, *rbuf = NULL;
  size_t   scap = 0, rcap = 0;
  StagePos pos  = {0, 0};
  PetscFunctionBeginUser;
  if (size == 1) { /* one rank: every record is its own, taken from the staging in place, chunk by chunk */
    for (int c = 0; c < S->nc; c++) {
      if (S->c[c].len) PetscCall(take(ctx, S->c[c].data, S->c[c].len));
      PetscCall(chunk_free(&S->c[c]));
    }
    PetscFunctionReturn(0);
  }
  PetscCall(PetscMalloc2(size, &bytes, size, &fill));
  PetscCall(PetscMalloc4(size, &scount, size, &sdispl, size, &rcount, size, &rdispl));
  for (;;) {
    size_t   budget = ROUND_BYTES / (size_t)size, total = 0;
    StagePos e      = pos;
    PetscCall(PetscArrayzero(bytes, size));
    while (e.c < S->nc) {
      if (e.off >= S->c[e.c].len) {
        e.c++;
        e.off = 0;
        continue;
      }
      const Rec *r = (const Rec *)(S->c[e.c].data + e.off);
      if (total && total + r->size > budget) break;
      total += r->size;
      bytes[owner[r->portfolio]] += r->size;
      e.off += r->size;
    }
    long long more = (long long)total, any;
    PetscCallMPI(MPI_Allreduce(&more, &any, 1, MPI_LONG_LONG, MPI_SUM, comm));
    if (!any) break;
    if (total + 1 > scap) {
      PetscCall(PetscFree(sbuf));
      scap = total + 1;
      PetscCall(PetscMalloc1(scap, &sbuf));
    }
    size_t o = 0;
    for (int r = 0; r < size; r++) {
      sdispl[r] = (int)o;
      scount[r] = (int)bytes[r];
      fill[r]   = o;
      o += bytes[r];
    }
    for (StagePos q = pos; q.c < e.c || (q.c == e.c && q.off < e.off);) {
      if (q.off >= S->c[q.c].len) {
        q.c++;
        q.off = 0;
        continue;
      }
      const Rec *r   = (const Rec *)(S->c[q.c].data + q.off);
      int        dst = owner[r->portfolio];
      memcpy(sbuf + fill[dst], r, r->size);
      fill[dst] += r->size;
      q.off += r->size;
    }
    PetscCallMPI(MPI_Alltoall(scount, 1, MPI_INT, rcount, 1, MPI_INT, comm));
    size_t rtot = 0;
    for (int r = 0; r < size; r++) {
      rdispl[r] = (int)rtot;
      rtot += (size_t)rcount[r];
    }
    if (rtot + 1 > rcap) {
      PetscCall(PetscFree(rbuf));
      rcap = rtot + 1;
      PetscCall(PetscMalloc1(rcap, &rbuf));
    }
    PetscCallMPI(MPI_Alltoallv(sbuf, scount, sdispl, MPI_BYTE, rbuf, rcount, rdispl, MPI_BYTE, comm));
    PetscCall(take(ctx, rbuf, rtot));
    for (int c = pos.c; c < e.c; c++) PetscCall(chunk_free(&S->c[c])); /* sent: back to the system */
    pos = e;
  }
  PetscCall(PetscFree(sbuf));
  PetscCall(PetscFree(rbuf));
  PetscCall(PetscFree2(bytes, fill));
  PetscCall(PetscFree4(scount, sdispl, rcount, rdispl));
  PetscFunctionReturn(0);
}

/* take() of the records' exchange: decode each received record and put it in the store at its
 * portfolio's next row (the store is laid out per portfolio from the exchanged counts, so no
 * sort of the whole store follows). */
typedef struct {
  BallastContracts    cs;
  const BallastTerms *tmpl;
  int64_t            *next; /* per global portfolio: its next row in the store */
  int64_t             nput;
  char               *id, *txt; /* 65536 bytes each */
} Taker;

static PetscErrorCode take_records(void *ctx, const char *data, size_t len)
{
  Taker           *T  = (Taker *)ctx;
  BallastContracts cs = T->cs;
  BallastTerms     t;
  BallastAlm       a;
  PetscFunctionBeginUser;
  for (size_t off = 0; off < len;) {
    const Rec  *r = (const Rec *)(data + off);
    const char *s = (const char *)(r + 1) + BallastContractsDecode((const char *)(r + 1), &t, &a, T->tmpl);
    memcpy(T->id, s, r->len_id);
    T->id[r->len_id] = 0;
    a.portfolio      = r->portfolio;
    if (r->len_ent) {
      memcpy(T->txt, s + r->len_id, r->len_ent);
      T->txt[r->len_ent] = 0;
      a.legalEntity      = BallastNamesIntern(cs->entities, T->txt);
    } else a.legalEntity = -1;
    if (r->len_seg) {
      memcpy(T->txt, s + r->len_id + r->len_ent, r->len_seg);
      T->txt[r->len_seg] = 0;
      a.behaviourSegment = BallastNamesIntern(cs->segments, T->txt);
    } else a.behaviourSegment = -1;
    PetscCall(BallastContractsPut(cs, (PetscInt)T->next[r->portfolio]++, &t, &a, T->id, r->file, r->line));
    T->nput++;
    off += r->size;
  }
  PetscFunctionReturn(0);
}

/* Everything the loader holds (staged records, diagnostics, portfolio tallies, name tables). */
static PetscErrorCode loader_destroy(Loader *L)
{
  PetscFunctionBeginUser;
  PetscCall(BallastDiagFree(&L->diag));
  PetscCall(BallastDiagFree(&L->warn));
  PetscCall(stage_destroy(&L->staged));
  PetscCall(PetscFree(L->pf_count));
  PetscCall(PetscFree(L->pf_cost));
  BallastNamesDestroy(&L->pf_local);
  BallastNamesDestroy(&L->scratch);
  BallastNamesDestroy(&L->segnames);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsLoad(MPI_Comm comm, const BallastConfig *cfg, const BallastMarketData *m, BallastContracts *out)
{
  Loader           L;
  BallastContracts cs;
  int32_t         *l2g = NULL;
  PetscInt         total;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&L, sizeof L));
  L.comm     = comm;
  L.ymd_date = BALLAST_DATE_NONE;
  L.cfg      = cfg;
  L.m    = m;
  PetscCallMPI(MPI_Comm_rank(comm, &L.rank));
  PetscCallMPI(MPI_Comm_size(comm, &L.size));
  PetscCall(BallastDiagInit(&L.diag, BALLAST_DIAG_LIMIT));
  PetscCall(BallastDiagInit(&L.warn, BALLAST_ACCRUED_WARN_PRINT));
  PetscCheck(BallastNamesCreate(&L.pf_local) == 0 && BallastNamesCreate(&L.scratch) == 0 && BallastNamesCreate(&L.segnames) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  BallastTermsInit(&L.tmpl);
  for (PetscInt k = 0; k < cfg->nsegment_names; k++) PetscCheck(BallastNamesIntern(L.segnames, cfg->segment_names[k]) >= 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCheck(cfg->ncontract_files < 65535, comm, BALLAST_ERR_USAGE, "%s: too many contract files", cfg->path);
  {
    /* this rank's share of the bytes to parse (for the progress line; the ranks' shares add up
     * to the files' sizes) */
    for (PetscInt f = 0; f < cfg->ncontract_files; f++) {
      struct stat st;
      if (stat(cfg->contract_files[f], &st) == 0 && S_ISREG(st.st_mode)) {
        __int128 sz = st.st_size;
        L.bytes_total += (int64_t)(sz * (L.rank + 1) / L.size - sz * L.rank / L.size);
      }
    }
    PetscCallMPI(MPI_Comm_dup(comm, &L.prog_comm));
    PetscCall(BallastProgressBegin(L.prog_comm, "load", "MB", L.bytes_total, &L.prog));
    L.prog.scale = 1e6; /* bytes shown as MB */
  }
  double t_parse0 = MPI_Wtime();
  for (PetscInt f = 0; f < cfg->ncontract_files; f++) PetscCall(parse_file(&L, (uint16_t)f, cfg->contract_files[f]));
  L.t_parse = MPI_Wtime() - t_parse0;
  PetscCall(BallastProgressFinish(&L.prog, L.bytes_total));
  PetscCallMPI(MPI_Comm_free(&L.prog_comm));
  if (getenv("BALLAST_LOAD_TIMING")) { /* scripts/bench-load: this rank's parse + validate rate */
    fprintf(stderr, "load-timing: rank %d parsed %" PRId64 " bytes in %.6f s: %.1f MB/s\n", (int)L.rank, L.bytes_done, L.t_parse, L.t_parse > 0 ? (double)L.bytes_done / L.t_parse / 1e6 : 0.0);
    size_t sb = 0;
    for (int c = 0; c < L.staged.nc; c++) sb += L.staged.c[c].len;
    fprintf(stderr, "load-timing: rank %d staged %zu contracts in %zu bytes (%.1f bytes per contract)\n", (int)L.rank, L.staged.nrec, sb, L.staged.nrec ? (double)sb / (double)L.staged.nrec : 0.0);
    fflush(stderr);
  }

  PetscCall(BallastContractsCreate(&cs));
  /* the duplicate check is meaningful only on rows that parsed; it runs on every rank anyway so
   * that all ranks take part in the same collectives */
  g_size_off = offsetof(IdRec, size);
  PetscCall(check_duplicates(&L));
  PetscCall(BallastDiagAgree(comm, &L.diag, "contract", &total));
  if (total) {
    PetscCall(BallastContractsDestroy(&cs));
    PetscCall(loader_destroy(&L));
    SETERRQ(comm, BALLAST_ERR_INPUT, "%" PetscInt_FMT " error%s in the contract files; nothing was computed", total, total > 1 ? "s" : "");
  }
  {
    /* warnings: each rank prints its own (at most BALLAST_ACCRUED_WARN_PRINT), the count is global */
    int64_t nw = (int64_t)L.warn.n;
    for (PetscInt i = 0; i < PetscMin(L.warn.n, L.warn.limit); i++) fprintf(stderr, "ballast: warning: %s\n", L.warn.msg[i]);
    if (L.warn.n > L.warn.limit) fprintf(stderr, "ballast: warning: ... and %" PRId64 " more accruedInterest warnings on rank %d\n", (int64_t)(L.warn.n - L.warn.limit), (int)L.rank);
    fflush(stderr);
    PetscCallMPI(MPI_Allreduce(&nw, &cs->nwarn_accrued, 1, MPI_INT64_T, MPI_SUM, comm));
  }
  PetscCall(combine_portfolios(&L, cs, &l2g));

  /* route each staged record to its portfolio's owner: the counts first (records, contractID
   * bytes, sparse values per destination) so that the store is reserved exactly and laid out per
   * portfolio before anything arrives */
  {
    long long *cnt_s, *cnt_r;
    int64_t   *next;
    StagePos   p0 = {0, 0};
    PetscCall(PetscCalloc2(3 * L.size, &cnt_s, 3 * L.size, &cnt_r));
    STAGE_FOR(&L.staged, p0, r) {
      r->portfolio = l2g[r->portfolio];
      int dst      = cs->portfolio_owner[r->portfolio];
      cnt_s[3 * dst] += 1;
      cnt_s[3 * dst + 1] += r->len_id + 1;
      cnt_s[3 * dst + 2] += rec_nsparse(r);
    }
    PetscCallMPI(MPI_Alltoall(cnt_s, 3, MPI_LONG_LONG, cnt_r, 3, MPI_LONG_LONG, comm));
    long long nrec = 0, idb = 0, nsp = 0;
    for (int r = 0; r < L.size; r++) {
      nrec += cnt_r[3 * r];
      idb += cnt_r[3 * r + 1];
      nsp += cnt_r[3 * r + 2];
    }
    PetscCall(BallastContractsReserve(cs, (PetscInt)nrec, (size_t)idb + 1));
    PetscCall(BallastContractsReserveSparse(cs, (size_t)nsp + 1));
    PetscCall(PetscMalloc1(cs->nportfolios + 1, &next));
    int64_t row = 0;
    for (PetscInt q = 0; q < cs->nportfolios; q++) {
      next[q] = row;
      if (cs->portfolio_owner[q] == L.rank) row += cs->portfolio_count[q];
    }
    PetscCheck(row == nrec, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the owned portfolios' %" PRId64 " contracts are not the %lld to receive", row, nrec);
    Taker T = {cs, &L.tmpl, next, 0, NULL, NULL};
    PetscCall(PetscMalloc2(65536, &T.id, 65536, &T.txt));
    PetscCall(exchange_staged(comm, L.size, &L.staged, cs->portfolio_owner, take_records, &T));
    PetscCheck(T.nput == nrec, PETSC_COMM_SELF, PETSC_ERR_PLIB, "received %" PRId64 " contracts, expected %lld", T.nput, nrec);
    cs->n = (PetscInt)nrec;
    PetscCall(PetscFree2(T.id, T.txt));
    PetscCall(PetscFree(next));
    PetscCall(PetscFree2(cnt_s, cnt_r));
    PetscCall(stage_destroy(&L.staged));
  }
  PetscCall(BallastContractsSort(cs));

  PetscCall(PetscFree(l2g));
  PetscCall(loader_destroy(&L));
  malloc_trim(0); /* give the staging's pages back to the system: what stays resident is the store */
  if (getenv("BALLAST_LOAD_TIMING")) { /* scripts/bench-load, scripts/bench-memory: resident after the load */
    FILE *st = fopen("/proc/self/status", "r");
    char  ln[256];
    while (st && fgets(ln, sizeof ln, st))
      if (!strncmp(ln, "VmRSS:", 6) || !strncmp(ln, "VmHWM:", 6)) fprintf(stderr, "load-timing: rank %d after the load %s", (int)L.rank, ln);
    if (st) fclose(st);
    fprintf(stderr, "load-timing: rank %d holds %" PetscInt_FMT " contracts, %zu bytes per contract in the arrays plus %zu bytes of contractID text and %zu bytes of sparse terms\n", (int)L.rank, cs->n,
            BallastContractsBytesPerContract(), cs->id_len, BallastContractsBytesSparse(cs));
  }
  *out = cs;
  PetscFunctionReturn(0);
}
