/* Scenario-invariant part of the ACTUS engine: event dates, types and order, year fractions and
 * annuity date chains of one contract, built once into a reusable workspace (design.md
 * invariant 2). The rules follow the ACTUS technical specification's schedule tables; where the
 * specification is silent or the reference results show a different choice, the comment says so. */
#include "engine_impl.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *evnames[BALLAST_EV_COUNT] = {"AD", "IED", "FP", "PR", "PD", "PRF", "PY", "PP", "IP", "IPFX", "IPFL", "IPCI",
                                                "CE", "RRF", "RR", "DV", "PRD", "MR", "TD", "SC", "IPCB", "MD", "XD", "STD"};

const char *BallastEventTypeName(int type) { return type >= 0 && type < BALLAST_EV_COUNT ? evnames[type] : "?"; }

int BallastEventTypeParse(const char *s)
{
  for (int i = 0; i < BALLAST_EV_COUNT; i++)
    if (!strcmp(evnames[i], s)) return i;
  return -1;
}

/* Same-date order. The ACTUS dictionary gives a sequence; the reference results (and the
 * implementations that produced them) order interest before resets and fixings, maturity after
 * interest, and exercise before the interest it triggers. A purchase on a payment date comes
 * after the payment (the seller receives it; reference case lam04). */
int BallastEngineEventPriority(int type)
{
  switch (type) {
  case BALLAST_EV_IED: return 1;
  case BALLAST_EV_XD: return 2;
  case BALLAST_EV_FP: return 3;
  case BALLAST_EV_PR: return 4;
  case BALLAST_EV_PD: return 5;
  case BALLAST_EV_PY: return 6;
  case BALLAST_EV_PP: return 7;
  case BALLAST_EV_IP: return 8;
  case BALLAST_EV_IPFX: return 8;
  case BALLAST_EV_IPCI: return 8;
  case BALLAST_EV_IPFL: return 9;
  case BALLAST_EV_DV: return 10;
  case BALLAST_EV_CE: return 11;
  case BALLAST_EV_RRF: return 12;
  case BALLAST_EV_RR: return 12;
  case BALLAST_EV_PRF: return 13;
  case BALLAST_EV_PRD: return 14;
  case BALLAST_EV_SC: return 15;
  case BALLAST_EV_IPCB: return 16;
  case BALLAST_EV_MR: return 17;
  case BALLAST_EV_TD: return 18;
  case BALLAST_EV_MD: return 19;
  case BALLAST_EV_STD: return 20;
  case BALLAST_EV_AD: return 21;
  default: return 22;
  }
}

/* ------------------------------------------------------------------ dates */
static int cycle_months(BallastCycle c)
{
  switch (c.unit) {
  case 'M': return c.n;
  case 'Q': return 3 * c.n;
  case 'H': return 6 * c.n;
  case 'Y': return 12 * c.n;
  default: return 0;
  }
}

BallastDate BallastCycleAdd(BallastDate d, BallastCycle c, int n)
{
  switch (c.unit) {
  case 'D': return d + c.n * n;
  case 'W': return d + 7 * c.n * n;
  default: return BallastDateAddMonths(d, cycle_months(c) * n);
  }
}

static BallastDate end_of_month(BallastDate d)
{
  int y, m, dd;
  BallastDateToYMD(d, &y, &m, &dd);
  return BallastDateFromYMD(y, m, BallastDaysInMonth(y, m));
}

static int is_business_day(BallastDate d, BallastCalendar cal) { return cal != BALLAST_CAL_MF || BallastDateWeekday(d) < 5; }

BallastDate BallastBusinessDayShift(BallastDate d, BallastBusinessDay bdc, BallastCalendar cal, BallastDate *calc)
{
  BallastDate s = d;
  int         y0, m0, dd, y1, m1;
  switch (bdc) {
  case BALLAST_BDC_SCF:
  case BALLAST_BDC_CSF:
    while (!is_business_day(s, cal)) s++;
    break;
  case BALLAST_BDC_SCMF:
  case BALLAST_BDC_CSMF:
    while (!is_business_day(s, cal)) s++;
    if (s != d) { /* moved: back to the preceding business day if it left the month */
      BallastDateToYMD(d, &y0, &m0, &dd);
      BallastDateToYMD(s, &y1, &m1, &dd);
      if (m1 != m0) {
        s = d;
        while (!is_business_day(s, cal)) s--;
      }
    }
    break;
  case BALLAST_BDC_SCP:
  case BALLAST_BDC_CSP:
    while (!is_business_day(s, cal)) s--;
    break;
  case BALLAST_BDC_SCMP:
  case BALLAST_BDC_CSMP:
    while (!is_business_day(s, cal)) s--;
    if (s != d) {
      BallastDateToYMD(d, &y0, &m0, &dd);
      BallastDateToYMD(s, &y1, &m1, &dd);
      if (m1 != m0) {
        s = d;
        while (!is_business_day(s, cal)) s++;
      }
    }
    break;
  default: break;
  }
  if (calc) {
    /* Shift/Calculate conventions compute on the shifted date, Calculate/Shift on the original. */
    int cs = bdc == BALLAST_BDC_CSF || bdc == BALLAST_BDC_CSMF || bdc == BALLAST_BDC_CSP || bdc == BALLAST_BDC_CSMP;
    *calc  = cs ? d : s;
  }
  return s;
}

