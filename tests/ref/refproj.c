/* Reference projector (see refproj.h and README.md). Written from the ACTUS technical
 * specification (../shared/reference/actus/actus-techspecs.tex): the schedule function S(s, c, T)
 * of section "Schedule", the contract schedules of each type, and the state transition (STF) and
 * payoff (POF) functions. Where the specification leaves a choice open the reference results
 * decide; each such choice is named in a comment ("cases:").
 *
 * Style: clarity over speed. One flat list of events per contract, built by plain loops, sorted,
 * filtered, then walked once with the ACTUS state. Year fractions are computed where they are
 * used; the annuity is recomputed from the remaining principal dates each time it is needed. */
#include "refproj.h"
#include <ballast/daycount.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  BallastDate raw;  /* schedule date before the business-day shift */
  BallastDate date; /* payment date (shifted) */
  BallastDate calc; /* calculation date */
  int         type;
  int         leg;  /* FXOUT: 0 first currency, 1 second */
  int         term; /* date is a term's own date (may carry 24:00), not a cycle date */
  int         silent;
  long        seq;  /* insertion order, for a stable sort */
} Ev;

typedef struct {
  int n, cap;
  Ev *e;
} EvList;

typedef struct {
  const BallastTerms           *t;
  const BallastScheduleOptions *opt;
  char                         *err;
  size_t                        errlen;
} Ctx;

