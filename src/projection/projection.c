/* The projection driver (include/ballast/projection.h, docs/architecture.md): sources, the
 * schedule once per contract, the numeric pass per variant, filters, consumers. */
#include <ballast/projection.h>
#include <ballast/progress.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *filter_names[BALLAST_FILTER_COUNT] = {"contractual", "synthetic_call", "cash_on_demand", "face_value", "prepayment", "early_redemption", "deposit_slotting"};
const char *BallastFilterName(int f) { return f >= 0 && f < BALLAST_FILTER_COUNT ? filter_names[f] : "?"; }
const char *BallastStreamName(int s) { return s == BALLAST_STREAM_CONTRACTUAL ? "contractual" : s == BALLAST_STREAM_BEHAVIOURAL ? "behavioural" : "?"; }

/* ---------------------------------------------------------------------------------------------
 * The contract store as a source */

static PetscInt store_count(void *ctx) { return ((BallastContractSource *)ctx)->cs->n; }

static PetscErrorCode store_get(void *ctx, PetscInt i, BallastProjContract *pc)
{
  BallastContractSource *st = (BallastContractSource *)ctx;
  BallastContracts       cs = st->cs;
  PetscFunctionBeginUser;
  PetscCheck(i >= 0 && i < cs->n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "contract index %" PetscInt_FMT " out of range", i);
  pc->index = i;
  pc->id    = BallastContractsID(cs, i);
  pc->file  = st->files ? st->files[cs->file[i]] : NULL;
  pc->line  = cs->line[i];
  BallastContractsGetTerms(cs, i, &pc->t);
  pc->alm = &cs->alm[i];
  pc->p   = cs->alm[i].portfolio;
  pc->c   = cs->currency[i];
  PetscFunctionReturn(0);
}

void BallastContractSourceInit(BallastContractSource *store, BallastContracts cs, const char *const *files, BallastSource *src)
{
  store->cs    = cs;
  store->files = files;
  src->name    = "contracts";
  src->ctx     = store;
  src->count   = store_count;
  src->get     = store_get;
  src->variant = NULL;
}

/* ---------------------------------------------------------------------------------------------
 * The market of the numeric pass: forwards from the variant's discount-factor table */

/* End dates of reset periods, memoised: the same reset dates recur under every variant of a
 * contract, and the calendar arithmetic would otherwise dominate the reset's cost. */
#define ENDCACHE 256
typedef struct {
  BallastDate  d[ENDCACHE], e[ENDCACHE];
  BallastCycle c[ENDCACHE];
} EndCache;

typedef struct {
  const BallastDFTable *df;
  EndCache             *cache;
  int64_t               nobs; /* market observations (forwards, FX) of the numeric pass */
} Observer;

/* Units of `to` per unit of `from`: spot FX of the market data (an instantaneous scenario does not
 * move FX). */
static PetscErrorCode observe_fx(void *ctx, int32_t from, int32_t to, BallastDate d, double *value)
{
  Observer     *o  = (Observer *)ctx;
  const double *fx = o->df->market->fx;
  (void)d;
  PetscFunctionBeginUser;
  o->nobs++;
  PetscCheck(from >= 0 && to >= 0 && from < o->df->market->nfx && to < o->df->market->nfx, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "FX rate for an unknown currency");
  *value = fx[from] / fx[to];
  PetscFunctionReturn(0);
}

/* The scenario's simply compounded forward over the reset period on the named curve
 * (../shared/spec/contracts.md); moc is the curve index (the loader mapped it). */
