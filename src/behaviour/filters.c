/* Behavioural filters of the event stream (metrics.md "Behavioural models"): prepayment and
 * term-deposit early redemption ("prepayment", "early_redemption") and deposit slotting along the
 * replicating tranches ("deposit_slotting"). The driver (src/projection) chooses them per
 * contract; they write to the next stage and never allocate. */
#include <ballast/projection.h>
#include <math.h>

void BallastPrepayFilterSetup(BallastPrepayFilter *f, const BallastProjContract *pc, BallastDate as_of, BallastDate horizon, const BallastDFTable *df, double scalar,
                              BallastEventTarget next)
{
  const BallastTerms *t = &pc->t;
  *f = (BallastPrepayFilter){0};
  f->next          = next;
  f->S             = 1.0;
  f->dcc           = t->dayCountConvention < BALLAST_DCC_COUNT ? t->dayCountConvention : BALLAST_DCC_A365;
  f->currency      = t->currency;
  f->as_of         = as_of;
  f->checkpoint    = BallastDateAddMonths(as_of, 1);
  f->end           = t->maturityDate != BALLAST_DATE_NONE ? t->maturityDate : horizon;
  f->last_date     = as_of;
  f->last_notional = pc->sign * (isnan(t->notionalPrincipal) ? 0.0 : t->notionalPrincipal);
  f->last_rate     = isnan(t->nominalInterestRate) ? 0.0 : t->nominalInterestRate;
  f->last_accrued  = pc->a0;
  if (t->initialExchangeDate != BALLAST_DATE_NONE && t->initialExchangeDate > as_of) {
    /* a forward start (new business, a forward-starting action): nothing to prepay before the
     * initial exchange, the first monthly checkpoint strictly after it */
    f->last_notional = 0.0;
    while (f->checkpoint <= t->initialExchangeDate) f->checkpoint = BallastDateAddMonths(f->checkpoint, 1);
  }
  if (pc->behavioural == BALLAST_FILTER_PREPAYMENT) {
    /* incentive: contract rate minus the market rate for the remaining term under this variant
     * (continuously compounded zero rate of the discount curve at the maturity) */
    double Tm  = (double)(f->end - as_of) / 365.0;
    double mkt = Tm > 0 ? -log(BallastDFTableGet(df, pc->kdisc, f->end)) / Tm : 0.0;
    /* the regime's scenario scalar (BCBS 368 §4.2, 0.8 / 1.2) stands in for a rate that does not
     * move with the scenario: an S-curve already reads the scenario's curve, so a scalar on top
     * would count the scenario twice (issue 10 item 2) */
    double sc  = pc->seg->type == BALLAST_PREPAY_CONSTANT ? scalar : 1.0;
    f->annual  = BallastPrepaymentCPR(pc->seg, f->last_rate - mkt, sc);
  } else f->annual = BallastEarlyRedemptionRate(pc->seg, scalar); /* a constant rate: scaled */
  f->f = BallastPeriodFraction(f->annual, 1.0 / 12.0);
}

void BallastPrepayCheckpoints(BallastDate as_of, PetscInt n, BallastDate cp[])
{
  for (PetscInt m = 0; m < n; m++) cp[m] = BallastDateAddMonths(m ? cp[m - 1] : as_of, 1);
}

void BallastPrepayFilterUseCheckpoints(BallastPrepayFilter *f, const BallastDate *cp, PetscInt ncp)
{
  if (!cp || ncp <= 0 || cp[0] != f->checkpoint) return;
  f->cp  = cp;
  f->ncp = ncp;
  f->icp = 0;
}

void BallastPrepayCheckpointsYMD(const BallastDate cp[], PetscInt n, int ymd[])
{
  for (PetscInt m = 0; m < n; m++) BallastDateToYMD(cp[m], &ymd[3 * m], &ymd[3 * m + 1], &ymd[3 * m + 2]);
}

