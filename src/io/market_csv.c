/* Curves and FX rates: small files; rank 0 reads the bytes and broadcasts them, every rank parses
 * the same bytes, so every rank reaches the same verdict and rank 0 alone prints the messages. */
#include <ballast/io.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXF 64

typedef struct {
  const char *path;
  BallastDiag diag;
  PetscMPIInt rank;
} Ctx;

#define ERR(ctx, ...) PetscCall(BallastDiagAdd(&(ctx)->diag, __VA_ARGS__))

/* Next line of buf starting at *pos; returns NULL at the end. The line is NUL-terminated in place
 * (the newline and a preceding CR are overwritten). */
static char *next_line(char *buf, size_t len, size_t *pos)
{
  if (*pos >= len) return NULL;
  char *s = buf + *pos, *e = memchr(s, '\n', len - *pos);
  if (!e) e = buf + len;
  *pos = (size_t)(e - buf) + 1;
  *e   = 0;
  if (e > s && e[-1] == '\r') e[-1] = 0;
  return s;
}

static int is_ccy(const char *s)
{
  return strlen(s) == 3 && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) && isupper((unsigned char)s[2]);
}

/* Map header columns to wanted names; errors for unknown, duplicate and missing columns. */
static PetscErrorCode map_header(Ctx *c, char *line, const char *const *want, int nwant, int *col_of, int *ncols)
{
  char *f[MAXF];
  int   pos[MAXF], ecol;
  PetscFunctionBeginUser;
  for (int k = 0; k < nwant; k++) col_of[k] = -1;
  int n = BallastCSVSplit(line, f, pos, MAXF, &ecol);
  *ncols = n;
  if (n < 0) {
    ERR(c, "%s:1:%d: malformed header line (quoting)", c->path, ecol);
    PetscFunctionReturn(0);
  }
  for (int i = 0; i < n; i++) {
    int k;
    for (k = 0; k < nwant; k++)
      if (!strcmp(f[i], want[k])) break;
    if (k == nwant) {
      char list[256] = "";
      for (int j = 0; j < nwant; j++) snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? "," : "", want[j]);
      ERR(c, "%s:1:%d: unknown column '%s' (expected the columns %s)", c->path, pos[i], f[i], list);
    } else if (col_of[k] >= 0) ERR(c, "%s:1:%d: column '%s' appears twice", c->path, pos[i], f[i]);
    else col_of[k] = i;
  }
  for (int k = 0; k < nwant; k++)
    if (col_of[k] < 0) ERR(c, "%s:1:1: missing column '%s'", c->path, want[k]);
  PetscFunctionReturn(0);
}

static PetscErrorCode finish(MPI_Comm comm, Ctx *c)
{
  PetscFunctionBeginUser;
  PetscInt n = c->diag.n;
  if (n && c->rank == 0) {
    for (PetscInt i = 0; i < PetscMin(n, c->diag.limit); i++) fprintf(stderr, "%s\n", c->diag.msg[i]);
    if (n > c->diag.limit) fprintf(stderr, "ballast: %" PetscInt_FMT " errors in %s (first %" PetscInt_FMT " shown)\n", n, c->path, c->diag.limit);
    fflush(stderr);
  }
  PetscCall(BallastDiagFree(&c->diag));
  PetscCheck(!n, comm, BALLAST_ERR_INPUT, "%" PetscInt_FMT " error%s in %s", n, n > 1 ? "s" : "", c->path);
  PetscFunctionReturn(0);
}

typedef struct {
  double t, z;
} Pillar;
static int cmp_pillar(const void *a, const void *b)
{
  double x = ((const Pillar *)a)->t, y = ((const Pillar *)b)->t;
  return x < y ? -1 : x > y;
}

