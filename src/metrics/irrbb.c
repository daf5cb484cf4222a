/* IRRBB consumers of the event stream: EVE, standardised EVE, NII, repricing gap, sensitivities.
 * See include/ballast/irrbb.h for the conventions and ../shared/spec/metrics.md for the
 * definitions. */
#include <ballast/irrbb.h>
#include <math.h>
#include <string.h>

PetscInt BallastIRRBBBucket(const BallastIRRBBSetup *s, double t)
{
  /* few buckets: a linear scan is cheaper than a search and branch-predictable */
  for (PetscInt k = 0; k < s->nbucket - 1; k++)
    if (t <= s->bucket_hi[k]) return k;
  return s->nbucket - 1;
}

/* End dates of reset periods, memoised: the same reset dates recur under every variant of a
 * contract, and the calendar arithmetic would otherwise dominate the reset's cost. */
#define ENDCACHE 256
typedef struct {
  BallastDate  d[ENDCACHE], e[ENDCACHE];
  BallastCycle c[ENDCACHE];
} EndCache;

PetscErrorCode BallastIRRBBCreate(const BallastIRRBBSetup *s, PetscInt pv_ncontracts, BallastIRRBB *acc)
{
  PetscInt np = s->nport, nc = s->nccy;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(acc, sizeof(*acc)));
  acc->s = *s;
  PetscCall(PetscCalloc1(s->nvar * np * nc + 1, &acc->eve));
  PetscCall(PetscCalloc1(s->nscen * np * nc * s->nbucket + 1, &acc->evecf));
  PetscCall(PetscCalloc1(s->nscen * np * nc + 1, &acc->nii));
  PetscCall(PetscCalloc1(np * nc * s->nbucket + 1, &acc->gap));
  if (pv_ncontracts > 0) PetscCall(PetscCalloc1(s->nscen * pv_ncontracts, &acc->pv));
  PetscCall(BallastScheduleCreate(&acc->ws));
  {
    EndCache *ec;
    PetscCall(PetscNew(&ec));
    acc->endcache = ec;
  }
  for (int i = 0; i < ENDCACHE; i++) ((EndCache *)acc->endcache)->d[i] = BALLAST_DATE_NONE;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastIRRBBDestroy(BallastIRRBB *acc)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(acc->eve));
  PetscCall(PetscFree(acc->evecf));
  PetscCall(PetscFree(acc->nii));
  PetscCall(PetscFree(acc->gap));
  PetscCall(PetscFree(acc->pv));
  PetscCall(BallastScheduleDestroy(&acc->ws));
  PetscCall(PetscFree(acc->endcache));
  PetscCall(PetscFree2(acc->slot_amount, acc->slot_date));
  PetscFunctionReturn(0);
}

/* The run's market for resets: the scenario's simply compounded forward over the reset period on
 * the named curve (../shared/spec/contracts.md). moc is the curve index (the loader mapped it). */

typedef struct {
  const BallastDFTable *df;
  EndCache             *cache;
} Observer;

/* Units of `to` per unit of `from`: spot FX of the market data (an instantaneous scenario does not
 * move FX). */
static PetscErrorCode observe_fx(void *ctx, int32_t from, int32_t to, BallastDate d, double *value)
{
  const Observer *o = (const Observer *)ctx;
  const double   *fx = o->df->market->fx;
  (void)d;
  PetscFunctionBeginUser;
  PetscCheck(from >= 0 && to >= 0 && from < o->df->market->nfx && to < o->df->market->nfx, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "FX rate for an unknown currency");
  *value = fx[from] / fx[to];
  PetscFunctionReturn(0);
}