void BallastPrepayFilterUseCheckpointsYMD(BallastPrepayFilter *f, const BallastDate *cp, const int *ymd, PetscInt ncp)
{
  BallastPrepayFilterUseCheckpoints(f, cp, ncp);
  if (f->cp) {
    f->cp_ymd = ymd;
    f->ymd_of = BALLAST_DATE_NONE;
  }
}

/* The year fraction of the accrual from the last event to checkpoint c, as
 * BallastYearFraction(dcc, last_date, c, BALLAST_DATE_NONE): for the 30E360 family with the
 * checkpoint's year/month/day from the table and the last event's converted once per event. */
static inline double checkpoint_yf(BallastPrepayFilter *o, BallastDate c)
{
  if (o->cp && o->cp_ymd && (o->dcc == BALLAST_DCC_30E360 || o->dcc == BALLAST_DCC_30E360ISDA || o->dcc == BALLAST_DCC_28E336)) {
    if (c <= o->last_date) return 0.0;
    if (o->ymd_of != o->last_date) {
      BallastDateToYMD(o->last_date, &o->ly, &o->lm, &o->ld);
      o->ymd_of = o->last_date;
    }
    const int *q = o->cp_ymd + 3 * o->icp;
    return BallastYearFraction30(o->dcc, o->ly, o->lm, o->ld, q[0], q[1], q[2], 0);
  }
  return BallastYearFraction(o->dcc, o->last_date, c, BALLAST_DATE_NONE);
}

/* The checkpoint after o->checkpoint. */
static inline BallastDate next_checkpoint(BallastPrepayFilter *o)
{
  if (o->cp && o->icp + 1 < o->ncp) return o->cp[++o->icp];
  o->cp = NULL;
  return BallastDateAddMonths(o->checkpoint, 1);
}

static void flush(BallastPrepayFilter *o, BallastDate upto)
{
  /* checkpoints strictly before `upto` and before the end of the contract */
  double f = o->f;
  while (o->checkpoint < upto && o->checkpoint < o->end) {
    BallastDate c = o->checkpoint;
    if (f > 0 && o->last_notional != 0.0) {
      double       accrued = o->last_accrued + o->last_notional * o->last_rate * checkpoint_yf(o, c);
      BallastEvent pp      = {0};
      pp.date              = c;
      pp.type              = BALLAST_EV_PP;
      pp.payoff            = f * o->S * (o->last_notional + accrued);
      o->S *= 1.0 - f;
      pp.notional = o->S * o->last_notional;
      pp.rate     = o->last_rate;
      pp.accrued  = o->S * accrued;
      pp.currency = o->currency;
      pp.day      = (int32_t)(c - o->as_of);
      o->next.event(o->next.ctx, &pp);
    }
    o->checkpoint = next_checkpoint(o);
  }
}

void BallastPrepayFilterEvent(void *ctx, const BallastEvent *ev)
{
  BallastPrepayFilter *o = (BallastPrepayFilter *)ctx;
  flush(o, ev->date);
  BallastEvent e = *ev;
  e.payoff *= o->S;
  e.notional *= o->S;
  e.accrued *= o->S;
  e.day = (int32_t)(ev->date - o->as_of);
  o->last_date     = ev->date;
  o->last_notional = ev->notional;
  o->last_rate     = ev->rate;
  o->last_accrued  = ev->accrued;
  o->next.event(o->next.ctx, &e);
}