/* ------------------------------------------------------------------ workspace growth */
static PetscErrorCode grow_events(BallastSchedule ws, PetscInt need)
{
  PetscFunctionBeginUser;
  if (need > ws->cap) {
    PetscInt     cap = PetscMax(2 * ws->cap, PetscMax(need, 64));
    EngineEvent *nev;
    PetscCall(PetscMalloc1(cap, &nev));
    if (ws->n) PetscCall(PetscArraycpy(nev, ws->ev, ws->n));
    PetscCall(PetscFree(ws->ev));
    ws->ev  = nev;
    ws->cap = cap;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode grow_merge(BallastSchedule ws, PetscInt need)
{
  PetscFunctionBeginUser;
  if (need > ws->capmbuf) {
    PetscCall(PetscFree(ws->mbuf));
    ws->capmbuf = PetscMax(2 * ws->capmbuf, PetscMax(need, 64));
    PetscCall(PetscMalloc1(ws->capmbuf, &ws->mbuf));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode grow_tmp(BallastSchedule ws, PetscInt need)
{
  PetscFunctionBeginUser;
  if (need > ws->captmp) {
    PetscInt     cap = PetscMax(2 * ws->captmp, PetscMax(need, 64));
    BallastDate *nt;
    PetscCall(PetscMalloc1(cap, &nt));
    if (ws->ntmp) PetscCall(PetscArraycpy(nt, ws->tmp, ws->ntmp));
    PetscCall(PetscFree(ws->tmp));
    ws->tmp    = nt;
    ws->captmp = cap;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode grow_ann(BallastSchedule ws, PetscInt need)
{
  PetscFunctionBeginUser;
  if (need > ws->capann) {
    PetscInt     cap = PetscMax(2 * ws->capann, PetscMax(need, 64));
    BallastDate *nd;
    double      *ny;
    PetscCall(PetscMalloc1(cap, &nd));
    PetscCall(PetscMalloc1(cap, &ny));
    if (ws->nann) {
      PetscCall(PetscArraycpy(nd, ws->anndate, ws->nann));
      PetscCall(PetscArraycpy(ny, ws->annyf, ws->nann));
    }
    PetscCall(PetscFree(ws->anndate));
    PetscCall(PetscFree(ws->annyf));
    ws->anndate = nd;
    ws->annyf   = ny;
    ws->capann  = cap;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScheduleCreate(BallastSchedule *ws)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(ws));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScheduleDestroy(BallastSchedule *ws)
{
  PetscFunctionBeginUser;
  if (!ws || !*ws) PetscFunctionReturn(0);
  PetscCall(PetscFree((*ws)->ev));
  PetscCall(PetscFree((*ws)->mbuf));
  PetscCall(PetscFree((*ws)->tmp));
  PetscCall(PetscFree((*ws)->anndate));
  PetscCall(PetscFree((*ws)->annyf));
  PetscCall(PetscFree(*ws));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScheduleGetSize(BallastSchedule ws, PetscInt *n)
{
  PetscFunctionBeginUser;
  *n = ws->n;
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ schedule function */
/* ACTUS schedule S(s, c, T) into ws->tmp (unshifted dates): cycle dates from s while before T,
 * T itself if includeEnd, and for a long last stub ('L0') the last cycle date before T removed
 * when the cycle does not land on T. Cycle dates are s + k c (not cumulative) so that month-end
 * clamping does not drift; with endOfMonthConvention EOM and s a month end, dates move to month
 * ends. T == NONE means open-ended: the caller passes the horizon instead. */
static PetscErrorCode schedule(BallastSchedule ws, BallastDate s, BallastCycle c, BallastDate T, int includeEnd, BallastEndOfMonth eomc)
{
  PetscFunctionBeginUser;
  ws->ntmp    = 0;
  ws->tmp_end = includeEnd && T != BALLAST_DATE_NONE;
  if (s == BALLAST_DATE_NONE) PetscFunctionReturn(0);
  if (c.n == 0) {
    PetscCall(grow_tmp(ws, 2));
    if (T == BALLAST_DATE_NONE || s < T || (s == T && !includeEnd)) ws->tmp[ws->ntmp++] = s;
    if (includeEnd && T != BALLAST_DATE_NONE) ws->tmp[ws->ntmp++] = T;
    PetscFunctionReturn(0);
  }
  const int   months = cycle_months(c);
  int         eom = eomc == BALLAST_EOM_EOM && BallastDateIsEndOfMonth(s) && months > 0;
  BallastDate x   = s;
  PetscInt    k   = 1, ncyc = 0;
  if (months > 0 && !ws->legacy) {
    /* Month-index arithmetic: s is split into year, month and day once; the k-th date is month
     * index idx0 + k*months with the day clamped to the month's length (the month's last day under
     * EOM), which is what BallastDateAddMonths(s, k*months) and end_of_month() give, without a
     * conversion from a date per cycle date. */
    int y0, m0, d0;
    BallastDateToYMD(s, &y0, &m0, &d0);
    const int idx0 = y0 * 12 + (m0 - 1);
    if (T != BALLAST_DATE_NONE && T > s) PetscCall(grow_tmp(ws, ws->ntmp + (PetscInt)((T - s) / (28 * months)) + 3));
    while (x < T) {
      if (ws->ntmp + 2 > ws->captmp) PetscCall(grow_tmp(ws, ws->ntmp + 2));
      ws->tmp[ws->ntmp++] = x;
      ncyc++;
      int idx = idx0 + months * (int)k++;
      int y   = idx >= 0 ? idx / 12 : -((-idx + 11) / 12);
      int m   = idx - y * 12 + 1;
      /* the month's first day and length from the month table (include/ballast/date.h) where it has
       * the month and the next, else the calendar functions: the same dates */
      unsigned mi = (unsigned)(y - 1900) * 12u + (unsigned)(m - 1);
      if ((unsigned)(y - 1900) < 400u && mi + 1 < 4800u && BallastDateTableN_) {
        BallastDate first = BallastDateMonthTable_[mi];
        int         dim   = (int)(BallastDateMonthTable_[mi + 1] - first);
        x                 = first + ((eom || d0 > dim ? dim : d0) - 1);
      } else {
        int dim = BallastDaysInMonth(y, m);
        x       = BallastDateFromYMD(y, m, eom || d0 > dim ? dim : d0);
      }
    }
  } else {
    while (x < T) {
      PetscCall(grow_tmp(ws, ws->ntmp + 2));
      ws->tmp[ws->ntmp++] = x;
      ncyc++;
      x = BallastCycleAdd(s, c, (int)k++);
      if (eom) x = end_of_month(x);
    }
  }
  if (c.stub == 0 && x != T && ncyc >= 2) ws->ntmp--; /* long last stub: merge the last period */
  if (includeEnd) {
    PetscCall(grow_tmp(ws, ws->ntmp + 1));
    if (!ws->ntmp || ws->tmp[ws->ntmp - 1] != T) ws->tmp[ws->ntmp++] = T;
  }
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ event list */
typedef struct {
  BallastBusinessDay bdc;
  BallastCalendar    cal;
} Shift;

/* Calculation date of schedule date d: business-day convention, then 24:00 moved to the next day. */
static BallastDate shift_calc(BallastSchedule ws, const Shift *sh, BallastDate d, BallastDate *calc, int term)
{
  BallastDate s = BallastBusinessDayShift(d, sh->bdc, sh->cal, calc);
  if (term)
    for (PetscInt i = 0; i < ws->opt.nmidnight; i++)
      if (ws->opt.midnight[i] == d) (*calc)++;
  return s;
}

/* Add an event at schedule date d; `term` says d is a term's own date (maturity, purchase...),
 * which may carry the time 24:00, rather than a cycle date. */
static PetscErrorCode add_event_at(BallastSchedule ws, const Shift *sh, BallastDate d, int type, int flags, int term)
{
  PetscFunctionBeginUser;
  PetscCall(grow_events(ws, ws->n + 1));
  EngineEvent *e = &ws->ev[ws->n++];
  e->date        = shift_calc(ws, sh, d, &e->calc, term);
  e->type        = (int8_t)type;
  e->prio        = (int8_t)BallastEngineEventPriority(type);
  e->flags       = (uint8_t)flags;
  e->ann         = -1;
  e->yf          = 0;
  e->yfa         = 0;
  PetscFunctionReturn(0);
}

static PetscErrorCode add_event(BallastSchedule ws, const Shift *sh, BallastDate d, int type, int flags)
{
  PetscFunctionBeginUser;
  PetscCall(add_event_at(ws, sh, d, type, flags, 1));
  PetscFunctionReturn(0);
}

/* The cycle dates in tmp as events: add_event_at for each, the room made and the priority found
 * once for the stream. */
static PetscErrorCode add_tmp(BallastSchedule ws, const Shift *sh, int type, int flags)
{
  const PetscInt nt   = ws->ntmp;
  const int8_t   prio = (int8_t)BallastEngineEventPriority(type);
  PetscFunctionBeginUser;
  PetscCall(grow_events(ws, ws->n + nt));
  for (PetscInt i = 0; i < nt; i++) {
    EngineEvent *e = &ws->ev[ws->n++];
    e->date        = shift_calc(ws, sh, ws->tmp[i], &e->calc, i == nt - 1 && ws->tmp_end);
    e->type        = (int8_t)type;
    e->prio        = prio;
    e->flags       = (uint8_t)flags;
    e->ann         = -1;
    e->yf          = 0;
    e->yfa         = 0;
  }
  PetscFunctionReturn(0);
}

static int cmp_event(const void *a, const void *b)
{
  const EngineEvent *x = a, *y = b;
  if (x->date != y->date) return x->date < y->date ? -1 : 1;
  if (x->prio != y->prio) return x->prio - y->prio;
  return (int)(x->flags & EVF_LEG2) - (int)(y->flags & EVF_LEG2);
}

/* The sort key of cmp_event as one integer: date, then priority, then the second leg. */
static inline uint64_t ev_key(const EngineEvent *e)
{
  return ((uint64_t)((int64_t)e->date + 2147483648LL) << 16) | ((uint64_t)(uint8_t)(e->prio + 64) << 1) | (uint64_t)((e->flags & EVF_LEG2) != 0);
}

/* Events in (date, priority, leg) order without sorting. The events were appended stream by
 * stream (IED/MD, the principal cycle, the interest cycles, resets, fixings, ...), each stream
 * generated in date order, so the array is a few ascending runs. The runs are found in one pass
 * and merged pairwise, neighbours first (a k-way merge as a balanced tree: O(n log k)); on equal
 * keys the earlier run wins, so the result is the stable sort of the appended sequence, which is
 * what the qsort of glibc (a merge sort) gave: the same order, ties included. */
static PetscErrorCode merge_runs(BallastSchedule ws)
{
  enum { MAXRUNS = 64 };
  PetscInt     bound[MAXRUNS + 1], nr = 0, n = ws->n;
  EngineEvent *a = ws->ev, *b;

  PetscFunctionBeginUser;
  if (n < 2) PetscFunctionReturn(0);
  bound[nr++] = 0;
  uint64_t kprev = ev_key(&a[0]);
  for (PetscInt i = 1; i < n; i++) {
    uint64_t k = ev_key(&a[i]), kp = kprev; /* each key once */
    kprev      = k;
    if (k < kp) {
      if (nr == MAXRUNS) { /* many unordered streams (observed events in any order): sort them */
        qsort(ws->ev, (size_t)ws->n, sizeof(EngineEvent), cmp_event);
        PetscFunctionReturn(0);
      }
      bound[nr++] = i;
    }
  }
  if (nr == 1) PetscFunctionReturn(0);
  bound[nr] = n;
  PetscCall(grow_merge(ws, n));
  b = ws->mbuf;
  while (nr > 1) {
    PetscInt m = 0;
    for (PetscInt r = 0; r < nr; r += 2) {
      PetscInt lo = bound[r], mid = bound[r + 1], hi = r + 2 <= nr ? bound[PetscMin(r + 2, nr)] : mid;
      if (r + 1 >= nr) { /* odd run out: copied */
        PetscCall(PetscArraycpy(b + lo, a + lo, mid - lo));
      } else {
        PetscInt i = lo, j = mid, o = lo;
        uint64_t ki = ev_key(&a[i]), kj = ev_key(&a[j]);
        while (i < mid && j < hi) {
          if (kj < ki) {
            b[o++] = a[j++];
            if (j < hi) kj = ev_key(&a[j]);
          } else {
            b[o++] = a[i++];
            if (i < mid) ki = ev_key(&a[i]);
          }
        }
        while (i < mid) b[o++] = a[i++];
        while (j < hi) b[o++] = a[j++];
      }
      bound[m++] = lo;
    }
    bound[m] = n;
    nr       = m;
    EngineEvent *t = a;
    a              = b;
    b              = t;
  }
  if (a != ws->ev) { /* the result is in the scratch buffer: swap the buffers */
    PetscInt cap = ws->cap;
    ws->mbuf     = ws->ev;
    ws->ev       = a;
    ws->cap      = ws->capmbuf;
    ws->capmbuf  = cap;
  }
  PetscFunctionReturn(0);
}

/* (date, priority) comparison of an event with a reference point */
static int before(const EngineEvent *e, BallastDate d, int prio) { return e->date < d || (e->date == d && e->prio < prio); }
static int after(const EngineEvent *e, BallastDate d, int prio) { return e->date > d || (e->date == d && e->prio > prio); }

static double role_sign(BallastRole r)
{
  switch (r) {
  case BALLAST_ROLE_RPL:
  case BALLAST_ROLE_PFL:
  case BALLAST_ROLE_PF:
  case BALLAST_ROLE_SEL:
  case BALLAST_ROLE_UDLM: return -1.0;
  default: return 1.0;
  }
}

static BallastDate anchor(BallastDate anx, BallastDate ied, BallastCycle c)
{
  if (anx != BALLAST_DATE_NONE) return anx;
  if (c.n == 0 || ied == BALLAST_DATE_NONE) return BALLAST_DATE_NONE;
  return BallastCycleAdd(ied, c, 1);
}

/* Maturity of an amortiser without maturityDate: the last principal payment of a schedule that
 * repays the outstanding notional with nextPrincipalRedemptionPayment per period (LAM: linear;
 * ANN/NAM: the payment includes the period's interest, so the loan is rolled forward). */
static BallastDate derived_maturity(const BallastTerms *t, BallastDate prs)
{
  double nt = t->notionalPrincipal, p = t->nextPrincipalRedemptionPayment;
  if (!(p > 0) || !(nt > 0) || prs == BALLAST_DATE_NONE || t->cycleOfPrincipalRedemption.n == 0) return BALLAST_DATE_NONE;
  BallastDate t0 = t->statusDate;
  /* first principal date after statusDate */
  BallastDate first = prs;
  int         k0    = 0;
  while (first <= t0 && k0 < 100000) first = BallastCycleAdd(prs, t->cycleOfPrincipalRedemption, ++k0);
  int eom = t->endOfMonthConvention == BALLAST_EOM_EOM && BallastDateIsEndOfMonth(prs) && cycle_months(t->cycleOfPrincipalRedemption) > 0;
  if (t->contractType == BALLAST_CT_LAM) {
    int         n = (int)ceil(nt / p - 1e-12);
    BallastDate d = BallastCycleAdd(prs, t->cycleOfPrincipalRedemption, k0 + n - 1);
    return eom ? end_of_month(d) : d;
  }
  /* ANN/NAM: roll the balance forward period by period */
  double      r    = isnan(t->nominalInterestRate) ? 0.0 : t->nominalInterestRate;
  BallastDate prev = t->initialExchangeDate != BALLAST_DATE_NONE && t->initialExchangeDate > t0 ? t->initialExchangeDate : t0;
  double      bal  = nt;
  for (int k = 0; k < 100000; k++) {
    BallastDate d   = BallastCycleAdd(prs, t->cycleOfPrincipalRedemption, k0 + k);
    if (eom) d = end_of_month(d);
    double      yf  = BallastYearFraction(t->dayCountConvention, prev, d, BALLAST_DATE_NONE);
    double      red = p - bal * r * yf;
    if (t->contractType == BALLAST_CT_NAM && k == 0 && red <= 0) return BALLAST_DATE_NONE;
    bal -= red;
    prev = d;
    if (bal <= 1e-9 * nt) return d;
  }
  return BALLAST_DATE_NONE;
}

PetscErrorCode BallastScheduleBuild(BallastSchedule ws, const BallastTerms *t, BallastDate horizon)
{
  PetscFunctionBeginUser;
  PetscCall(BallastScheduleBuildEx(ws, t, horizon, NULL, 0, NULL));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ building a schedule, by phase */
/* What the phases of BallastScheduleBuildEx share: the contract's dates once resolved. */
typedef struct {
  int             ct, amort, hasrate; /* contract type; LAM/NAM/ANN; a nominal rate is given */
  Shift           sh;                 /* business-day convention and calendar */
  BallastDate     t0, ied, md;        /* statusDate, initialExchangeDate, maturity (derived if need be) */
  BallastDate     prs;                /* first principal redemption date (amortising types) */
  BallastDate     xd;                 /* observed exercise of a notice (CLM/UMP), or none */
  BallastDate     horizon, end;       /* projection horizon; last date of open-ended cycles */
  BallastDayCount dcc;                /* day count of the year fractions (A365 when not given) */
} Build;

/* The initial state at statusDate: options, sign, pre-IED flag, the maturity (given, derived from
 * the principal schedule, or set by an observed notice exercise) and the end of open cycles. */
static PetscErrorCode init_state(BallastSchedule ws, const BallastTerms *t, BallastDate horizon, const BallastScheduleOptions *opt, PetscInt nobs,
                                 const BallastObservedEvent *obs, Build *b)
{
  const int   ct  = t->contractType;
  BallastDate t0  = t->statusDate, ied = t->initialExchangeDate;
  BallastDate md  = t->maturityDate;

  PetscFunctionBeginUser;
  ws->n = 0;
  ws->nann = 0;
  if (opt) ws->opt = *opt;
  else PetscCall(PetscMemzero(&ws->opt, sizeof(ws->opt)));
  ws->opt.nmidnight = PetscMin(ws->opt.nmidnight, 8);
  ws->terms_ok = 0;
  PetscCheck(ct >= 0 && ct < BALLAST_CT_COUNT, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "contractType is required");
  PetscCheck(t0 != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "statusDate is required");
  ws->ct     = ct;
  ws->sign   = role_sign(t->contractRole);
  ws->t0     = t0;
  ws->preIED = ied != BALLAST_DATE_NONE && ied > t0;
  ws->ipac0  = 0;
  ws->ann0   = -1;
  if (horizon == BALLAST_DATE_NONE) horizon = t0 + 366 * 50;

  const int amort = ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM || ct == BALLAST_CT_ANN;
  BallastDate prs = BALLAST_DATE_NONE;
  if (amort) {
    prs = anchor(t->cycleAnchorDateOfPrincipalRedemption, ied, t->cycleOfPrincipalRedemption);
    if (md == BALLAST_DATE_NONE && ct == BALLAST_CT_ANN) md = t->amortizationDate;
    if (md == BALLAST_DATE_NONE) md = derived_maturity(t, prs);
    PetscCheck(md != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT,
               "%s needs maturityDate (or amortizationDate, or nextPrincipalRedemptionPayment with a principal cycle)", BallastContractTypeName((BallastContractType)ct));
  }

  /* Exercise of a notice (CLM/UMP): the contract settles xDayNotice after the observed exercise. */
  BallastDate xd = BALLAST_DATE_NONE;
  for (PetscInt i = 0; i < nobs; i++)
    if (obs[i].type == BALLAST_EV_XD) xd = obs[i].date;
  if ((ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP) && xd != BALLAST_DATE_NONE) md = t->xDayNotice.n ? BallastCycleAdd(xd, t->xDayNotice, 1) : xd;
  ws->md = md;

  b->ct      = ct;
  b->amort   = amort;
  b->hasrate = !isnan(t->nominalInterestRate);
  b->sh.bdc  = t->businessDayConvention;
  b->sh.cal  = t->calendar;
  b->t0      = t0;
  b->ied     = ied;
  b->md      = md;
  b->prs     = prs;
  b->xd      = xd;
  b->horizon = horizon;
  b->end     = md != BALLAST_DATE_NONE ? md : horizon;
  b->dcc     = t->dayCountConvention == BALLAST_DCC_COUNT ? BALLAST_DCC_A365 : t->dayCountConvention;
  PetscFunctionReturn(0);
}

/* PAM, LAM, NAM, ANN: IED and MD, the principal cycle (amortising types), the interest payments
 * (NAM/ANN: on their own cycle until the principal cycle starts, then on every principal date),
 * and interest capitalised up to capitalizationEndDate. */
static PetscErrorCode loan_events(BallastSchedule ws, const BallastTerms *t, const Build *b)
{
  const int         ct = b->ct, amort = b->amort, hasrate = b->hasrate;
  const BallastDate ied = b->ied, md = b->md, prs = b->prs;

  PetscFunctionBeginUser;
  PetscCheck(md != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "maturityDate is required");
  PetscCheck(ied != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "initialExchangeDate is required");
  PetscCall(add_event(ws, &b->sh, ied, BALLAST_EV_IED, 0));
  PetscCall(add_event(ws, &b->sh, md, BALLAST_EV_MD, 0));
  if (amort) {
    PetscCall(schedule(ws, prs, t->cycleOfPrincipalRedemption, md, 0, t->endOfMonthConvention));
    PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_PR, 0));
  }
  /* interest payments; with capitalizationEndDate those up to it become IPCI */
  PetscInt ip0 = ws->n;
  if (ct == BALLAST_CT_PAM || ct == BALLAST_CT_LAM) {
    BallastDate ips = anchor(t->cycleAnchorDateOfInterestPayment, ied, t->cycleOfInterestPayment);
    if (hasrate && ips != BALLAST_DATE_NONE) {
      PetscCall(schedule(ws, ips, t->cycleOfInterestPayment, md, 1, t->endOfMonthConvention));
      PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IP, 0));
    }
  } else {
    /* NAM/ANN: interest on its own cycle until one principal period before the first
     * principal date, then on every principal date (specification, IP schedule of NAM). */
    BallastDate ips = anchor(t->cycleAnchorDateOfInterestPayment, ied, t->cycleOfInterestPayment);
    if (ips != BALLAST_DATE_NONE && prs != BALLAST_DATE_NONE && ips < prs) {
      BallastDate T = BallastCycleAdd(prs, t->cycleOfPrincipalRedemption, -1);
      if (t->cycleOfInterestPayment.n) {
        PetscCall(schedule(ws, ips, t->cycleOfInterestPayment, T, 1, t->endOfMonthConvention));
        /* keep the cycle dates strictly before the first principal date */
        PetscInt m = 0;
        for (PetscInt i = 0; i < ws->ntmp; i++)
          if (ws->tmp[i] < prs) ws->tmp[m++] = ws->tmp[i];
        ws->ntmp = m;
      } else {
        ws->ntmp = 0;
        if (ips < prs) ws->tmp[ws->ntmp++] = ips;
      }
      PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IP, 0));
    }
    PetscCall(schedule(ws, prs, t->cycleOfPrincipalRedemption, md, 1, t->endOfMonthConvention));
    PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IP, 0));
  }
  if (t->capitalizationEndDate != BALLAST_DATE_NONE) {
    EngineEvent ce;
    ce.date = BallastBusinessDayShift(t->capitalizationEndDate, b->sh.bdc, b->sh.cal, &ce.calc);
    PetscInt m = ip0;
    for (PetscInt i = ip0; i < ws->n; i++) {
      EngineEvent *e = &ws->ev[i];
      if (e->type == BALLAST_EV_IP && e->date == ce.date) continue; /* replaced by the IPCI at IPCED */
      if (e->type == BALLAST_EV_IP && e->date < ce.date) {
        e->type = BALLAST_EV_IPCI;
        e->prio = (int8_t)BallastEngineEventPriority(BALLAST_EV_IPCI);
      }
      ws->ev[m++] = *e;
    }
    ws->n = m;
    PetscCall(add_event(ws, &b->sh, t->capitalizationEndDate, BALLAST_EV_IPCI, 0));
  }
  PetscFunctionReturn(0);
}

/* Each contract type's own events: IED/MD, the cycles of interest (and principal) payments,
 * notice settlement, dividends, FX settlement. */
static PetscErrorCode contract_events(BallastSchedule ws, const BallastTerms *t, const Build *b)
{
  const int         ct = b->ct, hasrate = b->hasrate;
  const BallastDate t0 = b->t0, ied = b->ied, md = b->md, xd = b->xd, end = b->end, horizon = b->horizon;

  PetscFunctionBeginUser;
  switch (ct) {
  case BALLAST_CT_PAM:
  case BALLAST_CT_LAM:
  case BALLAST_CT_NAM:
  case BALLAST_CT_ANN: PetscCall(loan_events(ws, t, b)); break;
  case BALLAST_CT_CLM: {
    PetscCheck(ied != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "initialExchangeDate is required");
    PetscCall(add_event(ws, &b->sh, ied, BALLAST_EV_IED, 0));
    if (md != BALLAST_DATE_NONE) {
      /* ACTUS CLM: t^IP = t^MD = Md(t0) directly, not through the shifted schedule S(.): the
       * maturity and its final interest stay on the unadjusted date whatever the business-day
       * convention (tests/cli/t_actus_edge.sh; the reference results do the same) */
      const Shift unshifted = {BALLAST_BDC_NOS, b->sh.cal};
      PetscCall(add_event(ws, &unshifted, md, BALLAST_EV_IP, 0));
      PetscCall(add_event(ws, &unshifted, md, xd != BALLAST_DATE_NONE ? BALLAST_EV_STD : BALLAST_EV_MD, 0));
    }
    if (hasrate) {
      /* capitalisation cycle anchored at IED when no anchor is given (reference results) */
      BallastDate ips = t->cycleAnchorDateOfInterestPayment != BALLAST_DATE_NONE ? t->cycleAnchorDateOfInterestPayment : ied;
      if (ips != BALLAST_DATE_NONE && t->cycleOfInterestPayment.n) {
        PetscCall(schedule(ws, ips, t->cycleOfInterestPayment, end, 0, t->endOfMonthConvention));
        PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IPCI, 0));
      }
    }
    break;
  }
  case BALLAST_CT_UMP: {
    PetscCheck(ied != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "initialExchangeDate is required");
    PetscCall(add_event(ws, &b->sh, ied, BALLAST_EV_IED, 0));
    if (hasrate) {
      BallastDate ips = t->cycleAnchorDateOfInterestPayment != BALLAST_DATE_NONE ? t->cycleAnchorDateOfInterestPayment : ied;
      if (ips != BALLAST_DATE_NONE && t->cycleOfInterestPayment.n) {
        PetscCall(schedule(ws, ips, t->cycleOfInterestPayment, end, 0, t->endOfMonthConvention));
        PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IPCI, 0));
      }
    }
    if (md != BALLAST_DATE_NONE) PetscCall(add_event(ws, &b->sh, md, BALLAST_EV_STD, 0));
    break;
  }
  case BALLAST_CT_SWPPV: {
    PetscCheck(md != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "maturityDate is required");
    PetscCheck(ied != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "initialExchangeDate is required");
    PetscCall(add_event(ws, &b->sh, ied, BALLAST_EV_IED, 0));
    PetscCall(add_event(ws, &b->sh, md, BALLAST_EV_MD, 0));
    BallastDate ips = anchor(t->cycleAnchorDateOfInterestPayment, ied, t->cycleOfInterestPayment);
    if (ips == BALLAST_DATE_NONE) ips = md;
    PetscCall(schedule(ws, ips, t->cycleOfInterestPayment, md, 1, t->endOfMonthConvention));
    if (t->deliverySettlement == BALLAST_DS_S) PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IP, 0));
    else {
      PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IPFX, 0));
      PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IPFL, 0));
    }
    break;
  }
  case BALLAST_CT_CSH: break;
  case BALLAST_CT_STK: {
    if (t->cycleAnchorDateOfDividendPayment != BALLAST_DATE_NONE || t->cycleOfDividendPayment.n) {
      BallastDate s = t->cycleAnchorDateOfDividendPayment;
      if (s == BALLAST_DATE_NONE) s = BallastCycleAdd(t0, t->cycleOfDividendPayment, 1);
      BallastDate T = t->terminationDate != BALLAST_DATE_NONE ? t->terminationDate : horizon + 1;
      PetscCall(schedule(ws, s, t->cycleOfDividendPayment, T, 0, t->endOfMonthConvention));
      PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_DV, 0));
    }
    break;
  }
  case BALLAST_CT_FXOUT: {
    PetscCheck(md != BALLAST_DATE_NONE, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "maturityDate is required");
    if (t->deliverySettlement == BALLAST_DS_S) {
      BallastDate sd = t->settlementPeriod.n ? BallastCycleAdd(md, t->settlementPeriod, 1) : md;
      PetscCall(add_event(ws, &b->sh, sd, BALLAST_EV_STD, EVF_MDFIX));
    } else {
      PetscCall(add_event(ws, &b->sh, md, BALLAST_EV_MD, 0));
      PetscCall(add_event(ws, &b->sh, md, BALLAST_EV_MD, EVF_LEG2));
    }
    break;
  }
  default: break;
  }
  PetscFunctionReturn(0);
}

