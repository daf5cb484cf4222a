/* The cash-flow consumer of `ballast run --cash-flows` (include/ballast/cashflows.h): the
 * behavioural stream of every scenario, one contract at a time, lined up in rows and handed to a
 * sink. */
#include <ballast/cashflows.h>
#include <ballast/irrbb.h>
#include <math.h>
#include <string.h>

typedef struct {
  int32_t  day, type, ccy, label;
  double   payoff, notional, rate;
  uint64_t seen; /* scenarios that produced this row */
} Row;

struct BallastCashFlows_s {
  BallastCashFlowsSetup s;
  BallastCashFlowSink   sink;
  BallastIRRBBSetup     irrbb; /* for BallastIRRBBBucket */
  /* the current contract */
  PetscInt   row, p;
  int32_t    cc;
  PetscInt   kdisc;
  PetscInt   v;
  const BallastDFTable *df;
  PetscInt   n, cap, cursor;
  Row       *r;
  double    *sp, *sdf, *spv; /* [cap][nscen] */
  BallastCashFlowRow *out;
  int        err;
  int64_t    total;
};

PetscErrorCode BallastCashFlowsCreate(const BallastCashFlowsSetup *s, BallastCashFlowSink sink, BallastCashFlows *cf)
{
  BallastCashFlows c;
  PetscFunctionBeginUser;
  PetscCheck(s->nscen >= 1 && s->nscen <= 64, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "--cash-flows: %" PetscInt_FMT " scenarios (1 to 64 supported)", s->nscen);
  PetscCall(PetscNew(&c));
  c->s                 = *s;
  c->sink              = sink;
  c->irrbb.nbucket     = s->nbucket;
  c->irrbb.bucket_hi   = s->bucket_hi;
  c->irrbb.nbucket_days = 0;
  *cf                  = c;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCashFlowsDestroy(BallastCashFlows *cf)
{
  BallastCashFlows c = *cf;
  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(0);
  free(c->r);
  free(c->sp);
  free(c->sdf);
  free(c->spv);
  free(c->out);
  PetscCall(PetscFree(c));
  *cf = NULL;
  PetscFunctionReturn(0);
}

int64_t BallastCashFlowsRows(BallastCashFlows cf) { return cf->total; }

static int grow(BallastCashFlows c)
{
  PetscInt cap = c->cap ? 2 * c->cap : 64, S = c->s.nscen;
  Row     *r   = realloc(c->r, (size_t)cap * sizeof *r);
  if (r) c->r = r;
  double *a = realloc(c->sp, (size_t)(cap * S) * sizeof(double));
  if (a) c->sp = a;
  double *b = realloc(c->sdf, (size_t)(cap * S) * sizeof(double));
  if (b) c->sdf = b;
  double *d = realloc(c->spv, (size_t)(cap * S) * sizeof(double));
  if (d) c->spv = d;
  BallastCashFlowRow *o = realloc(c->out, (size_t)cap * sizeof *o);
  if (o) c->out = o;
  if (!r || !a || !b || !d || !o) return 1;
  c->cap = cap;
  return 0;
}

/* The row of (day, type) for the current scenario: the next unmatched row of that date and type
 * at or after the cursor (rows stay in date order), or a new row inserted before the first later
 * date. Every event lands in exactly one (row, scenario) cell, so the sums reconcile whatever the
 * alignment. */
static PetscInt place(BallastCashFlows c, int32_t day, int32_t type)
{
  PetscInt S = c->s.nscen, v = c->v, q;
  uint64_t bit = (uint64_t)1 << v;
  for (q = c->cursor; q < c->n && c->r[q].day <= day; q++)
    if (c->r[q].day == day && c->r[q].type == type && !(c->r[q].seen & bit)) return c->cursor = q + 1, q;
  if (c->n == c->cap && grow(c)) return -1;
  if (q < c->n) {
    memmove(&c->r[q + 1], &c->r[q], (size_t)(c->n - q) * sizeof *c->r);
    memmove(&c->sp[(q + 1) * S], &c->sp[q * S], (size_t)((c->n - q) * S) * sizeof(double));
    memmove(&c->sdf[(q + 1) * S], &c->sdf[q * S], (size_t)((c->n - q) * S) * sizeof(double));
    memmove(&c->spv[(q + 1) * S], &c->spv[q * S], (size_t)((c->n - q) * S) * sizeof(double));
  }
  c->n++;
  Row *r      = &c->r[q];
  r->day      = day;
  r->type     = type;
  r->seen     = 0;
  r->payoff   = NAN;
  r->notional = NAN;
  r->rate     = NAN;
  r->ccy      = -1;
  r->label    = -1;
  for (PetscInt k = 0; k < S; k++) {
    c->sp[q * S + k]  = NAN;
    c->sdf[q * S + k] = NAN;
    c->spv[q * S + k] = 0.0;
  }
  c->cursor = q + 1;
  return q;
}

static void put(BallastCashFlows c, int32_t day, const BallastEvent *ev, int label, double df, double pv)
{
  PetscInt q = place(c, day, ev->type), S = c->s.nscen, v = c->v;
  if (q < 0) {
    c->err = 1;
    return;
  }
  Row *r = &c->r[q];
  r->seen |= (uint64_t)1 << v;
  if (r->label < 0) {
    r->label = label;
    r->ccy   = ev->currency >= 0 ? ev->currency : c->cc;
  }
  if (v == 0) {
    r->payoff   = ev->payoff;
    r->notional = ev->notional;
    r->rate     = ev->rate;
  }
  c->sp[q * S + v]  = ev->payoff;
  c->sdf[q * S + v] = df;
  c->spv[q * S + v] = pv;
}

static unsigned cf_subscribe(void *ctx, PetscInt v)
{
  BallastCashFlows c = (BallastCashFlows)ctx;
  return v < c->s.nscen ? BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS : 0;
}

static PetscErrorCode cf_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastCashFlows c = (BallastCashFlows)ctx;
  if (var->v == 0) {
    c->n   = 0;
    c->row = pc->index;
    c->p   = pc->p;
    c->cc  = (int32_t)pc->c;
    c->kdisc = pc->kdisc;
  }
  c->v      = var->v;
  c->df     = var->df;
  c->cursor = 0;
  if (var->has_spot) {
    /* cash at face value: no event; one row at the as-of date valued at par */
    BallastEvent ev = {0};
    ev.date     = c->s.as_of;
    ev.type     = BALLAST_EV_AD;
    ev.payoff   = var->spot;
    ev.notional = var->spot;
    ev.rate     = pc->t.nominalInterestRate;
    ev.currency = (int32_t)pc->c;
    put(c, 0, &ev, BALLAST_LABEL(BALLAST_STREAM_BEHAVIOURAL, BALLAST_FILTER_FACE_VALUE), 1.0, var->spot);
  }
  return 0;
}