void BallastPrepayFilterValue(BallastPrepayFilter *o, const BallastEvent *ev, PetscInt n, BallastValuer *val)
{
  /* BallastPrepayFilterEvent (flush, then the scaled event) into the driver's valuation, without
   * the events: the same operations in the same order */
  double f = o->f;
  for (PetscInt i = 0; i < n; i++) {
    BallastDate date = ev[i].date;
    while (o->checkpoint < date && o->checkpoint < o->end) {
      BallastDate c = o->checkpoint;
      if (f > 0 && o->last_notional != 0.0) {
        double accrued = o->last_accrued + o->last_notional * o->last_rate * checkpoint_yf(o, c);
        double payoff  = f * o->S * (o->last_notional + accrued);
        o->S *= 1.0 - f;
        BallastValuerAdd(val, o->currency, c, payoff);
      }
      o->checkpoint = next_checkpoint(o);
    }
    double payoff = ev[i].payoff;
    payoff *= o->S;
    BallastValuerAdd(val, ev[i].currency, date, payoff);
    o->last_date     = date;
    o->last_notional = ev[i].notional;
    o->last_rate     = ev[i].rate;
    o->last_accrued  = ev[i].accrued;
  }
}

PetscErrorCode BallastPrepayPlanBuild(BallastPrepayPlan *pl, const BallastPrepayFilter *f, const BallastEvent *ev, PetscInt n)
{
  BallastPrepayFilter o = *f; /* the walk moves the checkpoint */
  PetscFunctionBeginUser;
  if (n > pl->evcap) {
    PetscCall(PetscFree(pl->before));
    PetscCall(PetscMalloc1(n, &pl->before));
    pl->evcap = n;
  }
  pl->n   = 0;
  pl->nev = n;
  for (PetscInt i = 0; i < n; i++) {
    BallastDate date = ev[i].date;
    /* flush without the survival: the checkpoints strictly before the event and the end */
    while (o.checkpoint < date && o.checkpoint < o.end) {
      BallastDate c = o.checkpoint;
      if (o.last_notional != 0.0) {
        if (pl->n == pl->cap) {
          PetscInt     cap = pl->cap ? 2 * pl->cap : 512;
          BallastDate *d;
          double      *N, *r, *a, *b;
          PetscCall(PetscMalloc5(cap, &d, cap, &N, cap, &r, cap, &a, cap, &b));
          if (pl->n) {
            PetscCall(PetscArraycpy(d, pl->date, pl->n));
            PetscCall(PetscArraycpy(N, pl->notional, pl->n));
            PetscCall(PetscArraycpy(r, pl->rate, pl->n));
            PetscCall(PetscArraycpy(a, pl->accrued, pl->n));
            PetscCall(PetscArraycpy(b, pl->base, pl->n));
          }
          PetscCall(PetscFree5(pl->date, pl->notional, pl->rate, pl->accrued, pl->base));
          pl->date = d, pl->notional = N, pl->rate = r, pl->accrued = a, pl->base = b;
          pl->cap = cap;
        }
        double accrued      = o.last_accrued + o.last_notional * o.last_rate * checkpoint_yf(&o, c);
        pl->date[pl->n]     = c;
        pl->notional[pl->n] = o.last_notional;
        pl->rate[pl->n]     = o.last_rate;
        pl->accrued[pl->n]  = accrued;
        pl->base[pl->n]     = o.last_notional + accrued;
        pl->n++;
      }
      o.checkpoint = next_checkpoint(&o);
    }
    pl->before[i]   = pl->n;
    o.last_date     = date;
    o.last_notional = ev[i].notional;
    o.last_rate     = ev[i].rate;
    o.last_accrued  = ev[i].accrued;
  }
  PetscFunctionReturn(0);
}

void BallastPrepayPlanEvents(const BallastPrepayPlan *pl, const BallastPrepayFilter *o, const BallastEvent *ev, PetscInt n)
{
  /* flush and BallastPrepayFilterEvent, operation for operation */
  double   f = o->f, S = 1.0;
  int      active = f > 0;
  PetscInt j = 0;
  for (PetscInt i = 0; i < n; i++) {
    if (active)
      for (; j < pl->before[i]; j++) {
        BallastEvent pp = {0};
        pp.date         = pl->date[j];
        pp.type         = BALLAST_EV_PP;
        pp.payoff       = f * S * pl->base[j];
        S *= 1.0 - f;
        pp.notional = S * pl->notional[j];
        pp.rate     = pl->rate[j];
        pp.accrued  = S * pl->accrued[j];
        pp.currency = o->currency;
        pp.day      = (int32_t)(pl->date[j] - o->as_of);
        o->next.event(o->next.ctx, &pp);
      }
    BallastEvent e = ev[i];
    e.payoff *= S;
    e.notional *= S;
    e.accrued *= S;
    e.day = (int32_t)(ev[i].date - o->as_of);
    o->next.event(o->next.ctx, &e);
  }
}