/* The fixings and other dated events: rate resets (RR, RRF; PRF after each reset of an ANN), the
 * instalment fixing of an ANN without one, interest calculation base and scaling index fixings,
 * purchase, termination, and the observed events. */
static PetscErrorCode fixing_events(BallastSchedule ws, const BallastTerms *t, const Build *b, PetscInt nobs, const BallastObservedEvent *obs)
{
  const int         ct = b->ct, amort = b->amort;
  const BallastDate t0 = b->t0, ied = b->ied, md = b->md, prs = b->prs, end = b->end;

  PetscFunctionBeginUser;
  /* rate resets: PAM-family, CLM, UMP, SWPPV; the first after statusDate is fixed when
   * nextResetRate is given (RRF). ANN recomputes its annuity after every reset (PRF). */
  if (ct == BALLAST_CT_PAM || amort || ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP || ct == BALLAST_CT_SWPPV) {
    if (t->cycleAnchorDateOfRateReset != BALLAST_DATE_NONE || t->cycleOfRateReset.n) {
      BallastDate rrs = anchor(t->cycleAnchorDateOfRateReset, ied, t->cycleOfRateReset);
      PetscCall(schedule(ws, rrs, t->cycleOfRateReset, end, 0, t->endOfMonthConvention));
      PetscInt first = -1;
      for (PetscInt i = 0; i < ws->ntmp; i++)
        if (ws->tmp[i] > t0) { first = i; break; }
      for (PetscInt i = 0; i < ws->ntmp; i++) {
        int type = (i == first && !isnan(t->nextResetRate)) ? BALLAST_EV_RRF : BALLAST_EV_RR;
        PetscCall(add_event(ws, &b->sh, ws->tmp[i], type, 0));
        if (ct == BALLAST_CT_ANN) PetscCall(add_event(ws, &b->sh, ws->tmp[i], BALLAST_EV_PRF, 0));
      }
    }
  }
  /* ANN without a given instalment: fix it the day before the first principal payment */
  if (ct == BALLAST_CT_ANN && isnan(t->nextPrincipalRedemptionPayment) && prs != BALLAST_DATE_NONE && prs - 1 > t0 && (ied == BALLAST_DATE_NONE || prs > ied))
    PetscCall(add_event(ws, &b->sh, prs - 1, BALLAST_EV_PRF, 0));
  /* interest calculation base fixings (NTL) */
  if (amort && t->interestCalculationBase == BALLAST_IPCB_NTL) {
    BallastDate s = anchor(t->cycleAnchorDateOfInterestCalculationBase, ied, t->cycleOfInterestCalculationBase);
    PetscCall(schedule(ws, s, t->cycleOfInterestCalculationBase, md, 0, t->endOfMonthConvention));
    PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_IPCB, 0));
  }
  /* scaling index fixings */
  if ((ct == BALLAST_CT_PAM || amort) && t->scalingEffect != BALLAST_SCEF_000) {
    BallastDate s = anchor(t->cycleAnchorDateOfScalingIndex, ied, t->cycleOfScalingIndex);
    PetscCall(schedule(ws, s, t->cycleOfScalingIndex, md, 0, t->endOfMonthConvention));
    PetscCall(add_tmp(ws, &b->sh, BALLAST_EV_SC, 0));
  }
  if (t->purchaseDate != BALLAST_DATE_NONE && ct != BALLAST_CT_CSH) PetscCall(add_event(ws, &b->sh, t->purchaseDate, BALLAST_EV_PRD, 0));
  if (t->terminationDate != BALLAST_DATE_NONE) PetscCall(add_event(ws, &b->sh, t->terminationDate, BALLAST_EV_TD, 0));
  for (PetscInt i = 0; i < nobs; i++) PetscCall(add_event(ws, &b->sh, obs[i].date, obs[i].type, 0));
  PetscFunctionReturn(0);
}