static void cf_event(void *ctx, const BallastEvent *ev, int label)
{
  BallastCashFlows c  = (BallastCashFlows)ctx;
  double           df = NAN, pv = 0.0;
  if (ev->date > c->s.as_of) {
    /* the driver's valuation term by term (src/projection/projection.c fanout_event) */
    if (ev->currency == c->cc || ev->currency < 0) {
      df = BallastDFTableGet(c->df, c->kdisc, ev->date);
      if (ev->payoff != 0.0) pv = ev->payoff * df;
    } else {
      PetscInt kd = c->s.disc_curve[ev->currency];
      double   fx = c->s.fx[ev->currency] / c->s.fx[c->cc];
      df          = BallastDFTableGet(c->df, kd >= 0 ? kd : c->kdisc, ev->date);
      if (ev->payoff != 0.0) pv = ev->payoff * fx * df;
    }
  }
  put(c, (int32_t)(ev->date - c->s.as_of), ev, label, df, pv);
}

static PetscErrorCode cf_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastCashFlows c = (BallastCashFlows)ctx;
  PetscInt         S = c->s.nscen;
  (void)pc;
  PetscFunctionBeginUser;
  PetscCheck(!c->err, PETSC_COMM_SELF, PETSC_ERR_MEM, "cash flows of contract %s: out of memory", pc->id);
  if (var->v != S - 1 || c->n == 0) PetscFunctionReturn(0);
  for (PetscInt q = 0; q < c->n; q++) {
    const Row          *r = &c->r[q];
    BallastCashFlowRow *o = &c->out[q];
    o->row          = c->row;
    o->p            = c->p;
    o->ccy          = r->ccy;
    o->contract_ccy = c->cc;
    o->day          = r->day;
    o->type         = r->type;
    o->label        = r->label;
    o->payoff       = r->payoff;
    o->notional     = r->notional;
    o->rate         = r->rate;
    o->sp           = &c->sp[q * S];
    o->sdf          = &c->sdf[q * S];
    o->spv          = &c->spv[q * S];
    if (r->day > 0) {
      PetscInt b = c->s.nladder;
      for (PetscInt k = 0; k < c->s.nladder; k++)
        if (r->day <= c->s.ladder_end[k]) {
          b = k;
          break;
        }
      o->irrbb_bucket  = (int32_t)BallastIRRBBBucket(&c->irrbb, (double)r->day / 365.0);
      o->ladder_bucket = (int32_t)b;
    } else o->irrbb_bucket = o->ladder_bucket = -1;
  }
  c->total += c->n;
  PetscCall(c->sink.rows(c->sink.ctx, S, c->n, c->out));
  c->n = 0;
  PetscFunctionReturn(0);
}

void BallastCashFlowsConsumer(BallastCashFlows cf, BallastConsumer *c)
{
  *c = (BallastConsumer){.name = "cashflows", .ctx = cf, .subscribe = cf_subscribe, .begin = cf_begin, .event = cf_event, .end = cf_end, .merge = NULL};
}