PetscErrorCode BallastCurvesRead(MPI_Comm comm, const char *path, BallastMarketData *m)
{
  static const char *const want[] = {"curveID", "currency", "tenor", "rate"};
  char                    *buf, *line, *f[MAXF];
  size_t                   len, pos = 0;
  int                      col[4], ncols, cp[MAXF], ecol;
  Ctx                      c = {path, {0}, 0};
  /* rows collected per curve, in first-appearance order */
  PetscInt nrows = 0, caprows = 0;
  struct Row {
    int32_t curve;
    int32_t ccy;
    double  t, z;
    int64_t line;
    char    tenor[16];
  } *rows = NULL;
  BallastNames cnames;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &c.rank));
  PetscCall(BallastDiagInit(&c.diag, BALLAST_DIAG_LIMIT));
  PetscCall(BallastReadBcast(comm, path, &buf, &len));
  PetscCheck(BallastNamesCreate(&cnames) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  if (!m->currencies) PetscCheck(BallastNamesCreate(&m->currencies) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  for (PetscInt i = 0; i < m->ncurves; i++) BallastNamesIntern(cnames, m->curves[i].name);
  line = next_line(buf, len, &pos);
  if (!line || !line[0]) ERR(&c, "%s:1:1: empty file: expected the header curveID,currency,tenor,rate", path);
  else PetscCall(map_header(&c, line, want, 4, col, &ncols));
  if (c.diag.n) goto done;
  for (int64_t ln = 2; (line = next_line(buf, len, &pos)); ln++) {
    if (!line[0]) continue; /* blank lines (e.g. a final newline) */
    int n = BallastCSVSplit(line, f, cp, MAXF, &ecol);
    if (n < 0) {
      ERR(&c, "%s:%" PRId64 ":%d: malformed quoting", path, ln, ecol);
      continue;
    }
    if (n != ncols) {
      ERR(&c, "%s:%" PRId64 ":1: %d fields, expected %d as in the header", path, ln, n, ncols);
      continue;
    }
    const char *id = f[col[0]], *ccy = f[col[1]], *ten = f[col[2]], *rate = f[col[3]];
    int         nten;
    char        unit;
    double      z;
    PetscBool   bad = PETSC_FALSE;
    if (!id[0]) { ERR(&c, "%s:%" PRId64 ":%d: column 'curveID': empty; expected a curve name", path, ln, cp[col[0]]); bad = PETSC_TRUE; }
    if (!is_ccy(ccy)) { ERR(&c, "%s:%" PRId64 ":%d: column 'currency': value '%s': expected a three-letter ISO 4217 code", path, ln, cp[col[1]], ccy); bad = PETSC_TRUE; }
    if (BallastTenorParse(ten, &nten, &unit)) { ERR(&c, "%s:%" PRId64 ":%d: column 'tenor': value '%s': expected ON or a number followed by D, W, M or Y", path, ln, cp[col[2]], ten); bad = PETSC_TRUE; }
    if (BallastParseDouble(rate, &z) || fabs(z) > 1.0) { ERR(&c, "%s:%" PRId64 ":%d: column 'rate': value '%s': expected a decimal zero rate (0.025 = 2.5 %%)", path, ln, cp[col[3]], rate); bad = PETSC_TRUE; }
    if (bad) continue;
    if (nrows == caprows) {
      caprows = caprows ? 2 * caprows : 64;
      PetscCall(PetscRealloc(sizeof(*rows) * (size_t)caprows, &rows));
    }
    struct Row *r = &rows[nrows++];
    r->curve      = BallastNamesIntern(cnames, id);
    r->ccy        = BallastNamesIntern(m->currencies, ccy);
    r->t          = BallastYearsFrom(m->as_of, BallastDateAddTenor(m->as_of, nten, unit));
    r->z          = z;
    r->line       = ln;
    snprintf(r->tenor, sizeof r->tenor, "%s", ten);
    if (r->curve < m->ncurves) ERR(&c, "%s:%" PRId64 ":%d: curve '%s' is defined twice", path, ln, cp[col[0]], id);
  }
  if (c.diag.n) goto done;
  {
    PetscInt nc = BallastNamesCount(cnames) - m->ncurves;
    if (nc <= 0 && m->ncurves <= 0) { /* through the diagnostics, so the buffers below are freed (fuzzing found the leak) */
      ERR(&c, "%s: no curves", path);
      goto done;
    }
    PetscCall(PetscRealloc(sizeof(BallastCurve) * (size_t)(m->ncurves + nc), &m->curves));
    for (PetscInt k = 0; k < nc; k++) {
      int32_t       id = (int32_t)(m->ncurves + k);
      BallastCurve *cv = &m->curves[id];
      PetscInt      np = 0;
      Pillar       *p;
      for (PetscInt i = 0; i < nrows; i++) np += rows[i].curve == id;
      PetscCall(PetscMalloc1(np, &p));
      np              = 0;
      int32_t  ccy    = -1;
      int64_t  first  = 0;
      for (PetscInt i = 0; i < nrows; i++) {
        if (rows[i].curve != id) continue;
        if (ccy < 0) { ccy = rows[i].ccy; first = rows[i].line; }
        else if (rows[i].ccy != ccy)
          ERR(&c, "%s:%" PRId64 ":%d: curve '%s' has currency %s here but %s on line %" PRId64, path, rows[i].line, cp[col[1]],
              BallastNamesGet(cnames, id), BallastNamesGet(m->currencies, rows[i].ccy), BallastNamesGet(m->currencies, ccy), first);
        for (PetscInt j = 0; j < np; j++)
          if (p[j].t == rows[i].t) ERR(&c, "%s:%" PRId64 ":%d: curve '%s': tenor '%s' falls on the same date as an earlier pillar", path, rows[i].line, cp[col[2]], BallastNamesGet(cnames, id), rows[i].tenor);
        p[np].t = rows[i].t;
        p[np].z = rows[i].z;
        np++;
      }
      qsort(p, (size_t)np, sizeof(Pillar), cmp_pillar);
      PetscCall(PetscStrallocpy(BallastNamesGet(cnames, id), &cv->name));
      cv->ramp_shift = cv->ramp_years = 0; /* no overlay on loaded curves */
      cv->currency = ccy;
      cv->n        = np;
      PetscCall(PetscMalloc2(np, &cv->t, np, &cv->z));
      for (PetscInt j = 0; j < np; j++) { cv->t[j] = p[j].t; cv->z[j] = p[j].z; }
      PetscCall(PetscFree(p));
    }
    m->ncurves += nc;
  }
done:
  PetscCall(PetscFree(rows));
  PetscCall(PetscFree(buf));
  BallastNamesDestroy(&cnames);
  PetscCall(finish(comm, &c));
  PetscFunctionReturn(0);
}

static PetscErrorCode read_fx(MPI_Comm comm, const BallastConfig *cfg, BallastMarketData *m)
{
  static const char *const want[] = {"currency", "rate"};
  char                    *buf, *line, *f[MAXF];
  size_t                   len, pos = 0;
  int                      col[2], ncols, cp[MAXF], ecol;
  Ctx                      c = {cfg->fx, {0}, 0};
  PetscInt                 cap = 16;
  double                  *fx;
  int64_t                 *where;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &c.rank));
  PetscCall(BallastDiagInit(&c.diag, BALLAST_DIAG_LIMIT));
  PetscCall(BallastReadBcast(comm, cfg->fx, &buf, &len));
  PetscCall(PetscMalloc2(cap, &fx, cap, &where));
  for (PetscInt i = 0; i < cap; i++) { fx[i] = NAN; where[i] = 0; }
  line = next_line(buf, len, &pos);
  if (!line || !line[0]) ERR(&c, "%s:1:1: empty file: expected the header currency,rate", cfg->fx);
  else PetscCall(map_header(&c, line, want, 2, col, &ncols));
  if (!c.diag.n) {
    for (int64_t ln = 2; (line = next_line(buf, len, &pos)); ln++) {
      if (!line[0]) continue;
      int n = BallastCSVSplit(line, f, cp, MAXF, &ecol);
      if (n != ncols) {
        ERR(&c, "%s:%" PRId64 ":1: %d fields, expected %d as in the header", cfg->fx, ln, n < 0 ? 0 : n, ncols);
        continue;
      }
      const char *ccy = f[col[0]], *rate = f[col[1]];
      double      v;
      if (!is_ccy(ccy)) { ERR(&c, "%s:%" PRId64 ":%d: column 'currency': value '%s': expected a three-letter ISO 4217 code", cfg->fx, ln, cp[col[0]], ccy); continue; }
      if (BallastParseDouble(rate, &v) || !(v > 0)) { ERR(&c, "%s:%" PRId64 ":%d: column 'rate': value '%s': expected a positive number (units of %s per unit of %s)", cfg->fx, ln, cp[col[1]], rate, cfg->reporting_currency, ccy); continue; }
      int32_t id = BallastNamesIntern(m->currencies, ccy);
      if (id >= cap) {
        PetscInt nc = 2 * id + 2;
        PetscCall(PetscRealloc(sizeof(double) * (size_t)nc, &fx));
        PetscCall(PetscRealloc(sizeof(int64_t) * (size_t)nc, &where));
        for (PetscInt i = cap; i < nc; i++) { fx[i] = NAN; where[i] = 0; }
        cap = nc;
      }
      if (where[id]) ERR(&c, "%s:%" PRId64 ":%d: currency %s already has a rate on line %" PRId64, cfg->fx, ln, cp[col[0]], ccy, where[id]);
      fx[id]    = v;
      where[id] = ln;
    }
  }
  if (!c.diag.n) {
    int32_t rid = BallastNamesFind(m->currencies, cfg->reporting_currency);
    if (rid < 0 || rid >= cap || !where[rid]) ERR(&c, "%s:1:1: no rate for the reporting currency %s (expected %s,1.0)", cfg->fx, cfg->reporting_currency, cfg->reporting_currency);
    else if (fx[rid] != 1.0) ERR(&c, "%s:%" PRId64 ":%d: the reporting currency %s must have rate 1, not %.17g", cfg->fx, where[rid], cp[col[1]], cfg->reporting_currency, fx[rid]);
  }
  m->nfx = BallastNamesCount(m->currencies);
  PetscCall(PetscMalloc1(m->nfx + 1, &m->fx));
  for (PetscInt i = 0; i < m->nfx; i++) m->fx[i] = i < cap ? fx[i] : NAN;
  PetscCall(PetscFree2(fx, where));
  PetscCall(PetscFree(buf));
  PetscCall(finish(comm, &c));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastMarketLoad(MPI_Comm comm, const BallastConfig *cfg, BallastMarketData *m)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(m, sizeof(*m)));
  m->as_of = cfg->as_of;
  PetscCheck(BallastNamesCreate(&m->currencies) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscCall(BallastCurvesRead(comm, cfg->curves, m));
  PetscCall(read_fx(comm, cfg, m));
  /* every configured discount curve exists and is in its currency; every curve currency has FX */
  for (PetscInt i = 0; i < cfg->ndiscount; i++) {
    PetscInt k = BallastMarketFindCurve(m, cfg->discount_curve[i]);
    PetscCheck(k >= 0, comm, BALLAST_ERR_INPUT, "%s: discount_curves.%s names curve '%s', which is not in %s", cfg->path, cfg->discount_ccy[i], cfg->discount_curve[i], cfg->curves);
    const char *ccy = BallastNamesGet(m->currencies, m->curves[k].currency);
    PetscCheck(!strcmp(ccy, cfg->discount_ccy[i]), comm, BALLAST_ERR_INPUT, "%s: discount_curves.%s names curve '%s', whose currency is %s", cfg->path, cfg->discount_ccy[i], cfg->discount_curve[i], ccy);
  }
  for (PetscInt k = 0; k < m->ncurves; k++) {
    int32_t ccy = m->curves[k].currency;
    PetscCheck(ccy < m->nfx && !isnan(m->fx[ccy]), comm, BALLAST_ERR_INPUT, "%s: curve '%s' is in %s, which has no rate in %s", cfg->curves, m->curves[k].name,
               BallastNamesGet(m->currencies, ccy), cfg->fx);
  }
  PetscFunctionReturn(0);
}