/* Events in order (date, then priority), the accrued interest at statusDate, then the filters. */
static PetscErrorCode sort_and_filter(BallastSchedule ws, const BallastTerms *t, const Build *b)
{
  const BallastDate t0 = b->t0, md = b->md, horizon = b->horizon;

  PetscFunctionBeginUser;

  if (ws->legacy && ws->n > 1) qsort(ws->ev, (size_t)ws->n, sizeof(EngineEvent), cmp_event);
  else PetscCall(merge_runs(ws));

  if (!isnan(t->accruedInterest) && !ws->preIED) ws->ipac0 = ws->sign * t->accruedInterest;

  /* Filters: nothing after termination; nothing on or before statusDate; nothing beyond the
   * horizon for open-ended contracts; duplicates (same date and type) once; events before
   * purchase are evaluated but not emitted. */
  BallastDate tdd = BALLAST_DATE_NONE, prd = BALLAST_DATE_NONE;
  for (PetscInt i = 0; i < ws->n; i++) {
    if (ws->ev[i].type == BALLAST_EV_TD) tdd = ws->ev[i].date;
    if (ws->ev[i].type == BALLAST_EV_PRD) prd = ws->ev[i].date;
  }
  PetscInt m = 0;
  for (PetscInt i = 0; i < ws->n; i++) {
    EngineEvent *e = &ws->ev[i];
    if (tdd != BALLAST_DATE_NONE && after(e, tdd, BallastEngineEventPriority(BALLAST_EV_TD))) continue;
    if (e->date <= t0) continue;
    if (md == BALLAST_DATE_NONE && e->date > horizon) continue;
    if (m && ws->ev[m - 1].date == e->date && ws->ev[m - 1].type == e->type && ws->ev[m - 1].flags == e->flags) continue;
    if (prd != BALLAST_DATE_NONE && e->type != BALLAST_EV_AD && before(e, prd, BallastEngineEventPriority(BALLAST_EV_PRD))) e->flags |= EVF_SILENT;
    ws->ev[m++] = *e;
  }
  ws->n = m;
  PetscFunctionReturn(0);
}