void BallastPrepayPlanValue(const BallastPrepayPlan *pl, const BallastPrepayFilter *o, const BallastEvent *ev, PetscInt n, BallastValuer *val)
{
  double   f = o->f, S = 1.0;
  int      active = f > 0;
  PetscInt j = 0;
  for (PetscInt i = 0; i < n; i++) {
    if (active)
      for (; j < pl->before[i]; j++) {
        double payoff = f * S * pl->base[j];
        S *= 1.0 - f;
        BallastValuerAdd(val, o->currency, pl->date[j], payoff);
      }
    double payoff = ev[i].payoff;
    payoff *= S;
    BallastValuerAdd(val, ev[i].currency, ev[i].date, payoff);
  }
}

PetscErrorCode BallastPrepayPlanDestroy(BallastPrepayPlan *pl)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree5(pl->date, pl->notional, pl->rate, pl->accrued, pl->base));
  PetscCall(PetscFree(pl->before));
  PetscCall(PetscMemzero(pl, sizeof *pl));
  PetscFunctionReturn(0);
}

void BallastDepositSlottingValue(const BallastProjContract *pc, const double *amount, const BallastDate *date, const double *yf, PetscInt nslot, double rate, BallastValuer *val)
{
  /* BallastDepositSlottingYF into the driver's valuation, without the events */
  int32_t ccy = pc->t.currency;
  for (PetscInt j = 0; j < nslot; j++) {
    BallastValuerAdd(val, ccy, date[j], amount[j] * rate * yf[j] + (j == 0 ? pc->a0 : 0.0));
    BallastValuerAdd(val, ccy, date[j], amount[j]);
  }
}

void BallastDepositSlottingSums(const BallastBehSegment *s, int core, const BallastDate *date, const double *yf, const BallastDFTable *df, PetscInt kdisc, double sums[4])
{
  double T1 = 0, T2 = 0;
  sums[0] = BallastDFTableGet(df, kdisc, date[0]);
  sums[1] = yf[0];
  if (core) {
    PetscInt k = 1;
    for (PetscInt j = 0; j < s->ntenor; j++) {
      int    m  = s->tenor_months[j];
      double s1 = 0, s2 = 0;
      for (int u = 1; u <= m; u++, k++) {
        double d = BallastDFTableGet(df, kdisc, date[k]);
        s1 += d;
        s2 += yf[k] * d;
      }
      T1 += s->weight[j] / m * s1;
      T2 += s->weight[j] / m * s2;
    }
  }
  sums[2] = T1;
  sums[3] = T2;
}

double BallastDepositSlottingValueSums(const BallastProjContract *pc, int core, double balance, double amount0, double rate, const double sums[4])
{
  /* slot 0: interest since the as-of date (with the accrued interest) and the amount; the core
   * slices cr w_j / m_j at the tranches' dates: cr (sum DF + rate sum yf DF), balance as slotted
   * (BallastDepositSlotAmounts) */
  double cr = core ? pc->seg->core_share * balance : 0.0;
  double pv      = (amount0 * rate * sums[1] + pc->a0) * sums[0] + amount0 * sums[0];
  return core ? pv + cr * (sums[2] + rate * sums[3]) : pv;
}