static PetscErrorCode observe_forward(void *ctx, int32_t moc, BallastDate d, BallastCycle period, double *value)
{
  Observer             *o  = (Observer *)ctx;
  const BallastDFTable *df = o->df;
  BallastDate           e;
  PetscFunctionBeginUser;
  o->nobs++;
  PetscCheck(moc >= 0 && moc < df->ncurves, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "rate reset on an unknown curve (index %d)", (int)moc);
  if (period.n <= 0) e = d + 1;
  else {
    unsigned  h = (unsigned)d & (ENDCACHE - 1);
    EndCache *c = o->cache;
    if (c->d[h] == d && c->c[h].n == period.n && c->c[h].unit == period.unit) e = c->e[h];
    else {
      e       = BallastCycleAdd(d, period, 1);
      c->d[h] = d;
      c->c[h] = period;
      c->e[h] = e;
    }
  }
  *value = BallastDFTableForward(df, moc, d, e);
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------------------------------------
 * The driver */

typedef void (*EventFn)(void *, const BallastEvent *, int);

/* The last stage of a stream: the valuation (behavioural stream) and the consumers' event calls
 * in one tight loop. Built once per run for each variant; no allocation per contract. */
typedef struct {
  int      n;
  EventFn  fn[BALLAST_PROJ_MAXCONSUMER];
  void    *ctx[BALLAST_PROJ_MAXCONSUMER];
  int      label;
  /* valuation: on for the behavioural stream */
  int                   value;
  double                pv;
  const BallastDFTable *df;
  PetscInt              kdisc;
  int32_t               ccy;
  BallastDate           as_of;
  const PetscInt       *disc_curve;
  const double         *fx;
  int64_t               nevents;
} Fanout;

/* The valuation of one event (behavioural stream): its payoff discounted, added to *pv. */
static inline void fanout_value(const Fanout *f, const BallastEvent *ev, double *pv)
{
  if (ev->date > f->as_of && ev->payoff != 0.0) {
    if (ev->currency == f->ccy || ev->currency < 0) *pv += ev->payoff * BallastDFTableGet(f->df, f->kdisc, ev->date);
    else {
      /* a leg in another currency (FXOUT): discounted on that currency's curve, converted at spot */
      PetscInt kd = f->disc_curve[ev->currency];
      double   fx = f->fx[ev->currency] / f->fx[f->ccy];
      *pv += ev->payoff * fx * BallastDFTableGet(f->df, kd >= 0 ? kd : f->kdisc, ev->date);
    }
  }
}

static void fanout_event(void *ctx, const BallastEvent *ev)
{
  Fanout *f = (Fanout *)ctx;
  if (f->value) {
    f->nevents++;
    fanout_value(f, ev, &f->pv);
  }
  for (int j = 0; j < f->n; j++) f->fn[j](f->ctx[j], ev, f->label);
}

/* The contractual stream of a contract under one variant, recorded once and replayed to the
 * streams that use it (the contractual consumers, the behavioural stream where no filter changes
 * it) and, for a scenario-invariant contract, to every variant. */
typedef struct {
  BallastEvent *ev;
  PetscInt      n, cap;
  int           err;     /* allocation failed */
  int           foreign; /* an event in another currency than the contract's */
  int32_t       ccy;
  BallastDate   as_of;
} EventBuf;

static void buf_event(void *ctx, const BallastEvent *ev)
{
  EventBuf *b = (EventBuf *)ctx;
  if (b->n == b->cap) {
    PetscInt      cap = b->cap ? 2 * b->cap : 1024;
    BallastEvent *e   = (BallastEvent *)realloc(b->ev, (size_t)cap * sizeof *e);
    if (!e) {
      b->err = 1;
      return;
    }
    b->ev  = e;
    b->cap = cap;
  }
  BallastEvent *e = &b->ev[b->n++];
  *e              = *ev;
  e->day          = (int32_t)(ev->date - b->as_of);
  if (ev->currency >= 0 && ev->currency != b->ccy) b->foreign = 1;
}

/* fanout_event over the buffer, with the fan-out's fields in locals (the consumers cannot see the
 * fan-out: the value is summed in the same order, bitwise the same as event by event) */
static void replay(const EventBuf *b, Fanout *f)
{
  const BallastEvent *ev = b->ev, *end = b->ev + b->n;
  const int           n = f->n, label = f->label;
  EventFn             fn[BALLAST_PROJ_MAXCONSUMER];
  void               *cx[BALLAST_PROJ_MAXCONSUMER];
  for (int j = 0; j < n; j++) fn[j] = f->fn[j], cx[j] = f->ctx[j];
  if (f->value) {
    double pv = f->pv;
    for (; ev < end; ev++) {
      fanout_value(f, ev, &pv);
      for (int j = 0; j < n; j++) fn[j](cx[j], ev, label);
    }
    f->pv = pv;
    f->nevents += b->n;
    return;
  }
  for (; ev < end; ev++)
    for (int j = 0; j < n; j++) fn[j](cx[j], ev, label);
}

/* Consumers taking a variant, by stream: [replaced] = 0 normally, 1 where the behavioural stream
 * replaced the contract's events (deposit slotting, face value). */
typedef struct {
  int nbeg;                     /* consumers whose begin/end are called */
  int beg[BALLAST_PROJ_MAXCONSUMER];
  int nunproj;                  /* of those, the ones taking unprojected contracts */
  int unproj[BALLAST_PROJ_MAXCONSUMER];
  int ncon[2], con[2][BALLAST_PROJ_MAXCONSUMER];
  int nbeh[2], beh[2][BALLAST_PROJ_MAXCONSUMER];
  int needs_pv;                 /* a consumer of the value that does not take tables */
  int table_only;               /* every consumer takes tables and none takes events: an invariant contract is skipped */
  int tables;                   /* some consumer takes tables */
} VariantPlan;

/* monthly checkpoints of the prepayment filters tabulated once per run (100 years; beyond, the
 * filter steps by the calendar) */
#define PREPAY_CHECKPOINTS 1200

/* Deposit slotting in closed form under the value-only variants (behaviour round 2): the sums of
 * BallastDepositSlottingSums per (segment, eligibility, day count, discount curve), per variant
 * on first use; a few keys, replaced round robin. */
#define SLOTSUMS 32
typedef struct {
  const BallastBehSegment *seg;
  int                      core, dcc;
  PetscInt                 kdisc;
  double                  *sums; /* [nvar][4] */
  char                    *done; /* [nvar] */
} SlotSums;

struct BallastProjection_s {
  BallastProjectionSetup s;
  PetscInt               nc;
  BallastConsumer        c[BALLAST_PROJ_MAXCONSUMER];
  VariantPlan           *plan; /* [nvar], built at the first contract */
  int                    tables; /* some consumer takes tables in some variant */
  BallastSchedule        ws;
  EndCache              *cache;
  EventBuf               buf;
  double                *slot_amount;
  BallastDate           *slot_date;
  double                *slot_yf;
  PetscInt               slot_cap;
  const BallastBehSegment *slot_seg; /* the segment whose slot dates are in slot_date */
  int                    slot_dcc, slot_core; /* day count of slot_yf, core-eligible slotting */
  PetscInt               portfolio;  /* portfolio of the last contract (-1: none) */
  BallastDate           *cp;         /* the prepayment filters' monthly checkpoints */
  PetscInt               ncp;
  int                   *cp_ymd;     /* [ncp][3] their year, month, day */
  BallastPrepayPlan      pplan;      /* the prepared prepayment stream of the contract at hand */
  SlotSums               slotsums[SLOTSUMS];
  int                    nslotsums, slotsums_next;
  int                    beh_per_event; /* test hook BALLAST_BEHAVIOUR_PER_EVENT: behaviour as before round 2 */
  int64_t                serial, ncontracts, nevents, ninvariant;
  int                    floating_replay; /* test hook BALLAST_FLOATING_REPLAY: every variant's stream recorded and replayed (before round 2) */
  double                 seconds;
  /* checkpoint and resume (BallastProjectionSetCheckpoint) */
  PetscInt               nport;
  const int             *stage_in;          /* [nport] sources done before this run, or NULL */
  int                  (*requested)(int64_t);  /* this rank's interruption flag, or NULL */
  int                   *stage_out;         /* [nport] sources done after Run */
  PetscInt               nsrc;
  PetscBool              interrupted;
  int                    signo;
};

PetscErrorCode BallastProjectionCreate(const BallastProjectionSetup *s, BallastProjection *proj)
{
  BallastProjection p;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  p->s = *s;
  if (!p->s.df_base) p->s.df_base = &s->df[0];
  PetscCall(BallastScheduleCreate(&p->ws));
  PetscCall(PetscNew(&p->cache));
  for (int i = 0; i < ENDCACHE; i++) p->cache->d[i] = BALLAST_DATE_NONE;
  p->portfolio = -1;
  {
    const char *hook   = getenv("BALLAST_FLOATING_REPLAY"); /* tests/mpi/t_kernel_round2.sh */
    p->floating_replay = hook && *hook && strcmp(hook, "0") != 0;
  }
  p->slot_seg  = NULL;
  p->ncp       = PREPAY_CHECKPOINTS;
  PetscCall(PetscMalloc1(p->ncp, &p->cp));
  BallastPrepayCheckpoints(s->as_of, p->ncp, p->cp);
  PetscCall(PetscMalloc1(3 * p->ncp, &p->cp_ymd));
  BallastPrepayCheckpointsYMD(p->cp, p->ncp, p->cp_ymd);
  {
    /* test hook (tests/mpi/t_behaviour_equiv.sh): the behavioural streams projected and valued event
     * by event under every variant, as before (docs/kernel.md "Behaviour, round 2") */
    const char *hook = getenv("BALLAST_BEHAVIOUR_PER_EVENT");
    p->beh_per_event = hook && *hook && strcmp(hook, "0") != 0;
  }
  *proj = p;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProjectionDestroy(BallastProjection *proj)
{
  BallastProjection p = *proj;
  PetscFunctionBeginUser;
  if (!p) PetscFunctionReturn(0);
  PetscCall(BallastScheduleDestroy(&p->ws));
  PetscCall(PetscFree(p->cache));
  PetscCall(PetscFree(p->cp));
  PetscCall(PetscFree(p->cp_ymd));
  PetscCall(BallastPrepayPlanDestroy(&p->pplan));
  for (int i = 0; i < p->nslotsums; i++) PetscCall(PetscFree2(p->slotsums[i].sums, p->slotsums[i].done));
  PetscCall(PetscFree(p->plan));
  PetscCall(PetscFree3(p->slot_amount, p->slot_date, p->slot_yf));
  free(p->buf.ev);
  PetscCall(PetscFree(p->stage_out));
  PetscCall(PetscFree(p));
  *proj = NULL;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProjectionAddConsumer(BallastProjection p, const BallastConsumer *c)
{
  PetscFunctionBeginUser;
  PetscCheck(p->nc < BALLAST_PROJ_MAXCONSUMER, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "more than %d consumers", BALLAST_PROJ_MAXCONSUMER);
  PetscCheck(!p->plan, PETSC_COMM_SELF, PETSC_ERR_ORDER, "consumer %s added after the projection started", c->name ? c->name : "?");
  p->c[p->nc++] = *c;
  PetscFunctionReturn(0);
}

static PetscErrorCode make_plan(BallastProjection p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(p->s.nvar, &p->plan));
  for (PetscInt v = 0; v < p->s.nvar; v++) {
    VariantPlan *pl = &p->plan[v];
    pl->table_only  = 1;
    for (int j = 0; j < p->nc; j++) {
      unsigned f = p->c[j].subscribe ? p->c[j].subscribe(p->c[j].ctx, v) : 0;
      if (!f) continue;
      pl->beg[pl->nbeg++] = j;
      if (f & BALLAST_TAKE_UNPROJECTED) pl->unproj[pl->nunproj++] = j;
      if (f & BALLAST_TAKE_TABLE) pl->tables = 1;
      else if (f & BALLAST_TAKE_VALUE) pl->needs_pv = 1;
      if (!(f & BALLAST_TAKE_TABLE) || (p->c[j].event && (f & (BALLAST_TAKE_EVENTS | BALLAST_TAKE_CONTRACTUAL)))) pl->table_only = 0;
      if (!p->c[j].event) continue;
      for (int r = 0; r < 2; r++) {
        if (f & BALLAST_TAKE_CONTRACTUAL) pl->con[r][pl->ncon[r]++] = j;
        if (f & BALLAST_TAKE_EVENTS) {
          if (r == 1 && (f & BALLAST_TAKE_CONTRACTUAL_WHERE_REPLACED)) {
            if (!(f & BALLAST_TAKE_CONTRACTUAL)) pl->con[r][pl->ncon[r]++] = j;
          } else pl->beh[r][pl->nbeh[r]++] = j;
        }
      }
    }
    if (!pl->nbeg) pl->table_only = 0;
    if (pl->tables) p->tables = 1;
  }
  PetscFunctionReturn(0);
}

static double role_sign(int role)
{
  return (role == BALLAST_ROLE_RPL || role == BALLAST_ROLE_PFL || role == BALLAST_ROLE_PF || role == BALLAST_ROLE_SEL) ? -1.0 : 1.0;
}

/* What the driver derives once per contract: discount curve, call date, the filters. */
static PetscErrorCode derive(BallastProjection p, BallastProjContract *pc)
{
  const BallastProjectionSetup *s = &p->s;
  const BallastTerms           *t = &pc->t;
  int                           ct = (int)t->contractType;
  PetscFunctionBeginUser;
  pc->projected = ct != BALLAST_CT_STK; /* equity: no interest-rate cash flows */
  pc->sign      = role_sign(t->contractRole);
  pc->callable  = (ct == BALLAST_CT_UMP) || (ct == BALLAST_CT_CLM && t->maturityDate == BALLAST_DATE_NONE);
  pc->due       = BALLAST_DATE_NONE;
  if (ct == BALLAST_CT_UMP) pc->due = s->as_of + 1;
  else if (pc->callable) pc->due = t->xDayNotice.n > 0 ? BallastCycleAdd(s->as_of, t->xDayNotice, 1) : s->as_of + 1;
  pc->a0          = (isnan(t->accruedInterest) || t->initialExchangeDate > s->as_of) ? 0.0 : pc->sign * t->accruedInterest;
  pc->kdisc       = pc->c >= 0 && pc->c < s->nccy ? s->disc_curve[pc->c] : -1;
  pc->contractual = ct == BALLAST_CT_CSH ? BALLAST_FILTER_CASH_ON_DEMAND : pc->callable ? BALLAST_FILTER_SYNTHETIC_CALL : BALLAST_FILTER_CONTRACTUAL;
  pc->behavioural = ct == BALLAST_CT_CSH ? BALLAST_FILTER_FACE_VALUE : BALLAST_FILTER_CONTRACTUAL;
  pc->seg         = NULL;
  if (s->beh && pc->alm->behaviourSegment >= 0 && s->seg_of[pc->alm->behaviourSegment] >= 0) pc->seg = &s->beh->seg[s->seg_of[pc->alm->behaviourSegment]];
  if (pc->seg) {
    const BallastBehSegment *seg = pc->seg;
    int deposit = seg->model == BALLAST_BEH_DEPOSIT && ct == BALLAST_CT_UMP;
    int scheduled = !pc->callable && ct != BALLAST_CT_CSH && ct != BALLAST_CT_SWPPV && ct != BALLAST_CT_FXOUT;
    if (deposit) pc->behavioural = BALLAST_FILTER_DEPOSIT_SLOTTING;
    else if (scheduled && seg->model == BALLAST_BEH_PREPAYMENT && t->contractRole == BALLAST_ROLE_RPA) pc->behavioural = BALLAST_FILTER_PREPAYMENT;
    else if (scheduled && seg->model == BALLAST_BEH_EARLY_REDEMPTION && t->contractRole == BALLAST_ROLE_RPL) pc->behavioural = BALLAST_FILTER_EARLY_REDEMPTION;
  }
  PetscFunctionReturn(0);
}

/* The contractual stream of the contract under the variant's market, into `out`. */
static PetscErrorCode contractual_stream(BallastProjection p, const BallastProjContract *pc, const BallastMarket *m, BallastEventTarget out)
{
  PetscFunctionBeginUser;
  switch (pc->contractual) {
  case BALLAST_FILTER_SYNTHETIC_CALL: BallastSyntheticCall(&pc->t, p->s.as_of, pc->due, out); break;
  case BALLAST_FILTER_CASH_ON_DEMAND: BallastCashOnDemand(&pc->t, p->s.as_of, out); break;
  default: PetscCall(BallastProject(p->ws, &pc->t, m, out.event, out.ctx));
  }
  PetscFunctionReturn(0);
}

/* The contractual stream into the driver's buffer. */
static PetscErrorCode record(BallastProjection p, const BallastProjContract *pc, const BallastMarket *m)
{
  PetscFunctionBeginUser;
  p->buf.n       = 0;
  p->buf.err     = 0;
  p->buf.foreign = 0;
  p->buf.ccy     = (int32_t)pc->c;
  p->buf.as_of   = p->s.as_of;
  PetscCall(contractual_stream(p, pc, m, (BallastEventTarget){buf_event, &p->buf}));
  PetscCheck(!p->buf.err, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory for the events of contract %s", pc->id);
  PetscFunctionReturn(0);
}

static void set_fanout(Fanout *f, const BallastProjection p, const int *list, int n, int label)
{
  f->n = n;
  for (int j = 0; j < n; j++) {
    f->fn[j]  = p->c[list[j]].event;
    f->ctx[j] = p->c[list[j]].ctx;
  }
  f->label = label;
}

/* The consumers' portfolio_end for the portfolio of the last contract. */
static PetscErrorCode end_portfolio(BallastProjection p)
{
  PetscFunctionBeginUser;
  if (p->portfolio < 0) PetscFunctionReturn(0);
  for (int j = 0; j < p->nc; j++)
    if (p->c[j].portfolio_end) PetscCall(p->c[j].portfolio_end(p->c[j].ctx, p->portfolio));
  p->portfolio = -1;
  PetscFunctionReturn(0);
}

/* Deposit slotting of contract pc: the slot dates (and the year fractions from the as-of date) of
 * its segment computed once per segment and day count, the amounts per deposit. */
static PetscErrorCode slot_deposit(BallastProjection p, const BallastProjContract *pc, PetscInt *nslot)
{
  PetscInt n    = BallastDepositSlotCount(pc->seg);
  int      core = BallastDepositCoreEligible(pc->alm);
  int      dcc  = (int)pc->t.dayCountConvention;
  PetscFunctionBeginUser;
  if (n > p->slot_cap) {
    PetscCall(PetscFree3(p->slot_amount, p->slot_date, p->slot_yf));
    PetscCall(PetscMalloc3(n, &p->slot_amount, n, &p->slot_date, n, &p->slot_yf));
    p->slot_cap = n;
    p->slot_seg = NULL;
  }
  if (p->slot_seg != pc->seg || p->slot_core != core || p->slot_dcc != dcc) {
    PetscInt m;
    PetscCall(BallastDepositSlotContract(pc, p->s.as_of, p->slot_amount, p->slot_date, &m));
    for (PetscInt j = 0; j < m; j++) p->slot_yf[j] = BallastYearFraction(pc->t.dayCountConvention, p->s.as_of, p->slot_date[j], BALLAST_DATE_NONE);
    p->slot_seg  = pc->seg;
    p->slot_core = core;
    p->slot_dcc  = dcc;
  }
  PetscCall(BallastDepositSlotAmounts(pc, core, p->slot_amount, nslot));
  PetscFunctionReturn(0);
}

/* The closed-form sums of the deposit slotting of pc under variant v (after slot_deposit of pc:
 * p->slot_date and p->slot_yf are its segment's). */
static PetscErrorCode slot_sums(BallastProjection p, const BallastProjContract *pc, PetscInt v, const BallastDFTable *df, const double **sums)
{
  int       core = BallastDepositCoreEligible(pc->alm), dcc = (int)pc->t.dayCountConvention;
  SlotSums *e    = NULL;
  PetscFunctionBeginUser;
  for (int i = 0; i < p->nslotsums && !e; i++)
    if (p->slotsums[i].seg == pc->seg && p->slotsums[i].core == core && p->slotsums[i].dcc == dcc && p->slotsums[i].kdisc == pc->kdisc) e = &p->slotsums[i];
  if (!e) {
    if (p->nslotsums < SLOTSUMS) {
      e = &p->slotsums[p->nslotsums++];
      PetscCall(PetscMalloc2(4 * p->s.nvar, &e->sums, p->s.nvar, &e->done));
    } else e = &p->slotsums[p->slotsums_next++ % SLOTSUMS];
    e->seg   = pc->seg;
    e->core  = core;
    e->dcc   = dcc;
    e->kdisc = pc->kdisc;
    PetscCall(PetscArrayzero(e->done, p->s.nvar));
  }
  if (!e->done[v]) {
    BallastDepositSlottingSums(pc->seg, core, p->slot_date, p->slot_yf, df, pc->kdisc, e->sums + 4 * v);
    e->done[v] = 1;
  }
  *sums = e->sums + 4 * v;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProjectionContract(BallastProjection p, const BallastSource *src, PetscInt k)
{
  const BallastProjectionSetup *s = &p->s;
  BallastProjContract           pc;
  PetscFunctionBeginUser;
  if (!p->plan) PetscCall(make_plan(p));
  PetscCall(PetscMemzero(&pc, sizeof pc));
  pc.weight = 1.0;
  PetscCall(src->get(src->ctx, k, &pc));
  if (pc.p != p->portfolio) {
    PetscCall(end_portfolio(p));
    p->portfolio = pc.p;
  }
  PetscCall(derive(p, &pc));
  if (!pc.projected) {
    /* consumers of every contract (liquidity) see it with value 0 and no event */
    const VariantPlan *pl = &p->plan[0];
    BallastProjVariant var;
    PetscCall(PetscMemzero(&var, sizeof var));
    var.scenario = s->nscen > 0;
    var.df       = &s->df[0];
    for (int j = 0; j < pl->nunproj; j++) {
      const BallastConsumer *c = &p->c[pl->unproj[j]];
      if (c->begin) PetscCall(c->begin(c->ctx, &pc, &var));
      if (c->end) PetscCall(c->end(c->ctx, &pc, &var));
    }
    p->ncontracts++;
    PetscFunctionReturn(0);
  }
  PetscCheck(pc.kdisc >= 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "no discount curve configured for currency of contract %s", pc.id);
  int ct = (int)pc.t.contractType;
  if (!pc.callable && ct != BALLAST_CT_CSH) {
    BallastObservedEvent   ad;
    BallastScheduleOptions opt = {0};
    ad.date = s->ad_date;
    ad.type = BALLAST_EV_AD;
    PetscCall(BallastScheduleBuildEx(p->ws, &pc.t, s->horizon, &opt, 1, &ad));
  }
  PetscInt nslot = 0;
  if (pc.behavioural == BALLAST_FILTER_DEPOSIT_SLOTTING) PetscCall(slot_deposit(p, &pc, &nslot));
  double slot_balance = pc.sign * pc.t.notionalPrincipal; /* the balance slot_deposit slotted (before any per-variant terms) */
  int replaced = pc.behavioural == BALLAST_FILTER_DEPOSIT_SLOTTING || pc.behavioural == BALLAST_FILTER_FACE_VALUE;
  int beh_label = BALLAST_LABEL(BALLAST_STREAM_BEHAVIOURAL, pc.behavioural == BALLAST_FILTER_CONTRACTUAL ? pc.contractual : pc.behavioural);
  /* the behavioural stream is the contractual one (no filter), or there is none (face value) */
  int beh_is_con = pc.behavioural == BALLAST_FILTER_CONTRACTUAL;
  pc.serial = ++p->serial;
  /* Scenario-invariant: no per-variant terms, no filter that reads the scenario, and the numeric
   * pass of variant 0 observed no market (no reset, no FX) and paid in the contract's currency
   * only. Its events are recorded once and replayed to every variant. */
  int      invariant = 0;
  PetscInt recorded  = -1; /* the variant whose contractual stream is in the buffer */
  if (!src->variant && (beh_is_con || pc.behavioural == BALLAST_FILTER_FACE_VALUE)) {
    Observer      o = {&s->df[0], p->cache, 0};
    BallastMarket m = {(void *)&o, observe_forward, observe_fx};
    PetscCall(record(p, &pc, &m));
    recorded  = 0;
    invariant = o.nobs == 0 && !p->buf.foreign;
  }
  if (invariant) p->ninvariant++;
  /* Prepayment and early redemption (behaviour round 2): the contractual stream recorded once
   * where it observed no market (then it is the same under every variant: the filter replays it
   * per variant instead of a numeric pass), and per variant where it did and a contractual
   * consumer records it anyway */
  int prepay     = pc.behavioural == BALLAST_FILTER_PREPAYMENT || pc.behavioural == BALLAST_FILTER_EARLY_REDEMPTION;
  int buf_every  = invariant; /* the buffer holds the contractual stream of every variant */
  int planned    = 0;         /* p->pplan is this contract's */
  if (prepay && !p->beh_per_event && !src->variant) {
    Observer      o = {&s->df[0], p->cache, 0};
    BallastMarket m = {(void *)&o, observe_forward, observe_fx};
    PetscCall(record(p, &pc, &m));
    recorded  = 0;
    buf_every = o.nobs == 0 && !p->buf.foreign;
  }
  int64_t nbeh_invariant = beh_is_con ? (int64_t)p->buf.n : 0;
  for (PetscInt v = 0; v < s->nvar; v++) {
    const VariantPlan *pl = &p->plan[v];
    BallastProjVariant var;
    Fanout             f;
    if (invariant && pl->table_only) {
      /* valued by the consumers' tables: nothing to project */
      p->nevents += nbeh_invariant;
      continue;
    }
    PetscCall(PetscMemzero(&var, sizeof var));
    var.v         = v;
    var.scenario  = v < s->nscen;
    var.df        = &s->df[v];
    var.invariant = invariant;
    var.has_pv    = !invariant || pl->needs_pv;
    if (pc.behavioural == BALLAST_FILTER_FACE_VALUE) {
      var.spot     = BallastFaceValue(&pc.t);
      var.has_spot = 1;
    }
    if (src->variant) PetscCall(src->variant(src->ctx, k, v, var.df, &pc)); /* per-variant terms (new business priced per scenario) */
    if (pc.behavioural == BALLAST_FILTER_DEPOSIT_SLOTTING) var.deposit_rate = BallastDepositSlottingRate(&pc, s->as_of, s->df_base, var.df);
    for (int j = 0; j < pl->nbeg; j++) {
      const BallastConsumer *c = &p->c[pl->beg[j]];
      if (c->begin) PetscCall(c->begin(c->ctx, &pc, &var));
    }
    Observer      o = {var.df, p->cache, 0};
    BallastMarket m = {(void *)&o, observe_forward, observe_fx};
    f.value         = 0;
    f.df            = var.df;
    f.kdisc         = pc.kdisc;
    f.ccy           = (int32_t)pc.c;
    f.as_of         = s->as_of;
    f.disc_curve    = s->disc_curve;
    f.fx            = s->fx;
    f.nevents       = 0;
    if (beh_is_con && !invariant && recorded != v && !pl->ncon[replaced] && !pl->nbeh[replaced] && !p->floating_replay) {
      /* kernel round 2: a variant that no consumer takes events of (the PV01 and key-rate
       * variants: EVE's value only) of a contract whose stream depends on it (floating rate): its
       * numeric pass valued as it streams, without the buffer and the replay (the same value,
       * bitwise) */
      f.n     = 0;
      f.value = 1;
      f.pv    = var.has_spot ? var.spot : 0.0;
      PetscCall(contractual_stream(p, &pc, &m, (BallastEventTarget){fanout_event, &f}));
      var.pv      = f.pv;
      var.nevents = f.nevents;
      p->nevents += f.nevents;
      for (int j = 0; j < pl->nbeg; j++) {
        const BallastConsumer *c = &p->c[pl->beg[j]];
        if (c->end) PetscCall(c->end(c->ctx, &pc, &var));
      }
      continue;
    }

    /* the contractual stream of this variant, once, where a stream needs it */
    if ((pl->ncon[replaced] || beh_is_con) && !(buf_every || recorded == v)) {
      PetscCall(record(p, &pc, &m));
      recorded = v;
    }
    /* contractual stream: for the consumers that take it */
    if (pl->ncon[replaced]) {
      set_fanout(&f, p, pl->con[replaced], pl->ncon[replaced], BALLAST_LABEL(BALLAST_STREAM_CONTRACTUAL, pc.contractual));
      replay(&p->buf, &f);
    }
    /* behavioural stream: valued, and for the consumers that take it */
    set_fanout(&f, p, pl->beh[replaced], pl->nbeh[replaced], beh_label);
    f.value = 1;
    f.pv    = var.has_spot ? var.spot : 0.0;
    BallastEventTarget out = {fanout_event, &f};
    /* behaviour round 2: no consumer takes the behavioural events of this variant (the PV01 and
     * key-rate variants: EVE's value only): valued without making the events, bitwise the same */
    int           value_only = !p->beh_per_event && f.n == 0;
    BallastValuer val        = {f.pv, 0, var.df, pc.kdisc, (int32_t)pc.c, s->as_of, s->disc_curve, s->fx};
    switch (pc.behavioural) {
    case BALLAST_FILTER_FACE_VALUE: break; /* no event: the value is the face value */
    case BALLAST_FILTER_DEPOSIT_SLOTTING:
      if (value_only && p->tables && (pc.t.currency == pc.c || pc.t.currency < 0)) {
        /* O(1) per deposit: the segment's sums under this variant, where EVE takes tables (its
         * value is held to 1e-12 relative: no management actions, docs/kernel.md) */
        const double *sums = NULL;
        PetscCall(slot_sums(p, &pc, v, var.df, &sums));
        f.pv      = BallastDepositSlottingValueSums(&pc, BallastDepositCoreEligible(pc.alm), slot_balance, p->slot_amount[0], var.deposit_rate, sums);
        f.nevents = 2 * nslot;
      } else if (value_only) {
        BallastDepositSlottingValue(&pc, p->slot_amount, p->slot_date, p->slot_yf, nslot, var.deposit_rate, &val);
        f.pv      = val.pv;
        f.nevents = val.nevents;
      } else BallastDepositSlottingYF(&pc, s->as_of, p->slot_amount, p->slot_date, p->slot_yf, nslot, var.deposit_rate, out);
      break;
    case BALLAST_FILTER_PREPAYMENT:
    case BALLAST_FILTER_EARLY_REDEMPTION: {
      BallastPrepayFilter pf;
      double scalar = pc.behavioural == BALLAST_FILTER_PREPAYMENT ? (s->prepay_scalar ? s->prepay_scalar[v] : 1.0) : (s->td_scalar ? s->td_scalar[v] : 1.0);
      BallastPrepayFilterSetup(&pf, &pc, s->as_of, s->horizon, var.df, scalar, out);
      if (p->beh_per_event) {
        BallastPrepayFilterUseCheckpoints(&pf, p->cp, p->ncp);
        PetscCall(BallastProject(p->ws, &pc.t, &m, BallastPrepayFilterEvent, &pf));
        break;
      }
      BallastPrepayFilterUseCheckpointsYMD(&pf, p->cp, p->cp_ymd, p->ncp);
      if (buf_every) {
        /* the same contractual stream under every variant: the checkpoints prepared once, the
         * survival applied per variant */
        if (!planned) PetscCall(BallastPrepayPlanBuild(&p->pplan, &pf, p->buf.ev, p->buf.n));
        planned = 1;
        if (value_only) {
          BallastPrepayPlanValue(&p->pplan, &pf, p->buf.ev, p->buf.n, &val);
          f.pv      = val.pv;
          f.nevents = val.nevents;
        } else BallastPrepayPlanEvents(&p->pplan, &pf, p->buf.ev, p->buf.n);
        break;
      }
      int in_buf = recorded == v;
      if (value_only && !in_buf) {
        PetscCall(record(p, &pc, &m));
        recorded = v;
        in_buf   = 1;
      }
      if (value_only) {
        BallastPrepayFilterValue(&pf, p->buf.ev, p->buf.n, &val);
        f.pv      = val.pv;
        f.nevents = val.nevents;
      } else if (in_buf) {
        for (PetscInt i = 0; i < p->buf.n; i++) BallastPrepayFilterEvent(&pf, &p->buf.ev[i]);
      } else PetscCall(BallastProject(p->ws, &pc.t, &m, BallastPrepayFilterEvent, &pf));
    } break;
    default:
      if (!var.has_pv) f.value = 0, f.nevents = p->buf.n;
      replay(&p->buf, &f);
    }
    var.pv      = var.has_pv ? f.pv : 0.0;
    var.nevents = f.nevents;
    p->nevents += f.nevents;
    for (int j = 0; j < pl->nbeg; j++) {
      const BallastConsumer *c = &p->c[pl->beg[j]];
      if (c->end) PetscCall(c->end(c->ctx, &pc, &var));
    }
  }
  p->ncontracts++;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProjectionSetCheckpoint(BallastProjection p, PetscInt nport, const int *stage, int (*requested)(int64_t))
{
  PetscFunctionBeginUser;
  p->nport     = nport;
  p->stage_in  = stage;
  p->requested = requested;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProjectionGetInterrupted(BallastProjection p, PetscBool *interrupted, int *signo, const int **stage, PetscInt *nsrc)
{
  PetscFunctionBeginUser;
  if (interrupted) *interrupted = p->interrupted;
  if (signo) *signo = p->signo;
  if (stage) *stage = p->stage_out;
  if (nsrc) *nsrc = p->nsrc;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProjectionGetConsumers(BallastProjection p, PetscInt *n, const BallastConsumer **c)
{
  PetscFunctionBeginUser;
  *n = p->nc;
  *c = p->c;
  PetscFunctionReturn(0);
}

/* The portfolio of contract k of a source (a get of its own: only where resume or interruption
 * needs it). */
static PetscErrorCode portfolio_of(const BallastSource *src, PetscInt k, PetscInt *port)
{
  BallastProjContract pc;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&pc, sizeof pc));
  PetscCall(src->get(src->ctx, k, &pc));
  *port = pc.p;
  PetscFunctionReturn(0);
}

/* After an interruption at contract k of source q: per portfolio the sources done on this rank,
 * q plus 1 where none of the portfolio's contracts of source q is left (from k on, not skipped),
 * at least the sources the checkpoint had done. */
static PetscErrorCode stages_after(BallastProjection p, const BallastSource *src, PetscInt q, PetscInt k)
{
  PetscInt nport = p->nport;
  PetscFunctionBeginUser;
  /* q = nsrc: this rank did not stop (it finished before the others agreed): everything done */
  for (PetscInt i = 0; i < nport; i++) p->stage_out[i] = (int)PetscMin(q + 1, p->nsrc);
  if (q < p->nsrc) {
    PetscInt n = src[q].count(src[q].ctx);
    for (PetscInt j = k; j < n; j++) {
      PetscInt port;
      PetscCall(portfolio_of(&src[q], j, &port));
      if (port >= 0 && port < nport) p->stage_out[port] = (int)q;
    }
  }
  for (PetscInt i = 0; i < nport && p->stage_in; i++)
    if (p->stage_in[i] > p->stage_out[i]) p->stage_out[i] = p->stage_in[i];
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProjectionRun(BallastProjection p, MPI_Comm comm, PetscInt nsrc, const BallastSource *src)
{
  PetscMPIInt rank;
  char        msg[1024] = "";
  PetscErrorCode fail = 0;
  BallastProgress g; /* progress summed over the ranks (include/ballast/progress.h) */
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscInt total = 0, done = 0;
  for (PetscInt q = 0; q < nsrc; q++) total += src[q].count(src[q].ctx);
  double t0 = MPI_Wtime();
  PetscCall(BallastProgressBegin(comm, "project", "contracts", (int64_t)total, &g));
  g.requested   = p->requested;
  p->nsrc        = nsrc;
  p->interrupted = PETSC_FALSE;
  PetscCall(PetscFree(p->stage_out));
  PetscCall(PetscMalloc1(p->nport + 1, &p->stage_out));
  for (PetscInt i = 0; i < p->nport; i++) p->stage_out[i] = (int)nsrc;
  if (p->requested) {
    /* a signal during load or calibration: the ranks agree before the first contract (one collective) */
    int sig = p->requested(0), any = 0;
    PetscCallMPI(MPI_Allreduce(&sig, &any, 1, MPI_INT, MPI_MAX, comm));
    if (any) {
      g.stop      = 1;
      g.sent_flag = 1;
      g.signo     = sig ? sig : any;
    }
  }
  PetscInt stop_q = nsrc, stop_k = 0, last_port = -1;
  int      tracking = p->stage_in != NULL; /* the portfolio of each contract is looked up */
  for (PetscInt q = 0; q < nsrc && !fail && stop_q == nsrc; q++) {
    PetscInt n = src[q].count(src[q].ctx);
    for (PetscInt k = 0; k < n && !fail; k++, done++) {
      if (g.stop && !tracking) {
        tracking = 1; /* from the interruption on: the portfolio at hand is the last contract's */
        if (k > 0) PetscCall(portfolio_of(&src[q], k - 1, &last_port));
      }
      if (tracking) {
        PetscInt port;
        PetscCall(portfolio_of(&src[q], k, &port));
        /* interrupted: stop at a portfolio boundary of the first source, or before a later source */
        if (g.stop && (k == 0 || (q == 0 && port != last_port))) {
          stop_q = q;
          stop_k = k;
          break;
        }
        last_port = port;
        if (p->stage_in && port >= 0 && port < p->nport && p->stage_in[port] > q) continue; /* done in the checkpoint */
      }
      PetscErrorCode ierr = BallastProjectionContract(p, &src[q], k);
      if (ierr) {
        const char         *text;
        char               *spec = NULL;
        BallastProjContract pc;
        PetscErrorMessage(ierr, &text, &spec);
        PetscMemzero(&pc, sizeof pc);
        if (src[q].get(src[q].ctx, k, &pc)) pc.id = "?";
        if (pc.file) snprintf(msg, sizeof msg, "%s:%" PRId64 ": contract %s: %s", pc.file, pc.line, pc.id, spec ? spec : "projection failed");
        else snprintf(msg, sizeof msg, "%s %" PetscInt_FMT ": contract %s: %s", src[q].name, k, pc.id, spec ? spec : "projection failed");
        fail = ierr == BALLAST_ERR_INPUT || ierr == BALLAST_ERR_USAGE || ierr == BALLAST_ERR_IO ? ierr : BALLAST_ERR_NUMERIC; /* a full disk (cash-flow spill) stays I/O */
        break;
      }
      if ((done & 63) == 0) PetscCall(BallastProgressPoll(&g, (int64_t)done + 1));
    }
    if (!fail) { /* a source's last portfolio ends with it */
      PetscErrorCode ierr = end_portfolio(p);
      if (ierr) {
        snprintf(msg, sizeof msg, "%s: the end of portfolio failed", src[q].name);
        fail = BALLAST_ERR_NUMERIC;
      }
    }
  }
  p->seconds = MPI_Wtime() - t0; /* before the first collective: this rank's own work */
  PetscCall(BallastProgressFinish(&g, (int64_t)done));
  /* every rank learns the first failing rank's message and code before any collective */
  PetscCall(BallastAgreeError(comm, fail, fail ? msg : NULL));
  double t1 = MPI_Wtime();
  int64_t all[3] = {(int64_t)done, stop_q < nsrc ? 1 : 0, (int64_t)total}, sum[3];
  PetscCallMPI(MPI_Allreduce(all, sum, 3, MPI_INT64_T, MPI_SUM, comm));
  if (sum[1] > 0) {
    /* interrupted (some rank stopped early; the same on every rank): no merge, the caller writes
     * the checkpoint of what each rank finished */
    int sig = g.signo;
    PetscCallMPI(MPI_Allreduce(&sig, &p->signo, 1, MPI_INT, MPI_MAX, comm));
    p->interrupted = PETSC_TRUE;
    PetscCall(stages_after(p, src, stop_q, stop_k));
    PetscCall(PetscFPrintf(comm, PETSC_STDERR, "project: interrupted by signal %d after %" PRId64 " of %" PRId64 " contracts (all ranks, a checkpoint's included) in %.2f s\n", p->signo, sum[0], sum[2], t1 - t0));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscFPrintf(comm, PETSC_STDERR, "project: %" PRId64 " contracts (all ranks) in %.2f s (%.0f contracts/s)\n", sum[0], t1 - t0, t1 > t0 ? (double)sum[0] / (t1 - t0) : 0.0));
  /* the reduction: each consumer's merge (a -log_view stage of its own when registered) */
  PetscLogStage st = -1;
  PetscCall(PetscLogStageGetId("reduce", &st));
  if (st >= 0) PetscCall(PetscLogStagePush(st));
  for (int j = 0; j < p->nc; j++)
    if (p->c[j].merge) PetscCall(p->c[j].merge(p->c[j].ctx, comm));
  if (st >= 0) PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}

PetscErrorCode BallastProjectionGetStats(BallastProjection p, int64_t *ncontracts, int64_t *nevents, double *seconds)
{
  PetscFunctionBeginUser;
  if (ncontracts) *ncontracts = p->ncontracts;
  if (nevents) *nevents = p->nevents;
  if (seconds) *seconds = p->seconds;
  PetscFunctionReturn(0);
}