/* Year fraction of each event from the previous state date (statusDate for the first). */
static void year_fractions(BallastSchedule ws, const Build *b)
{
  const BallastDayCount dcc = b->dcc;
  const BallastDate     md  = b->md;
  BallastDate           sd  = b->t0;
  if (!ws->legacy && (dcc == BALLAST_DCC_30E360 || dcc == BALLAST_DCC_30E360ISDA || dcc == BALLAST_DCC_28E336)) {
    /* each date split into year, month and day once, carried to the next period */
    int y1, m1, d1, y2, m2, d2;
    BallastDateToYMD(sd, &y1, &m1, &d1);
    for (PetscInt i = 0; i < ws->n; i++) {
      BallastDate c = ws->ev[i].calc;
      if (c == sd) {
        ws->ev[i].yf = 0.0;
        continue;
      }
      BallastDateToYMD(c, &y2, &m2, &d2);
      ws->ev[i].yf = c < sd ? 0.0 : BallastYearFraction30(dcc, y1, m1, d1, y2, m2, d2, c == md);
      sd           = c;
      y1           = y2;
      m1           = m2;
      d1           = d2;
    }
    return;
  }
  for (PetscInt i = 0; i < ws->n; i++) {
    ws->ev[i].yf = BallastYearFraction(dcc, sd, ws->ev[i].calc, md);
    sd           = ws->ev[i].calc;
  }
}

