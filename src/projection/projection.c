/* The projection driver (include/ballast/projection.h, docs/architecture.md): sources, the
 * schedule once per contract, the numeric pass per variant, filters, consumers. */
#include <ballast/projection.h>
#include <math.h>
#include <stdio.h>
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
} Observer;

/* Units of `to` per unit of `from`: spot FX of the market data (an instantaneous scenario does not
 * move FX). */
static PetscErrorCode observe_fx(void *ctx, int32_t from, int32_t to, BallastDate d, double *value)
{
  const Observer *o  = (const Observer *)ctx;
  const double   *fx = o->df->market->fx;
  (void)d;
  PetscFunctionBeginUser;
  PetscCheck(from >= 0 && to >= 0 && from < o->df->market->nfx && to < o->df->market->nfx, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "FX rate for an unknown currency");
  *value = fx[from] / fx[to];
  PetscFunctionReturn(0);
}

/* The scenario's simply compounded forward over the reset period on the named curve
 * (../shared/spec/contracts.md); moc is the curve index (the loader mapped it). */
static PetscErrorCode observe_forward(void *ctx, int32_t moc, BallastDate d, BallastCycle period, double *value)
{
  const Observer       *o  = (const Observer *)ctx;
  const BallastDFTable *df = o->df;
  BallastDate           e;
  PetscFunctionBeginUser;
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

static void fanout_event(void *ctx, const BallastEvent *ev)
{
  Fanout *f = (Fanout *)ctx;
  if (f->value) {
    f->nevents++;
    if (ev->date > f->as_of && ev->payoff != 0.0) {
      if (ev->currency == f->ccy || ev->currency < 0) f->pv += ev->payoff * BallastDFTableGet(f->df, f->kdisc, ev->date);
      else {
        /* a leg in another currency (FXOUT): discounted on that currency's curve, converted at spot */
        PetscInt kd = f->disc_curve[ev->currency];
        double   fx = f->fx[ev->currency] / f->fx[f->ccy];
        f->pv += ev->payoff * fx * BallastDFTableGet(f->df, kd >= 0 ? kd : f->kdisc, ev->date);
      }
    }
  }
  for (int j = 0; j < f->n; j++) f->fn[j](f->ctx[j], ev, f->label);
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
} VariantPlan;

struct BallastProjection_s {
  BallastProjectionSetup s;
  PetscInt               nc;
  BallastConsumer        c[BALLAST_PROJ_MAXCONSUMER];
  VariantPlan           *plan; /* [nvar], built at the first contract */
  BallastSchedule        ws;
  EndCache              *cache;
  double                *slot_amount;
  BallastDate           *slot_date;
  PetscInt               slot_cap;
  int64_t                serial, ncontracts, nevents;
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
  PetscCall(PetscFree(p->plan));
  PetscCall(PetscFree2(p->slot_amount, p->slot_date));
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
    for (int j = 0; j < p->nc; j++) {
      unsigned f = p->c[j].subscribe ? p->c[j].subscribe(p->c[j].ctx, v) : 0;
      if (!f) continue;
      pl->beg[pl->nbeg++] = j;
      if (f & BALLAST_TAKE_UNPROJECTED) pl->unproj[pl->nunproj++] = j;
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

static void set_fanout(Fanout *f, const BallastProjection p, const int *list, int n, int label)
{
  f->n = n;
  for (int j = 0; j < n; j++) {
    f->fn[j]  = p->c[list[j]].event;
    f->ctx[j] = p->c[list[j]].ctx;
  }
  f->label = label;
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
  if (pc.behavioural == BALLAST_FILTER_DEPOSIT_SLOTTING) {
    nslot = BallastDepositSlotCount(pc.seg);
    if (nslot > p->slot_cap) {
      PetscCall(PetscFree2(p->slot_amount, p->slot_date));
      PetscCall(PetscMalloc2(nslot, &p->slot_amount, nslot, &p->slot_date));
      p->slot_cap = nslot;
    }
    PetscCall(BallastDepositSlotContract(&pc, s->as_of, p->slot_amount, p->slot_date, &nslot));
  }
  int replaced = pc.behavioural == BALLAST_FILTER_DEPOSIT_SLOTTING || pc.behavioural == BALLAST_FILTER_FACE_VALUE;
  int beh_label = BALLAST_LABEL(BALLAST_STREAM_BEHAVIOURAL, pc.behavioural == BALLAST_FILTER_CONTRACTUAL ? pc.contractual : pc.behavioural);
  pc.serial = ++p->serial;
  for (PetscInt v = 0; v < s->nvar; v++) {
    const VariantPlan *pl = &p->plan[v];
    BallastProjVariant var;
    Fanout             f;
    PetscCall(PetscMemzero(&var, sizeof var));
    var.v        = v;
    var.scenario = v < s->nscen;
    var.df       = &s->df[v];
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
    Observer      o = {var.df, p->cache};
    BallastMarket m = {(void *)&o, observe_forward, observe_fx};
    f.value         = 0;
    f.df            = var.df;
    f.kdisc         = pc.kdisc;
    f.ccy           = (int32_t)pc.c;
    f.as_of         = s->as_of;
    f.disc_curve    = s->disc_curve;
    f.fx            = s->fx;
    f.nevents       = 0;
    /* contractual stream: for the consumers that take it */
    if (pl->ncon[replaced]) {
      set_fanout(&f, p, pl->con[replaced], pl->ncon[replaced], BALLAST_LABEL(BALLAST_STREAM_CONTRACTUAL, pc.contractual));
      PetscCall(contractual_stream(p, &pc, &m, (BallastEventTarget){fanout_event, &f}));
    }
    /* behavioural stream: valued, and for the consumers that take it */
    set_fanout(&f, p, pl->beh[replaced], pl->nbeh[replaced], beh_label);
    f.value = 1;
    f.pv    = var.has_spot ? var.spot : 0.0;
    BallastEventTarget out = {fanout_event, &f};
    switch (pc.behavioural) {
    case BALLAST_FILTER_FACE_VALUE: break; /* no event: the value is the face value */
    case BALLAST_FILTER_DEPOSIT_SLOTTING: BallastDepositSlotting(&pc, s->as_of, p->slot_amount, p->slot_date, nslot, var.deposit_rate, out); break;
    case BALLAST_FILTER_PREPAYMENT:
    case BALLAST_FILTER_EARLY_REDEMPTION: {
      BallastPrepayFilter pf;
      double scalar = pc.behavioural == BALLAST_FILTER_PREPAYMENT ? (s->prepay_scalar ? s->prepay_scalar[v] : 1.0) : (s->td_scalar ? s->td_scalar[v] : 1.0);
      BallastPrepayFilterSetup(&pf, &pc, s->as_of, s->horizon, var.df, scalar, out);
      PetscCall(BallastProject(p->ws, &pc.t, &m, BallastPrepayFilterEvent, &pf));
    } break;
    default: PetscCall(contractual_stream(p, &pc, &m, out));
    }
    var.pv      = f.pv;
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

/* Progress summed over the ranks (on stderr, rank 0): non-blocking reductions of (contracts done,
 * contracts, ranks finished). A rank starts round r+1 when round r has completed and at least
 * PROGRESS_EVERY seconds have passed; a rank that has finished its contracts keeps taking part
 * (each round it reports itself finished) until a round in which every rank is finished, so every
 * rank makes the same reductions in the same order. A round's counts are each rank's at the time
 * it joined the round: the figure lags by at most one interval; the rate is contracts done over
 * all ranks per second of wall time since the start, the time left the remaining contracts at
 * that rate. */
#define PROGRESS_EVERY 5.0
typedef struct {
  MPI_Comm    comm;
  PetscMPIInt rank;
  MPI_Request req;
  int         active;
  int64_t     send[4], recv[4]; /* done, total, ranks finished, ranks interrupted (checkpoint: the flag rides on the rounds) */
  double      t0, last;
  int       (*requested)(int64_t); /* this rank's interruption flag (NULL: not interruptible) */
  int         sent_flag;        /* this rank has reported its flag in a round */
  int         stop;             /* a completed round reported an interruption: stop at the next portfolio boundary */
  int         signo;
} Progress;

static PetscErrorCode progress_report(Progress *g)
{
  PetscFunctionBeginUser;
  double now = MPI_Wtime(), el = now - g->t0;
  if (g->rank == 0 && g->recv[2] < (int64_t)0x7fffffff && g->recv[1] > 0 && g->recv[0] < g->recv[1] && el > 0) {
    double rate = (double)g->recv[0] / el;
    PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "project: %5.1f %% of %" PRId64 " contracts (all ranks), %.0f contracts/s, about %.0f s left\n", 100.0 * (double)g->recv[0] / (double)g->recv[1],
                           g->recv[1], rate, rate > 0 ? (double)(g->recv[1] - g->recv[0]) / rate : 0.0));
  }
  PetscFunctionReturn(0);
}

/* Not collective in effect (non-blocking): called in the loop with this rank's counts. */
static PetscErrorCode progress_poll(Progress *g, int64_t done, int64_t total)
{
  int flag = 0;
  PetscFunctionBeginUser;
  if (g->active) {
    PetscCallMPI(MPI_Test(&g->req, &flag, MPI_STATUS_IGNORE));
    if (!flag) PetscFunctionReturn(0);
    g->active = 0;
    if (g->recv[3] > 0) g->stop = 1;
    PetscCall(progress_report(g));
  }
  double now = MPI_Wtime();
  int    sig = g->requested ? g->requested(done) : 0;
  /* a signal starts a round at once (the others join at their next poll): no wait for the interval */
  if (now - g->last < PROGRESS_EVERY && !(sig && !g->sent_flag)) PetscFunctionReturn(0);
  if (sig && !g->sent_flag) {
    g->sent_flag = 1;
    g->signo     = sig;
    PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "project: rank %d: signal %d: finishing the portfolio at hand, then a checkpoint\n", (int)g->rank, sig));
  }
  g->last    = now;
  g->send[0] = done;
  g->send[1] = total;
  g->send[2] = 0;
  g->send[3] = sig ? 1 : 0;
  PetscCallMPI(MPI_Iallreduce(g->send, g->recv, 4, MPI_INT64_T, MPI_SUM, g->comm, &g->req));
  g->active = 1;
  PetscFunctionReturn(0);
}

/* Collective: this rank is done; take part in rounds until every rank is. */
static PetscErrorCode progress_finish(Progress *g, int64_t done, int64_t total)
{
  PetscMPIInt size;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(g->comm, &size));
  if (g->active) {
    PetscCallMPI(MPI_Wait(&g->req, MPI_STATUS_IGNORE));
    g->active = 0;
    if (g->recv[2] == size) PetscFunctionReturn(0);
    PetscCall(progress_report(g));
  }
  for (;;) {
    g->send[0] = done;
    g->send[1] = total;
    g->send[2] = 1;
    g->send[3] = 0;
    PetscCallMPI(MPI_Iallreduce(g->send, g->recv, 4, MPI_INT64_T, MPI_SUM, g->comm, &g->req));
    PetscCallMPI(MPI_Wait(&g->req, MPI_STATUS_IGNORE));
    if (g->recv[2] == size) break;
    PetscCall(progress_report(g));
  }
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
  Progress       g;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscInt total = 0, done = 0;
  for (PetscInt q = 0; q < nsrc; q++) total += src[q].count(src[q].ctx);
  double t0 = MPI_Wtime();
  PetscCall(PetscMemzero(&g, sizeof g));
  g.comm = comm;
  g.rank = rank;
  g.t0 = g.last = t0;
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
        fail = ierr == BALLAST_ERR_INPUT ? BALLAST_ERR_INPUT : ierr == BALLAST_ERR_USAGE ? BALLAST_ERR_USAGE : BALLAST_ERR_NUMERIC;
        break;
      }
      if ((done & 63) == 0) PetscCall(progress_poll(&g, (int64_t)done + 1, (int64_t)total));
    }
  }
  p->seconds = MPI_Wtime() - t0; /* before the first collective: this rank's own work */
  PetscCall(progress_finish(&g, (int64_t)done, (int64_t)total));
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