static int fail(Ctx *c, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (c->err && c->errlen) vsnprintf(c->err, c->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

static double dflt(double x, double d) { return isnan(x) ? d : x; }

/* ------------------------------------------------------------------ calendar arithmetic */
static int months_of(BallastCycle c)
{
  if (c.unit == 'M') return c.n;
  if (c.unit == 'Q') return 3 * c.n;
  if (c.unit == 'H') return 6 * c.n;
  if (c.unit == 'Y') return 12 * c.n;
  return 0;
}

/* s + k cycles: days and weeks by counting days, months with the day clamped to the month. */
static BallastDate plus_cycles(BallastDate s, BallastCycle c, int k)
{
  if (c.unit == 'D') return s + k * c.n;
  if (c.unit == 'W') return s + 7 * k * c.n;
  return BallastDateAddMonths(s, k * months_of(c));
}

static BallastDate month_end(BallastDate d)
{
  int y, m, dd;
  BallastDateToYMD(d, &y, &m, &dd);
  return BallastDateFromYMD(y, m, BallastDaysInMonth(y, m));
}

static int month_of(BallastDate d)
{
  int y, m, dd;
  BallastDateToYMD(d, &y, &m, &dd);
  return 12 * y + m;
}

static int business(BallastDate d, BallastCalendar cal) { return cal == BALLAST_CAL_NC || BallastDateWeekday(d) <= 4; }

/* ACTUS business-day conventions: SC* shift and calculate on the shifted date, CS* calculate on
 * the unshifted date; "modified" stays in the month by turning round. */
static BallastDate shift(BallastDate d, BallastBusinessDay bdc, BallastCalendar cal, BallastDate *calc)
{
  BallastDate s = d;
  int         fwd = 0, bwd = 0, modified = 0, calc_unshifted = 0;
  switch (bdc) {
  case BALLAST_BDC_SCF: fwd = 1; break;
  case BALLAST_BDC_CSF: fwd = 1; calc_unshifted = 1; break;
  case BALLAST_BDC_SCMF: fwd = 1; modified = 1; break;
  case BALLAST_BDC_CSMF: fwd = 1; modified = 1; calc_unshifted = 1; break;
  case BALLAST_BDC_SCP: bwd = 1; break;
  case BALLAST_BDC_CSP: bwd = 1; calc_unshifted = 1; break;
  case BALLAST_BDC_SCMP: bwd = 1; modified = 1; break;
  case BALLAST_BDC_CSMP: bwd = 1; modified = 1; calc_unshifted = 1; break;
  default: break;
  }
  if (fwd) {
    while (!business(s, cal)) s += 1;
    if (modified && month_of(s) != month_of(d))
      for (s = d; !business(s, cal); s -= 1) {}
  } else if (bwd) {
    while (!business(s, cal)) s -= 1;
    if (modified && month_of(s) != month_of(d))
      for (s = d; !business(s, cal); s += 1) {}
  }
  *calc = calc_unshifted ? d : s;
  return s;
}

/* ------------------------------------------------------------------ schedule function */
/* S(s, c, T): s, s + c, s + 2c, ... while before T; T itself if include_end. A long last stub
 * ("L0") merges the last short period into the one before. With the end-of-month convention EOM
 * and s the last day of its month, month cycles land on month ends. No cycle: {s} (and T). The
 * dates are written to out (at most max); the count is returned. */
static int sched(BallastDate s, BallastCycle c, BallastDate T, int include_end, BallastEndOfMonth eomc, BallastDate *out, int max)
{
  int n = 0;
  if (s == BALLAST_DATE_NONE) return 0;
  if (c.n == 0) {
    if (T == BALLAST_DATE_NONE || s < T || (s == T && !include_end)) out[n++] = s;
    if (include_end && T != BALLAST_DATE_NONE) out[n++] = T;
    return n;
  }
  int on_month_ends = eomc == BALLAST_EOM_EOM && months_of(c) > 0 && month_end(s) == s;
  int k = 0, cycles = 0;
  BallastDate x = s;
  while (x < T && n < max - 1) {
    out[n++] = x;
    cycles++;
    k++;
    x = plus_cycles(s, c, k);
    if (on_month_ends) x = month_end(x);
  }
  if (c.stub == 0 && x != T && cycles >= 2) n--; /* long stub: drop the last cycle date */
  if (include_end && (n == 0 || out[n - 1] != T)) out[n++] = T;
  return n;
}

/* Default anchor of a cycle: IED + one cycle (specification, "cycle anchor date" defaults). */
static BallastDate anchor_or(BallastDate anx, BallastDate ied, BallastCycle c)
{
  if (anx != BALLAST_DATE_NONE) return anx;
  if (c.n == 0 || ied == BALLAST_DATE_NONE) return BALLAST_DATE_NONE;
  return plus_cycles(ied, c, 1);
}

#define MAXD 40000
static BallastDate dbuf[MAXD];

/* ------------------------------------------------------------------ event list */
static int push(Ctx *c, EvList *L, BallastDate d, int type, int leg, int term)
{
  if (L->n == L->cap) {
    int cap = L->cap ? 2 * L->cap : 256;
    Ev *e = realloc(L->e, (size_t)cap * sizeof(Ev));
    if (!e) return fail(c, "out of memory");
    L->e = e;
    L->cap = cap;
  }
  Ev *e = &L->e[L->n];
  memset(e, 0, sizeof *e);
  e->raw  = d;
  e->date = shift(d, c->t->businessDayConvention, c->t->calendar, &e->calc);
  if (term && c->opt)
    for (int i = 0; i < c->opt->nmidnight && i < 8; i++)
      if (c->opt->midnight[i] == d) e->calc += 1; /* 24:00: interest to the start of the next day */
  e->type = type;
  e->leg  = leg;
  e->term = term;
  e->seq  = L->n;
  L->n++;
  return 0;
}

static int push_sched(Ctx *c, EvList *L, const BallastDate *d, int n, int type, int include_end)
{
  for (int i = 0; i < n; i++)
    if (push(c, L, d[i], type, 0, include_end && i == n - 1)) return -1;
  return 0;
}

/* Order of events on one day. The dictionary lists a sequence; the reference results put
 * interest before resets and fixings, principal before interest, a purchase after the payments
 * of its day, maturity after interest and an exercise notice (XD) right after IED. */
static int rank_of(int type)
{
  static const int order[] = {BALLAST_EV_IED, BALLAST_EV_XD, BALLAST_EV_FP, BALLAST_EV_PR, BALLAST_EV_PD, BALLAST_EV_PY, BALLAST_EV_PP, BALLAST_EV_IP,
                              BALLAST_EV_IPFL, BALLAST_EV_DV, BALLAST_EV_CE, BALLAST_EV_RR, BALLAST_EV_PRF, BALLAST_EV_PRD, BALLAST_EV_SC,
                              BALLAST_EV_IPCB, BALLAST_EV_MR, BALLAST_EV_TD, BALLAST_EV_MD, BALLAST_EV_STD, BALLAST_EV_AD};
  if (type == BALLAST_EV_IPFX || type == BALLAST_EV_IPCI) type = BALLAST_EV_IP; /* same slot as IP */
  if (type == BALLAST_EV_RRF) type = BALLAST_EV_RR;
  for (int i = 0; i < (int)(sizeof order / sizeof order[0]); i++)
    if (order[i] == type) return i;
  return 99;
}

static int ev_cmp(const void *a, const void *b)
{
  const Ev *x = a, *y = b;
  if (x->date != y->date) return x->date < y->date ? -1 : 1;
  if (rank_of(x->type) != rank_of(y->type)) return rank_of(x->type) - rank_of(y->type);
  if (x->leg != y->leg) return x->leg - y->leg;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static double sign_of(BallastRole r)
{
  return (r == BALLAST_ROLE_RPL || r == BALLAST_ROLE_PFL || r == BALLAST_ROLE_PF || r == BALLAST_ROLE_SEL || r == BALLAST_ROLE_UDLM) ? -1.0 : 1.0;
}

static BallastDayCount dcc_of(const BallastTerms *t) { return t->dayCountConvention == BALLAST_DCC_COUNT ? BALLAST_DCC_A365 : t->dayCountConvention; }

/* Maturity of an amortiser given by its instalment only: walk the principal dates after
 * statusDate, repaying nextPrincipalRedemptionPayment (LAM) or the instalment less the period's
 * interest (NAM, ANN), until nothing is left. */
static BallastDate implied_maturity(const BallastTerms *t, BallastDate prs)
{
  double N = t->notionalPrincipal, P = t->nextPrincipalRedemptionPayment, r = dflt(t->nominalInterestRate, 0.0);
  if (!(N > 0) || !(P > 0) || prs == BALLAST_DATE_NONE || t->cycleOfPrincipalRedemption.n == 0) return BALLAST_DATE_NONE;
  int         eom  = t->endOfMonthConvention == BALLAST_EOM_EOM && months_of(t->cycleOfPrincipalRedemption) > 0 && month_end(prs) == prs;
  BallastDate from = (t->initialExchangeDate != BALLAST_DATE_NONE && t->initialExchangeDate > t->statusDate) ? t->initialExchangeDate : t->statusDate;
  double      left = N;
  for (int k = 0; k < 200000; k++) {
    BallastDate d = plus_cycles(prs, t->cycleOfPrincipalRedemption, k);
    if (eom) d = month_end(d);
    if (d <= t->statusDate) continue;
    double paid = t->contractType == BALLAST_CT_LAM ? P : P - left * r * BallastYearFraction(dcc_of(t), from, d, BALLAST_DATE_NONE);
    if (t->contractType == BALLAST_CT_NAM && paid <= 0 && left == N) return BALLAST_DATE_NONE;
    left -= paid;
    from = d;
    if (left <= 1e-9 * N) return d;
  }
  return BALLAST_DATE_NONE;
}

/* ------------------------------------------------------------------ schedules per type */
typedef struct {
  BallastDate md;  /* effective maturity (given, derived, or notice + exercise) */
  BallastDate prs; /* principal redemption anchor (amortisers) */
  BallastDate amd; /* end of the annuity's principal dates (ANN) */
} Dates;

static int build(Ctx *c, EvList *L, BallastDate horizon, int nobs, const BallastObservedEvent *obs, Dates *D)
{
  const BallastTerms *t   = c->t;
  const int           ct  = t->contractType;
  const int           amort = ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM;
  const BallastDate   ied = t->initialExchangeDate;
  BallastDate         md  = t->maturityDate, end;
  int                 n;

  D->prs = BALLAST_DATE_NONE;
  if (amort) {
    D->prs = anchor_or(t->cycleAnchorDateOfPrincipalRedemption, ied, t->cycleOfPrincipalRedemption);
    if (md == BALLAST_DATE_NONE && ct == BALLAST_CT_ANN) md = t->amortizationDate;
    if (md == BALLAST_DATE_NONE) md = implied_maturity(t, D->prs);
    if (md == BALLAST_DATE_NONE) return fail(c, "amortiser without maturity");
  }
  BallastDate xd = BALLAST_DATE_NONE;
  for (int i = 0; i < nobs; i++)
    if (obs[i].type == BALLAST_EV_XD) xd = obs[i].date;
  if ((ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP) && xd != BALLAST_DATE_NONE) md = t->xDayNotice.n ? plus_cycles(xd, t->xDayNotice, 1) : xd;
  D->md  = md;
  D->amd = t->amortizationDate != BALLAST_DATE_NONE ? t->amortizationDate : md;
  end    = md != BALLAST_DATE_NONE ? md : horizon;

  if (ct == BALLAST_CT_PAM || amort) {
    if (ied == BALLAST_DATE_NONE || md == BALLAST_DATE_NONE) return fail(c, "initialExchangeDate and maturityDate are required");
    if (push(c, L, ied, BALLAST_EV_IED, 0, 1) || push(c, L, md, BALLAST_EV_MD, 0, 1)) return -1;
    if (amort) {
      n = sched(D->prs, t->cycleOfPrincipalRedemption, md, 0, t->endOfMonthConvention, dbuf, MAXD);
      if (push_sched(c, L, dbuf, n, BALLAST_EV_PR, 0)) return -1;
    }
    int first_ip = L->n;
    BallastDate ips = anchor_or(t->cycleAnchorDateOfInterestPayment, ied, t->cycleOfInterestPayment);
    if (ct == BALLAST_CT_PAM || ct == BALLAST_CT_LAM) {
      /* IP: S(IPANX, IPCL, MD) when a rate is given */
      if (!isnan(t->nominalInterestRate) && ips != BALLAST_DATE_NONE) {
        n = sched(ips, t->cycleOfInterestPayment, md, 1, t->endOfMonthConvention, dbuf, MAXD);
        if (push_sched(c, L, dbuf, n, BALLAST_EV_IP, 1)) return -1;
      }
    } else {
      /* NAM/ANN: IP = S(IPANX, IPCL, PRANX - PRCL) u S(PRANX, PRCL, MD); the first part only
       * before the first principal date */
      if (ips != BALLAST_DATE_NONE && D->prs != BALLAST_DATE_NONE && ips < D->prs) {
        BallastDate T = plus_cycles(D->prs, t->cycleOfPrincipalRedemption, -1);
        if (t->cycleOfInterestPayment.n) n = sched(ips, t->cycleOfInterestPayment, T, 1, t->endOfMonthConvention, dbuf, MAXD);
        else {
          n       = 1;
          dbuf[0] = ips;
        }
        for (int i = 0; i < n; i++)
          if (dbuf[i] < D->prs && push(c, L, dbuf[i], BALLAST_EV_IP, 0, t->cycleOfInterestPayment.n && i == n - 1)) return -1;
      }
      n = sched(D->prs, t->cycleOfPrincipalRedemption, md, 1, t->endOfMonthConvention, dbuf, MAXD);
      if (push_sched(c, L, dbuf, n, BALLAST_EV_IP, 1)) return -1;
    }
    if (t->capitalizationEndDate != BALLAST_DATE_NONE) {
      /* interest up to IPCED is capitalised (IPCI); the IP on IPCED itself becomes the IPCI there */
      BallastDate cecalc, ce = shift(t->capitalizationEndDate, t->businessDayConvention, t->calendar, &cecalc);
      int         k = first_ip;
      for (int i = first_ip; i < L->n; i++) {
        Ev e = L->e[i];
        if (e.type == BALLAST_EV_IP && e.date == ce) continue;
        if (e.type == BALLAST_EV_IP && e.date < ce) e.type = BALLAST_EV_IPCI;
        L->e[k++] = e;
      }
      L->n = k;
      if (push(c, L, t->capitalizationEndDate, BALLAST_EV_IPCI, 0, 1)) return -1;
    }
  } else if (ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP) {
    if (ied == BALLAST_DATE_NONE) return fail(c, "initialExchangeDate is required");
    if (push(c, L, ied, BALLAST_EV_IED, 0, 1)) return -1;
    if (ct == BALLAST_CT_CLM && md != BALLAST_DATE_NONE) {
      /* techspecs CLM schedule: t^IP = Md(t0) and MD at Md(t0), not S(.): no business-day shift */
      for (int k = 0; k < 2; k++) {
        if (push(c, L, md, k == 0 ? BALLAST_EV_IP : (xd != BALLAST_DATE_NONE ? BALLAST_EV_STD : BALLAST_EV_MD), 0, 1)) return -1;
        Ev *e   = &L->e[L->n - 1];
        e->date = md;
        e->calc = md;
        if (c->opt)
          for (int i = 0; i < c->opt->nmidnight && i < 8; i++)
            if (c->opt->midnight[i] == md) e->calc += 1;
      }
    }
    if (ct == BALLAST_CT_UMP && md != BALLAST_DATE_NONE && push(c, L, md, BALLAST_EV_STD, 0, 1)) return -1;
    /* interest is capitalised on its cycle; cases: anchored at IED itself when no anchor is given */
    if (!isnan(t->nominalInterestRate) && t->cycleOfInterestPayment.n) {
      BallastDate s = t->cycleAnchorDateOfInterestPayment != BALLAST_DATE_NONE ? t->cycleAnchorDateOfInterestPayment : ied;
      n             = sched(s, t->cycleOfInterestPayment, end, 0, t->endOfMonthConvention, dbuf, MAXD);
      if (push_sched(c, L, dbuf, n, BALLAST_EV_IPCI, 0)) return -1;
    }
  } else if (ct == BALLAST_CT_SWPPV) {
    if (ied == BALLAST_DATE_NONE || md == BALLAST_DATE_NONE) return fail(c, "initialExchangeDate and maturityDate are required");
    if (push(c, L, ied, BALLAST_EV_IED, 0, 1) || push(c, L, md, BALLAST_EV_MD, 0, 1)) return -1;
    BallastDate s = anchor_or(t->cycleAnchorDateOfInterestPayment, ied, t->cycleOfInterestPayment);
    if (s == BALLAST_DATE_NONE) s = md;
    n = sched(s, t->cycleOfInterestPayment, md, 1, t->endOfMonthConvention, dbuf, MAXD);
    if (t->deliverySettlement == BALLAST_DS_S) {
      if (push_sched(c, L, dbuf, n, BALLAST_EV_IP, 1)) return -1;
    } else {
      if (push_sched(c, L, dbuf, n, BALLAST_EV_IPFX, 1)) return -1;
      if (push_sched(c, L, dbuf, n, BALLAST_EV_IPFL, 1)) return -1;
    }
  } else if (ct == BALLAST_CT_STK) {
    if (t->cycleAnchorDateOfDividendPayment != BALLAST_DATE_NONE || t->cycleOfDividendPayment.n) {
      BallastDate s = t->cycleAnchorDateOfDividendPayment != BALLAST_DATE_NONE ? t->cycleAnchorDateOfDividendPayment
                                                                               : plus_cycles(t->statusDate, t->cycleOfDividendPayment, 1);
      BallastDate T = t->terminationDate != BALLAST_DATE_NONE ? t->terminationDate : horizon + 1;
      n             = sched(s, t->cycleOfDividendPayment, T, 0, t->endOfMonthConvention, dbuf, MAXD);
      if (push_sched(c, L, dbuf, n, BALLAST_EV_DV, 0)) return -1;
    }
  } else if (ct == BALLAST_CT_FXOUT) {
    if (md == BALLAST_DATE_NONE) return fail(c, "maturityDate is required");
    if (t->deliverySettlement == BALLAST_DS_S) {
      BallastDate sd = t->settlementPeriod.n ? plus_cycles(md, t->settlementPeriod, 1) : md;
      if (push(c, L, sd, BALLAST_EV_STD, 0, 1)) return -1;
    } else if (push(c, L, md, BALLAST_EV_MD, 0, 1) || push(c, L, md, BALLAST_EV_MD, 1, 1)) return -1;
  }

  /* rate resets: S(RRANX, RRCL, MD) without MD; the first after statusDate fixed (RRF) when
   * nextResetRate is given; ANN recomputes its instalment after each (PRF) */
  if ((ct == BALLAST_CT_PAM || amort || ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP || ct == BALLAST_CT_SWPPV) &&
      (t->cycleAnchorDateOfRateReset != BALLAST_DATE_NONE || t->cycleOfRateReset.n)) {
    n             = sched(anchor_or(t->cycleAnchorDateOfRateReset, ied, t->cycleOfRateReset), t->cycleOfRateReset, end, 0, t->endOfMonthConvention, dbuf, MAXD);
    int fixed_one = 0;
    for (int i = 0; i < n; i++) {
      int type = BALLAST_EV_RR;
      if (!fixed_one && dbuf[i] > t->statusDate) {
        fixed_one = 1;
        if (!isnan(t->nextResetRate)) type = BALLAST_EV_RRF;
      }
      if (push(c, L, dbuf[i], type, 0, 0)) return -1;
      if (ct == BALLAST_CT_ANN && push(c, L, dbuf[i], BALLAST_EV_PRF, 0, 0)) return -1;
    }
  }
  /* ANN without an instalment: fixed the day before the first principal payment */
  if (ct == BALLAST_CT_ANN && isnan(t->nextPrincipalRedemptionPayment) && D->prs != BALLAST_DATE_NONE && D->prs - 1 > t->statusDate &&
      (ied == BALLAST_DATE_NONE || D->prs > ied))
    if (push(c, L, D->prs - 1, BALLAST_EV_PRF, 0, 0)) return -1;
  if (amort && t->interestCalculationBase == BALLAST_IPCB_NTL) {
    n = sched(anchor_or(t->cycleAnchorDateOfInterestCalculationBase, ied, t->cycleOfInterestCalculationBase), t->cycleOfInterestCalculationBase, md, 0,
              t->endOfMonthConvention, dbuf, MAXD);
    if (push_sched(c, L, dbuf, n, BALLAST_EV_IPCB, 0)) return -1;
  }
  if ((ct == BALLAST_CT_PAM || amort) && t->scalingEffect != BALLAST_SCEF_000) {
    n = sched(anchor_or(t->cycleAnchorDateOfScalingIndex, ied, t->cycleOfScalingIndex), t->cycleOfScalingIndex, md, 0, t->endOfMonthConvention, dbuf, MAXD);
    if (push_sched(c, L, dbuf, n, BALLAST_EV_SC, 0)) return -1;
  }
  if (t->purchaseDate != BALLAST_DATE_NONE && ct != BALLAST_CT_CSH && push(c, L, t->purchaseDate, BALLAST_EV_PRD, 0, 1)) return -1;
  if (t->terminationDate != BALLAST_DATE_NONE && push(c, L, t->terminationDate, BALLAST_EV_TD, 0, 1)) return -1;
  for (int i = 0; i < nobs; i++)
    if (push(c, L, obs[i].date, obs[i].type, 0, 1)) return -1;

  if (L->n > 0) qsort(L->e, (size_t)L->n, sizeof(Ev), ev_cmp); /* L->e is NULL when nothing was pushed */

  /* what is shown: after statusDate, not after a termination, within the horizon when
   * open-ended, each (date, type, leg) once; before a purchase evaluated but not shown */
  const Ev *td = NULL, *prd = NULL;
  for (int i = 0; i < L->n; i++) {
    if (L->e[i].type == BALLAST_EV_TD) td = &L->e[i];
    if (L->e[i].type == BALLAST_EV_PRD) prd = &L->e[i];
  }
  Ev tdv = td ? *td : (Ev){0}, prdv = prd ? *prd : (Ev){0};
  int k = 0;
  for (int i = 0; i < L->n; i++) {
    Ev e = L->e[i];
    if (td && (e.date > tdv.date || (e.date == tdv.date && rank_of(e.type) > rank_of(BALLAST_EV_TD)))) continue;
    if (e.date <= t->statusDate) continue;
    if (md == BALLAST_DATE_NONE && e.date > horizon) continue;
    int dup = 0; /* the list is sorted by date: look back over the same day only */
    for (int j = k - 1; j >= 0 && L->e[j].date == e.date; j--)
      if (L->e[j].type == e.type && L->e[j].leg == e.leg) dup = 1;
    if (dup) continue;
    if (prd && e.type != BALLAST_EV_AD && (e.date < prdv.date || (e.date == prdv.date && rank_of(e.type) < rank_of(BALLAST_EV_PRD)))) e.silent = 1;
    L->e[k++] = e;
  }
  L->n = k;
  return 0;
}

/* ------------------------------------------------------------------ annuity */
/* Instalment that repays N with interest at r over the principal dates strictly after `after`
 * (or from `after` on when from_on is set) to the end of amortisation, the first period starting
 * at `start`: the level payment A with N = sum_k A / prod_{j<=k} (1 + r y_j), i.e. N divided by
 * the sum of the discount factors of the payment dates (specification, annuity function). */
static double annuity(const Ctx *c, const Dates *D, BallastDate after, int from_on, BallastDate start, double N, double r)
{
  const BallastTerms *t = c->t;
  int                 n = sched(D->prs, t->cycleOfPrincipalRedemption, D->amd, 1, t->endOfMonthConvention, dbuf, MAXD);
  double              sum = 0.0, df = 1.0;
  BallastDate         prev = start;
  int                 any  = 0;
  for (int i = 0; i < n; i++) {
    BallastDate calc;
    shift(dbuf[i], t->businessDayConvention, t->calendar, &calc);
    if (i == n - 1 && c->opt)
      for (int j = 0; j < c->opt->nmidnight && j < 8; j++)
        if (c->opt->midnight[j] == dbuf[i]) calc += 1;
    if (from_on ? calc < after : calc <= after) continue;
    df /= 1.0 + r * BallastYearFraction(dcc_of(t), prev, calc, D->md);
    sum += df;
    prev = calc;
    any  = 1;
  }
  return any ? N / sum : N;
}

/* ------------------------------------------------------------------ state and payoffs */
static int observe(Ctx *c, const BallastMarket *m, int32_t moc, BallastDate d, BallastCycle per, double *v)
{
  if (!m || !m->observe) return fail(c, "market data needed (market object code %d) but no market given", (int)moc);
  if (m->observe(m->ctx, moc, d, per, v)) return fail(c, "market observation failed (market object code %d)", (int)moc);
  return 0;
}

static double bound(double x, double lo, double hi)
{
  if (!isnan(lo) && x < lo) return lo;
  if (!isnan(hi) && x > hi) return hi;
  return x;
}

int RefProject(const BallastTerms *t, BallastDate horizon, const BallastScheduleOptions *opt, int nobs, const BallastObservedEvent *obs,
               const BallastMarket *m, BallastEventSink sink, void *ctx, char *err, size_t errlen)
{
  Ctx    c = {t, opt, err, errlen};
  EvList L = {0, 0, NULL};
  Dates  D;
  int    rc = -1;

  if (err && errlen) err[0] = 0;
  if ((int)t->contractType < 0 || t->contractType >= BALLAST_CT_COUNT) return fail(&c, "contractType is required");
  if (t->statusDate == BALLAST_DATE_NONE) return fail(&c, "statusDate is required");
  if (horizon == BALLAST_DATE_NONE) horizon = t->statusDate + 366 * 50;
  if (build(&c, &L, horizon, nobs, obs, &D)) goto done;

  const int    ct = t->contractType, amort = ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM;
  const int    swap = ct == BALLAST_CT_SWPPV, noaccrual = ct == BALLAST_CT_CSH || ct == BALLAST_CT_STK || ct == BALLAST_CT_FXOUT;
  const double R = sign_of(t->contractRole), NT = dflt(t->notionalPrincipal, 0.0), IPNR = dflt(t->nominalInterestRate, 0.0);
  const int    ntl = t->interestCalculationBase == BALLAST_IPCB_NTL; /* cases: NTIED behaves as NT */
  const int    before_ied = t->initialExchangeDate != BALLAST_DATE_NONE && t->initialExchangeDate > t->statusDate;
  const double ACC0 = dflt(t->accruedInterest, 0.0);

  /* state at statusDate (signed by the role) */
  double Nt = 0, Ipnr = 0, Ipac = 0, Ipcb = 0, Prnxt = 0, Nsc = 1, Isc = 1, fix = 0, flt = 0; /* fix/flt: swap leg accruals */
  if (!before_ied) {
    Nt   = R * NT;
    Ipnr = swap ? dflt(t->nominalInterestRate2, 0.0) : IPNR;
    Ipac = R * ACC0;
    Ipcb = ntl && !isnan(t->interestCalculationBaseAmount) ? R * t->interestCalculationBaseAmount : Nt;
  }
  if (swap) fix = Ipac;
  if (ct == BALLAST_CT_CSH) Nt = R * NT;
  if (ct == BALLAST_CT_STK || ct == BALLAST_CT_FXOUT) Nt = 0;
  if (amort) {
    if (!isnan(t->nextPrincipalRedemptionPayment)) Prnxt = R * t->nextPrincipalRedemptionPayment;
    else if (ct == BALLAST_CT_LAM) {
      /* NT over the number of principal payments (the PR events and the one at MD). cases: the
       * specification's NT / ceil(Y(s, MD) / Y(s, s + PRCL)) with s = PRANX would give 2500 in
       * lam30 (30E360, yearly from 2021-01-01 to 2025-01-01) where the results pay 2000 */
      int npr = 0;
      for (int i = 0; i < L.n; i++) npr += L.e[i].type == BALLAST_EV_PR;
      Prnxt = R * NT / (npr + 1);
    } else if (ct == BALLAST_CT_ANN && !before_ied)
      /* loaded mid-life: the instalment on what is owed at statusDate, from statusDate on */
      Prnxt = annuity(&c, &D, t->statusDate, 0, t->statusDate, Nt + Ipac, Ipnr);
  }

  BallastDate sd = t->statusDate;    /* date of the last state update */
  BallastDate ps = t->statusDate;    /* start of the current interest period (ANN) */
  for (int i = 0; i < L.n; i++) {
    const Ev    *e  = &L.e[i];
    const double y  = BallastYearFraction(dcc_of(t), sd, e->calc, D.md);
    const double a  = y * Ipnr * (amort ? Ipcb : Nt); /* interest accrued since the last event */
    double       pay = 0;
    int32_t      cur = t->currency;
    if (swap) {
      fix += y * IPNR * Nt;
      flt += y * Ipnr * Nt;
    }

    switch (e->type) {
    case BALLAST_EV_IED:
      Nt   = R * NT;
      Ipnr = swap ? dflt(t->nominalInterestRate2, 0.0) : IPNR;
      Ipac = R * ACC0;
      fix = flt = 0;
      Ipcb = ntl && !isnan(t->interestCalculationBaseAmount) ? R * t->interestCalculationBaseAmount : Nt;
      if (ct == BALLAST_CT_ANN && isnan(t->nextPrincipalRedemptionPayment) && D.prs <= e->calc) Prnxt = annuity(&c, &D, e->calc, 1, e->calc, Nt, Ipnr);
      if (swap) pay = 0;
      else if (ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP) pay = -R * NT;
      else pay = -R * (NT + dflt(t->premiumDiscountAtIED, 0.0)); /* POF_IED = R (-1) (NT + PDIED) */
      ps = e->calc;
      break;
    case BALLAST_EV_IP:
      if (swap) {
        pay = fix - flt; /* net settlement */
        fix = flt = 0;
        Ipac      = 0;
      } else {
        pay  = Isc * (Ipac + a); /* POF_IP = Isc (Ipac + Y Ipnr Nt) */
        Ipac = 0;
      }
      ps = e->calc;
      break;
    case BALLAST_EV_IPFX:
      pay  = fix;
      fix  = 0;
      Ipac = 0;
      break;
    case BALLAST_EV_IPFL:
      pay  = -flt;
      flt  = 0;
      Ipac = 0;
      break;
    case BALLAST_EV_IPCI: /* STF_IPCI: Nt += Ipac + Y Ipnr Nt */
      Nt += Ipac + a;
      Ipac = 0;
      if (!ntl) Ipcb = Nt;
      ps = e->calc;
      break;
    case BALLAST_EV_PR: {
      Ipac += a;
      double red = ct == BALLAST_CT_LAM ? Prnxt : Prnxt - Ipac; /* NAM/ANN: the instalment includes interest */
      if (fabs(red) > fabs(Nt) && red * Nt >= 0) red = Nt;     /* never more than outstanding */
      pay = Nsc * red;
      Nt -= red;
      if (!ntl) Ipcb = Nt;
      break;
    }
    case BALLAST_EV_PRF:
      Ipac += a;
      if (ct == BALLAST_CT_ANN) Prnxt = annuity(&c, &D, e->calc, 0, ps, Nt, Ipnr);
      break;
    case BALLAST_EV_MD:
      if (ct == BALLAST_CT_FXOUT) {
        if (e->leg) {
          pay = -R * dflt(t->notionalPrincipal2, 0.0);
          cur = t->currency2;
        } else pay = R * NT;
      } else if (swap) {
        Nt = Ipac = fix = flt = 0;
      } else {
        /* POF_MD = Nsc Nt + Isc Ipac; Ipac brought to the date (it is 0 after the IP at MD, and
         * keeps the interest of a contract without an IP schedule) */
        pay  = Nsc * Nt + Isc * (Ipac + a);
        Nt   = 0;
        Ipac = 0;
        Ipcb = 0;
      }
      break;
    case BALLAST_EV_STD:
      if (ct == BALLAST_CT_FXOUT) {
        double fx;
        if (!m || !m->fx) {
          fail(&c, "cash-settled FXOUT needs an FX rate");
          goto done;
        }
        if (m->fx(m->ctx, t->currency2, t->currency, D.md, &fx)) {
          fail(&c, "FX observation failed");
          goto done;
        }
        pay = R * (NT - fx * dflt(t->notionalPrincipal2, 0.0)); /* observed at maturity */
      } else {
        pay  = Nt + Ipac + a;
        Nt   = 0;
        Ipac = 0;
      }
      break;
    case BALLAST_EV_PRD:
      if (ct == BALLAST_CT_STK || ct == BALLAST_CT_FXOUT || swap) {
        pay = -R * dflt(t->priceAtPurchaseDate, 0.0);
        if (swap) Ipac = fix; /* cases: the fixed leg's accrual is reported */
      } else {
        Ipac += a;
        pay = -R * (dflt(t->priceAtPurchaseDate, 0.0) + Ipac); /* POF_PRD = R (-1) (PPRD + Ipac + Y Ipnr Nt) */
      }
      break;
    case BALLAST_EV_TD:
      if (ct == BALLAST_CT_STK || ct == BALLAST_CT_FXOUT || swap) {
        /* cases: a derivative's PTD (SWPPV, FXOUT) is its value to the holder, already signed;
         * a stock's is signed by the role (stk05) */
        pay = ((swap || ct == BALLAST_CT_FXOUT) ? 1.0 : R) * dflt(t->priceAtTerminationDate, 0.0);
        Nt = Ipac = fix = flt = 0;
      } else {
        pay  = R * (dflt(t->priceAtTerminationDate, 0.0) + Ipac + a); /* POF_TD = R (PTD + Ipac + Y Ipnr Nt) */
        Nt   = 0;
        Ipac = 0;
        Ipcb = 0;
      }
      break;
    case BALLAST_EV_RR: {
      double o;
      if (observe(&c, m, t->marketObjectCodeOfRateReset, e->date, t->cycleOfRateReset, &o)) goto done;
      double target = dflt(t->rateMultiplier, 1.0) * o + dflt(t->rateSpread, 0.0);
      if (swap) {
        Ipac = fix - flt;
        Ipnr = target;
      } else {
        /* STF_RR: Ipnr = min(max(Ipnr + dr, RRLF), RRLC), dr = min(max(target - Ipnr, -RRPF), RRPC) */
        Ipac += a;
        double dr = bound(target - Ipnr, -t->periodFloor, t->periodCap);
        Ipnr      = bound(Ipnr + dr, t->lifeFloor, t->lifeCap);
      }
      break;
    }
    case BALLAST_EV_RRF:
      Ipac += a;
      Ipnr = t->nextResetRate;
      break;
    case BALLAST_EV_SC: {
      double o;
      Ipac += a;
      if (observe(&c, m, t->marketObjectCodeOfScalingIndex, e->date, t->cycleOfScalingIndex, &o)) goto done;
      double f = o / dflt(t->scalingIndexAtContractDealDate, 1.0);
      if (t->scalingEffect == BALLAST_SCEF_0N0 || t->scalingEffect == BALLAST_SCEF_IN0) Nsc = f;
      if (t->scalingEffect == BALLAST_SCEF_I00 || t->scalingEffect == BALLAST_SCEF_IN0) Isc = f;
      break;
    }
    case BALLAST_EV_IPCB:
      Ipac += a;
      Ipcb = Nt;
      break;
    case BALLAST_EV_DV: {
      double o;
      if (observe(&c, m, t->marketObjectCodeOfDividends, e->date, t->cycleOfDividendPayment, &o)) goto done;
      pay = R * o;
      break;
    }
    default: /* AD, XD: only accrue */
      if (swap) Ipac = fix - flt;
      else if (!noaccrual) Ipac += a;
      break;
    }
    sd = e->calc;
    if (e->silent) continue;
    BallastEvent out = {e->date, e->type, pay, Nt, Ipnr, Ipac, cur, 0};
    sink(ctx, &out);
  }
  rc = 0;
done:
  free(L.e);
  return rc;
}