/* ANN: the annuity chain (principal calculation dates and their year fractions), and for the
 * initial state, the IED and each PRF the chain index and year fraction the instalment needs. */
static PetscErrorCode annuity_chain(BallastSchedule ws, const BallastTerms *t, const Build *b)
{
  const BallastDayCount dcc = b->dcc;
  const BallastDate     t0 = b->t0, md = b->md, prs = b->prs;

  PetscFunctionBeginUser;
  /* principal dates to the end of amortisation (the annuity is computed to amortizationDate
   * when it differs from maturity), calculation dates, with the start of each event's
   * interest period in front: anndate[k] for k >= 1, annyf[k] = Y(anndate[k-1], anndate[k]). */
  BallastDate amd = t->amortizationDate != BALLAST_DATE_NONE ? t->amortizationDate : md;
  PetscCall(schedule(ws, prs, t->cycleOfPrincipalRedemption, amd, 1, t->endOfMonthConvention));
  PetscCall(grow_ann(ws, ws->ntmp + 1));
  ws->nann = 0;
  for (PetscInt i = 0; i < ws->ntmp; i++) {
    BallastDate c;
    shift_calc(ws, &b->sh, ws->tmp[i], &c, i == ws->ntmp - 1);
    ws->anndate[ws->nann] = c;
    ws->annyf[ws->nann]   = ws->nann ? BallastYearFraction(dcc, ws->anndate[ws->nann - 1], c, md) : 0.0;
    ws->nann++;
  }
  /* for each PRF (and the initial state) the first chain date after it and the year fraction
   * from the start of its interest period (last IED/IP/IPCI date) to that date */
  BallastDate ps = t0;
  PetscInt    k  = 0;
  while (k < ws->nann && ws->anndate[k] <= t0) k++;
  ws->ann0  = (int)k;
  ws->yfa0  = k < ws->nann ? BallastYearFraction(dcc, t0, ws->anndate[k], md) : 0.0;
  for (PetscInt i = 0; i < ws->n; i++) {
    EngineEvent *e  = &ws->ev[i];
    int          ty = e->type;
    if (ty == BALLAST_EV_IED || ty == BALLAST_EV_IP || ty == BALLAST_EV_IPCI) ps = e->calc;
    if (ty == BALLAST_EV_IED && isnan(t->nextPrincipalRedemptionPayment) && prs <= e->calc) {
      /* principal from IED on: the instalment is fixed at IED, the first one (at IED) with
       * no interest period (ann09) */
      PetscInt kk = 0;
      while (kk < ws->nann && ws->anndate[kk] < e->calc) kk++;
      e->ann = (int32_t)kk;
      e->yfa = kk < ws->nann ? BallastYearFraction(dcc, e->calc, ws->anndate[kk], md) : 0.0;
    }
    if (ty == BALLAST_EV_PRF) {
      PetscInt kk = 0;
      while (kk < ws->nann && ws->anndate[kk] <= e->calc) kk++;
      e->ann = (int32_t)kk;
      e->yfa = kk < ws->nann ? BallastYearFraction(dcc, ps, ws->anndate[kk], md) : 0.0;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScheduleBuildLegacy(BallastSchedule ws, const BallastTerms *t, BallastDate horizon, const BallastScheduleOptions *opt, PetscInt nobs,
                                          const BallastObservedEvent *obs)
{
  PetscErrorCode ierr;
  ws->legacy = 1;
  ierr       = BallastScheduleBuildEx(ws, t, horizon, opt, nobs, obs);
  ws->legacy = 0;
  return ierr;
}

/* The phases in order; each is a static function above. */
PetscErrorCode BallastScheduleBuildEx(BallastSchedule ws, const BallastTerms *t, BallastDate horizon, const BallastScheduleOptions *opt,
                                      PetscInt nobs, const BallastObservedEvent *obs)
{
  Build b;

  PetscFunctionBeginUser;
  PetscCall(init_state(ws, t, horizon, opt, nobs, obs, &b));
  PetscCall(contract_events(ws, t, &b));
  PetscCall(fixing_events(ws, t, &b, nobs, obs));
  PetscCall(sort_and_filter(ws, t, &b));
  year_fractions(ws, &b);
  if (b.ct == BALLAST_CT_ANN && b.prs != BALLAST_DATE_NONE) PetscCall(annuity_chain(ws, t, &b));
  ws->terms_ok = 1;
  PetscFunctionReturn(0);
}