static PetscErrorCode observe_forward(void *ctx, int32_t moc, BallastDate d, BallastCycle period, double *value)
{
  const Observer       *o  = (const Observer *)ctx;
  const BallastDFTable *df = o->df;
  BallastDate           e;
  PetscFunctionBeginUser;
  PetscCheck(moc >= 0 && moc < df->ncurves, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "rate reset on an unknown curve (index %d)", (int)moc);
  if (period.n <= 0) e = d + 1;
  else {
    unsigned h = (unsigned)d & (ENDCACHE - 1);
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

typedef struct {
  const BallastIRRBBSetup *s;
  const BallastDFTable    *df, *df_base;
  const double            *fx;  /* market FX (units of reporting currency per unit) */
  int32_t                  ccy; /* the contract's currency id */
  PetscInt                 kdisc;
  BallastDate              as_of, H;
  /* EVE */
  double  eve;
  double *cf; /* bucket cash flows, NULL for sensitivity variants */
  /* NII */
  int             nii_on, ad_seen;
  int             md_split; /* MD payoff = notional + accrued interest (not swaps, not FX) */
  double          nii, accrued_H, last_notional;
  PetscInt        repl_curve;
  BallastCycle    repl_cycle; /* n > 0: roll by cycle; else by repl_days */
  int             repl_days;
  double          margin;
  BallastDayCount dcc;
  /* repricing gap (base only) */
  double *gap;
  int     floating, reset_seen;
  /* fan-out of the base scenario's events */
  BallastEventSink extra;
  void            *extra_ctx;
  int64_t          nevents;
} Sink;

static inline BallastDate roll(const Sink *k, BallastDate d) { return k->repl_cycle.n > 0 ? BallastCycleAdd(d, k->repl_cycle, 1) : d + k->repl_days; }

/* Constant balance sheet: principal A repaid on d is replaced by the same kind of contract at the
 * scenario's forward plus the contract's margin, rolled until the horizon (metrics.md NII). */
static void replace(Sink *k, double A, BallastDate d)
{
  for (BallastDate D = d; D < k->H;) {
    BallastDate E   = roll(k, D);
    BallastDate end = E < k->H ? E : k->H;
    double      F   = BallastDFTableForward(k->df, k->repl_curve, D, E);
    k->nii += A * (F + k->margin) * BallastYearFraction(k->dcc, D, end, BALLAST_DATE_NONE);
    if (E <= D) break;
    D = E;
  }
}

static void sink_event(void *ctx, const BallastEvent *ev)
{
  Sink       *k = (Sink *)ctx;
  BallastDate d = ev->date;
  k->nevents++;
  if (k->extra) k->extra(k->extra_ctx, ev);
  if (d <= k->as_of) {
    k->last_notional = ev->notional; /* keep the state in step (statusDate before the as-of date) */
    return;
  }
  PetscInt days = d - k->as_of;
  if (ev->payoff != 0.0) {
    if (ev->currency == k->ccy || ev->currency < 0) k->eve += ev->payoff * BallastDFTableGet(k->df, k->kdisc, d);
    else {
      /* a leg in another currency (FXOUT): discounted on that currency's curve, converted at spot */
      PetscInt kd = k->s->disc_curve[ev->currency];
      double   fx = k->fx[ev->currency] / k->fx[k->ccy];
      k->eve += ev->payoff * fx * BallastDFTableGet(k->df, kd >= 0 ? kd : k->kdisc, d);
    }
    if (k->cf) k->cf[BallastIRRBBBucketDay(k->s, days)] += ev->payoff;
  }
  int principal = ev->type == BALLAST_EV_PR || ev->type == BALLAST_EV_MD || ev->type == BALLAST_EV_PP;
  /* ACTUS MD pays the notional plus the interest accrued since the last IP (a PAM without an
   * interest cycle pays all its interest there): only the notional repaid is principal */
  double prin = (ev->type == BALLAST_EV_MD && k->md_split) ? k->last_notional - ev->notional : ev->payoff;
  /* interest paid ON the horizon end accrued inside the horizon: it counts (the AD event at the
   * horizon end comes after it on that date and then holds 0) */
  if (k->nii_on && d <= k->H) {
    if (ev->type == BALLAST_EV_IP || ev->type == BALLAST_EV_IPFX || ev->type == BALLAST_EV_IPFL) k->nii += ev->payoff;
    else if (ev->type == BALLAST_EV_IPCI) k->nii += ev->notional - k->last_notional;
    else if (principal) {
      k->nii += ev->payoff - prin; /* interest paid with the principal */
      if (prin != 0.0 && d < k->H) replace(k, prin, d);
    } else if (d == k->H && ev->type == BALLAST_EV_AD) {
      k->accrued_H = ev->accrued;
      k->ad_seen   = 1;
    }
  }
  if (k->gap && !k->reset_seen) {
    if (k->floating && (ev->type == BALLAST_EV_RR || ev->type == BALLAST_EV_RRF)) {
      k->gap[BallastIRRBBBucketDay(k->s, days)] += ev->notional; /* outstanding reprices at the reset */
      k->reset_seen = 1;
    } else if (principal) k->gap[BallastIRRBBBucketDay(k->s, days)] += prin;
  }
  k->last_notional = ev->notional;
}

static double role_sign(int role)
{
  return (role == BALLAST_ROLE_RPL || role == BALLAST_ROLE_PFL || role == BALLAST_ROLE_PF || role == BALLAST_ROLE_SEL) ? -1.0 : 1.0;
}

/* Contracts without a contractual repayment date (metrics.md EVE): a UMP balance is repayable
 * overnight, a CLM at the end of its notice period. They are projected as a synthetic interest
 * payment and repayment on that date, through the same consumers. */
static void synthetic_call(Sink *k, const BallastTerms *t, BallastDate due)
{
  double      sgn = role_sign(t->contractRole), N = sgn * t->notionalPrincipal;
  double      r   = isnan(t->nominalInterestRate) ? 0.0 : t->nominalInterestRate;
  double      a0  = isnan(t->accruedInterest) ? 0.0 : sgn * t->accruedInterest;
  BallastEvent ev = {0};
  ev.date         = due;
  ev.type         = BALLAST_EV_IP;
  ev.payoff       = a0 + N * r * BallastYearFraction(t->dayCountConvention, k->as_of, due, BALLAST_DATE_NONE);
  ev.notional     = N;
  ev.rate         = r;
  ev.currency     = t->currency;
  k->last_notional = N;
  sink_event(k, &ev);
  ev.type     = BALLAST_EV_MD;
  ev.payoff   = N;
  ev.notional = 0;
  sink_event(k, &ev);
}

/* Behavioural overlay of prepayment and term-deposit early redemption (metrics.md "Behavioural
 * models"): between the contractual events, at monthly checkpoints from the as-of date, a
 * fraction f = 1 - (1 - annual)^(1/12) of the outstanding principal leaves as an ACTUS PP event
 * (with the interest accrued on it); the notional is reduced and the maturity kept, so every later
 * contractual flow (annuities recomputed, linear amortisation, interest) scales by the surviving
 * share S. The contractual events arrive in date order; the filter passes them on scaled. */
typedef struct {
  Sink           *next;
  double          annual, S;
  BallastDate     checkpoint, end;
  BallastDate     last_date;
  double          last_notional, last_rate, last_accrued; /* contractual state after the last event */
  BallastDayCount dcc;
  int32_t         currency;
} Overlay;

static void overlay_flush(Overlay *o, BallastDate upto)
{
  /* checkpoints strictly before `upto` and before the end of the contract */
  while (o->checkpoint < upto && o->checkpoint < o->end) {
    BallastDate c = o->checkpoint;
    double      f = BallastPeriodFraction(o->annual, 1.0 / 12.0);
    if (f > 0 && o->last_notional != 0.0) {
      double       accrued = o->last_accrued + o->last_notional * o->last_rate * BallastYearFraction(o->dcc, o->last_date, c, BALLAST_DATE_NONE);
      BallastEvent pp      = {0};
      pp.date              = c;
      pp.type              = BALLAST_EV_PP;
      pp.payoff            = f * o->S * (o->last_notional + accrued);
      o->S *= 1.0 - f;
      pp.notional = o->S * o->last_notional;
      pp.rate     = o->last_rate;
      pp.accrued  = o->S * accrued;
      pp.currency = o->currency;
      sink_event(o->next, &pp);
    }
    o->checkpoint = BallastDateAddMonths(o->checkpoint, 1);
  }
}

static void overlay_event(void *ctx, const BallastEvent *ev)
{
  Overlay *o = (Overlay *)ctx;
  overlay_flush(o, ev->date);
  BallastEvent e = *ev;
  e.payoff *= o->S;
  e.notional *= o->S;
  e.accrued *= o->S;
  o->last_date     = ev->date;
  o->last_notional = ev->notional;
  o->last_rate     = ev->rate;
  o->last_accrued  = ev->accrued;
  sink_event(o->next, &e);
}

/* Deposits of a replicating-portfolio segment: the balance is slotted (non-core overnight, core
 * along the rolling tranches); each slot repays on its date with the deposit rate's interest since
 * the as-of date. The deposit rate follows the short rate with the segment's pass-through. NII on
 * a constant balance sheet: the balance stays, paying the scenario's deposit rate. */
static PetscErrorCode deposit_overlay(Sink *k, const BallastBehSegment *seg, const BallastTerms *t, const double *amount, const BallastDate *date, PetscInt nslot,
                                      double rate_s, double a0)
{
  PetscFunctionBeginUser;
  double N = role_sign(t->contractRole) * t->notionalPrincipal;
  (void)seg;
  int    nii_on = k->nii_on;
  k->nii_on     = 0; /* NII of the deposit is computed below, not by replacement */
  for (PetscInt j = 0; j < nslot; j++) {
    BallastEvent ev = {0};
    ev.date         = date[j];
    ev.type         = BALLAST_EV_IP;
    ev.payoff       = amount[j] * rate_s * BallastYearFraction(t->dayCountConvention, k->as_of, date[j], BALLAST_DATE_NONE) + (j == 0 ? a0 : 0.0);
    ev.rate         = rate_s;
    ev.currency     = t->currency;
    ev.notional     = k->last_notional;
    sink_event(k, &ev);
    ev.type     = BALLAST_EV_MD;
    ev.payoff   = amount[j];
    ev.notional = k->last_notional - amount[j];
    sink_event(k, &ev);
  }
  k->nii_on = nii_on;
  if (nii_on) k->nii += N * rate_s * BallastYearFraction(t->dayCountConvention, k->as_of, k->H, BALLAST_DATE_NONE) + a0;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastIRRBBAddContract(BallastIRRBB *acc, BallastContracts cs, PetscInt i)
{
  const BallastIRRBBSetup *s = &acc->s;
  BallastTerms             t;
  BallastObservedEvent     ad;
  BallastScheduleOptions   opt = {0};
  PetscInt                 p = cs->alm[i].portfolio, c = cs->currency[i], np = s->nport, nc = s->nccy;
  PetscFunctionBeginUser;
  acc->last_pv_base = 0.0;
  BallastContractsGetTerms(cs, i, &t);
  int ct = (int)t.contractType;
  if (ct == BALLAST_CT_STK) PetscFunctionReturn(0); /* equity: no interest-rate cash flows in IRRBB */
  PetscInt kdisc = s->disc_curve[c];
  PetscCheck(kdisc >= 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "no discount curve configured for currency of contract %s", BallastContractsID(cs, i));
  int       callable = (ct == BALLAST_CT_UMP) || (ct == BALLAST_CT_CLM && t.maturityDate == BALLAST_DATE_NONE);
  BallastDate due    = BALLAST_DATE_NONE;
  if (ct == BALLAST_CT_UMP) due = s->as_of + 1;
  else if (callable) due = t.xDayNotice.n > 0 ? BallastCycleAdd(s->as_of, t.xDayNotice, 1) : s->as_of + 1;
  if (!callable && ct != BALLAST_CT_CSH) {
    ad.date = s->nii_end;
    ad.type = BALLAST_EV_AD;
    PetscCall(BallastScheduleBuildEx(acc->ws, &t, s->horizon, &opt, 1, &ad));
  }
  /* replacement business for NII (scenario-invariant parts) */
  Sink base;
  PetscCall(PetscMemzero(&base, sizeof base));
  base.s        = s;
  base.kdisc    = kdisc;
  base.ccy      = (int32_t)c;
  base.fx       = s->market[0]->fx;
  base.as_of    = s->as_of;
  base.H        = s->nii_end;
  base.dcc      = t.dayCountConvention < BALLAST_DCC_COUNT ? t.dayCountConvention : BALLAST_DCC_A365;
  base.df_base  = (s->df_base ? s->df_base : &s->df[0]);
  base.floating = t.marketObjectCodeOfRateReset >= 0;
  base.md_split = ct != BALLAST_CT_SWPPV && ct != BALLAST_CT_FXOUT;
  if (base.floating) {
    base.repl_curve = t.marketObjectCodeOfRateReset;
    base.repl_cycle = t.cycleOfRateReset;
    base.repl_days  = 365;
    base.margin     = isnan(t.rateSpread) ? 0.0 : t.rateSpread;
  } else {
    base.repl_curve = kdisc;
    if (callable) {
      if (ct == BALLAST_CT_CLM && t.xDayNotice.n > 0) base.repl_cycle = t.xDayNotice;
      base.repl_days = (int)(due - s->as_of);
    } else if (t.maturityDate != BALLAST_DATE_NONE && t.initialExchangeDate != BALLAST_DATE_NONE && t.maturityDate > t.initialExchangeDate)
      base.repl_days = (int)(t.maturityDate - t.initialExchangeDate); /* original term */
    else base.repl_days = 365; /* no original term known: one year (documented decision) */
    if (base.repl_days < 1) base.repl_days = 1;
    Sink tmp      = base;
    BallastDate e = roll(&tmp, s->as_of);
    double r      = isnan(t.nominalInterestRate) ? 0.0 : t.nominalInterestRate;
    base.margin   = r - BallastDFTableForward((s->df_base ? s->df_base : &s->df[0]), kdisc, s->as_of, e);
  }
  double a0 = (isnan(t.accruedInterest) || t.initialExchangeDate > s->as_of) ? 0.0 : role_sign(t.contractRole) * t.accruedInterest;
  /* behavioural segment of the contract, if the run applies behaviour */
  const BallastBehSegment *seg = NULL;
  if (s->beh && cs->alm[i].behaviourSegment >= 0 && s->seg_of[cs->alm[i].behaviourSegment] >= 0) seg = &s->beh->seg[s->seg_of[cs->alm[i].behaviourSegment]];
  int deposit = seg && seg->model == BALLAST_BEH_DEPOSIT && ct == BALLAST_CT_UMP;
  int prepay  = seg && !deposit && !callable && ct != BALLAST_CT_CSH && ct != BALLAST_CT_SWPPV && ct != BALLAST_CT_FXOUT &&
               ((seg->model == BALLAST_BEH_PREPAYMENT && t.contractRole == BALLAST_ROLE_RPA) || (seg->model == BALLAST_BEH_EARLY_REDEMPTION && t.contractRole == BALLAST_ROLE_RPL));
  PetscInt nslot = 0;
  if (deposit) {
    nslot = BallastDepositSlotCount(seg);
    if (nslot > acc->slot_cap) {
      PetscCall(PetscFree2(acc->slot_amount, acc->slot_date));
      PetscCall(PetscMalloc2(nslot, &acc->slot_amount, nslot, &acc->slot_date));
      acc->slot_cap = nslot;
    }
    PetscCall(BallastDepositSlot(seg, s->as_of, role_sign(t.contractRole) * t.notionalPrincipal, acc->slot_amount, acc->slot_date, NULL));
  }
  for (PetscInt v = 0; v < s->nvar; v++) {
    Sink k       = base;
    k.df         = &s->df[v];
    k.nii_on     = v < s->nscen && ct != BALLAST_CT_CSH;
    k.cf         = v < s->nscen ? &acc->evecf[((v * np + p) * nc + c) * s->nbucket] : NULL;
    k.gap        = (v == 0 && ct != BALLAST_CT_CSH && ct != BALLAST_CT_SWPPV) ? &acc->gap[(p * nc + c) * s->nbucket] : NULL;
    k.last_notional = role_sign(t.contractRole) * (isnan(t.notionalPrincipal) ? 0.0 : t.notionalPrincipal);
    if (v == 0) {
      k.extra     = s->base_sink;
      k.extra_ctx = s->base_ctx;
    }
    if (ct == BALLAST_CT_CSH) {
      /* cash and reserves: face value at t = 0 */
      k.eve = role_sign(t.contractRole) * t.notionalPrincipal;
      if (k.cf) k.cf[0] += k.eve;
    } else if (deposit) {
      /* liquidity keeps the contractual view of deposits (its stress scenarios run them off) */
      if (k.extra && s->base_sink_contractual_deposits) {
        Sink only  = base;
        only.df    = k.df;
        only.extra = k.extra;
        only.extra_ctx = k.extra_ctx;
        only.nii_on    = 0;
        only.last_notional = k.last_notional;
        synthetic_call(&only, &t, due);
        k.extra = NULL;
      }
      /* short rate: the one-month forward at the as-of date, base and this variant */
      BallastDate m1     = BallastDateAddMonths(s->as_of, 1);
      double      short0 = BallastDFTableForward((s->df_base ? s->df_base : &s->df[0]), kdisc, s->as_of, m1), shorts = BallastDFTableForward(k.df, kdisc, s->as_of, m1);
      double      rate_s = BallastDepositRate(seg, isnan(t.nominalInterestRate) ? 0.0 : t.nominalInterestRate, short0, shorts);
      PetscCall(deposit_overlay(&k, seg, &t, acc->slot_amount, acc->slot_date, nslot, rate_s, a0));
    } else if (callable) synthetic_call(&k, &t, due);
    else if (prepay) {
      Observer      o = {k.df, acc->endcache};
      BallastMarket m = {(void *)&o, observe_forward, observe_fx};
      Overlay       ov;
      PetscCall(PetscMemzero(&ov, sizeof ov));
      ov.next = &k;
      ov.S    = 1.0;
      ov.dcc  = base.dcc;
      ov.currency = t.currency;
      ov.checkpoint = BallastDateAddMonths(s->as_of, 1);
      ov.end        = t.maturityDate != BALLAST_DATE_NONE ? t.maturityDate : s->horizon;
      ov.last_date  = s->as_of;
      ov.last_notional = k.last_notional;
      ov.last_rate     = isnan(t.nominalInterestRate) ? 0.0 : t.nominalInterestRate;
      ov.last_accrued  = a0;
      if (seg->model == BALLAST_BEH_PREPAYMENT) {
        /* incentive: contract rate minus the market rate for the remaining term under this variant
         * (continuously compounded zero rate of the discount curve at the maturity) */
        double Tm        = (double)(ov.end - s->as_of) / 365.0;
        double mkt       = Tm > 0 ? -log(BallastDFTableGet(k.df, kdisc, ov.end)) / Tm : 0.0;
        ov.annual        = BallastPrepaymentCPR(seg, ov.last_rate - mkt, s->prepay_scalar ? s->prepay_scalar[v] : 1.0);
      } else ov.annual = BallastEarlyRedemptionRate(seg, s->td_scalar ? s->td_scalar[v] : 1.0);
      PetscCall(BallastProject(acc->ws, &t, &m, overlay_event, &ov));
    } else {
      Observer      o = {k.df, acc->endcache};
      BallastMarket m = {(void *)&o, observe_forward, observe_fx};
      PetscCall(BallastProject(acc->ws, &t, &m, sink_event, &k));
    }
    acc->eve[(v * np + p) * nc + c] += k.eve;
    acc->nevents += k.nevents;
    if (v == 0) acc->last_pv_base = k.eve;
    if (k.nii_on) acc->nii[(v * np + p) * nc + c] += k.nii - a0 + (k.ad_seen ? k.accrued_H : 0.0);
    if (acc->pv && v < s->nscen) acc->pv[v * cs->n + i] = k.eve;
  }
  /* repricing gap of a swap, leg by leg: the fixed leg reprices at maturity, the floating leg at
   * its next reset (metrics.md); receive-fixed is long the fixed leg */
  if (ct == BALLAST_CT_SWPPV && t.maturityDate > s->as_of) {
    double      sgn = (t.contractRole == BALLAST_ROLE_RFL || t.contractRole == BALLAST_ROLE_RF) ? 1.0 : -1.0, N = t.notionalPrincipal;
    BallastDate next = t.maturityDate;
    if (t.cycleOfRateReset.n > 0 && t.cycleAnchorDateOfRateReset != BALLAST_DATE_NONE) {
      BallastDate r = t.cycleAnchorDateOfRateReset;
      for (int n = 1; r <= s->as_of && n < 100000; n++) r = BallastCycleAdd(t.cycleAnchorDateOfRateReset, t.cycleOfRateReset, n);
      if (r < next) next = r;
    }
    double *g = &acc->gap[(p * nc + c) * s->nbucket];
    g[BallastIRRBBBucket(s, (double)(t.maturityDate - s->as_of) / 365.0)] += sgn * N;
    g[BallastIRRBBBucket(s, (double)(next - s->as_of) / 365.0)] -= sgn * N;
  }
  acc->ncontracts_done++;
  PetscFunctionReturn(0);
}