double BallastDepositSlottingRate(const BallastProjContract *pc, BallastDate as_of, const BallastDFTable *df_base, const BallastDFTable *df)
{
  /* short rate: the one-month forward at the as-of date, base and this variant */
  BallastDate m1     = BallastDateAddMonths(as_of, 1);
  double      short0 = BallastDFTableForward(df_base, pc->kdisc, as_of, m1), shorts = BallastDFTableForward(df, pc->kdisc, as_of, m1);
  return BallastDepositRate(pc->seg, isnan(pc->t.nominalInterestRate) ? 0.0 : pc->t.nominalInterestRate, short0, shorts);
}

void BallastDepositSlottingYF(const BallastProjContract *pc, BallastDate as_of, const double *amount, const BallastDate *date, const double *yf, PetscInt nslot, double rate,
                              BallastEventTarget out)
{
  const BallastTerms *t = &pc->t;
  /* outstanding balance after each event, as the stream's notional */
  double L = pc->sign * (isnan(t->notionalPrincipal) ? 0.0 : t->notionalPrincipal);
  for (PetscInt j = 0; j < nslot; j++) {
    BallastEvent ev = {0};
    ev.date         = date[j];
    ev.day          = (int32_t)(date[j] - as_of);
    ev.type         = BALLAST_EV_IP;
    ev.payoff       = amount[j] * rate * yf[j] + (j == 0 ? pc->a0 : 0.0);
    ev.rate         = rate;
    ev.currency     = t->currency;
    ev.notional     = L;
    out.event(out.ctx, &ev);
    ev.type     = BALLAST_EV_MD;
    ev.payoff   = amount[j];
    ev.notional = L - amount[j];
    out.event(out.ctx, &ev);
    L = ev.notional;
  }
}

int BallastDepositCoreEligible(const BallastAlm *a)
{
  /* 2024/857 Art 8: core deposits are identified within retail and non-financial wholesale
   * deposits; deposits of financial customers (and of central banks, multilateral development
   * banks and unknown counterparties, docs/behaviour.md) are non-core */
  if (!a) return 1;
  switch (a->counterpartyType) {
  case BALLAST_CP_RETAIL:
  case BALLAST_CP_SME:
  case BALLAST_CP_CORPORATE:
  case BALLAST_CP_SOVEREIGN:
  case BALLAST_CP_PSE: return 1;
  default: return 0;
  }
}

PetscErrorCode BallastDepositSlotContract(const BallastProjContract *pc, BallastDate as_of, double amount[], BallastDate date[], PetscInt *nslot)
{
  double balance = pc->sign * pc->t.notionalPrincipal;
  PetscFunctionBeginUser;
  if (!BallastDepositCoreEligible(pc->alm)) {
    /* non-core as a whole: one overnight slot */
    amount[0] = balance;
    date[0]   = as_of + 1;
    *nslot    = 1;
    PetscFunctionReturn(0);
  }
  PetscCall(BallastDepositSlot(pc->seg, as_of, balance, amount, date, NULL));
  *nslot = BallastDepositSlotCount(pc->seg);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastDepositSlotAmounts(const BallastProjContract *pc, int core, double amount[], PetscInt *nslot)
{
  double                   balance = pc->sign * pc->t.notionalPrincipal;
  const BallastBehSegment *s       = pc->seg;
  PetscFunctionBeginUser;
  if (!core) {
    amount[0] = balance;
    *nslot    = 1;
    PetscFunctionReturn(0);
  }
  PetscCheck(s->model == BALLAST_BEH_DEPOSIT, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "segment '%s' is not a deposit segment", s->name);
  /* the arithmetic of BallastDepositSlot (src/behaviour/project.c), operation for operation */
  double   cr = s->core_share * balance, placed = 0;
  PetscInt k  = 1;
  for (PetscInt j = 0; j < s->ntenor; j++) {
    int    m     = s->tenor_months[j];
    double slice = cr * s->weight[j] / m;
    for (int u = 1; u <= m; u++, k++) {
      amount[k] = slice;
      placed += slice;
    }
  }
  amount[0] = balance - placed;
  *nslot    = BallastDepositSlotCount(s);
  PetscFunctionReturn(0);
}
