/* NII as a consumer (include/ballast/irrbb.h, metrics.md NII): interest income over the horizon on
 * a constant balance sheet, accrual basis, per scenario. Interest paid inside the horizon counts
 * (with the interest accrued at the horizon end from the AD event the driver adds there, minus
 * the interest accrued before the as-of date); principal repaid before the horizon end is
 * replaced by the same kind of contract, rolled until the horizon: a fixed-rate one at the
 * scenario's par rate for its type, cycles and term (BallastParRate on the scenario's table seen
 * at the replacement month's end, memoised) plus its margin, a floating one at the index forward
 * plus its margin. The margin: the first nii.margins entry whose filter matches, else the
 * contract's own (fixed: its rate minus the base par rate at the as-of date for its term;
 * floating: rateSpread). The replaced principal keeps its balance until it rolls or the horizon
 * ends (constant balance sheet). A slotted deposit keeps its balance at the scenario's deposit
 * rate; a CSH balance earns its currency's reserves rate moved by the scenario's 1M zero-rate
 * change (docs/decisions.md, "NII"). */
#include <ballast/irrbb.h>
#include <ballast/overnight.h>
#include <ballast/par.h>
#include "reduce.h"
#include <ballast/checkpoint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* months tabulated from the as-of date (100 years; beyond, by the calendar) */
#define NII_MONTHS 1201
/* replacement-instrument schedules kept (a power of 2) */
#define NII_PSCHED 64

static int month_search(const BallastNII *k, BallastDate d, BallastDate *end);

PetscErrorCode BallastNIICreate(const BallastIRRBBSetup *s, BallastNII *n)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(n, sizeof *n));
  n->s = *s;
  PetscCall(PetscCalloc1(s->nscen * BallastIRRBBNAct(s) * s->nport * s->nccy + 1, &n->nii));
  PetscCall(PetscCalloc1(s->nport + 1, &n->margin_count));
  n->nmtab = NII_MONTHS;
  {
    /* test hook (tests/cli/t_kernel_round2.sh): every par rate on a schedule of its own, as before */
    const char *hook = getenv("BALLAST_NII_OWN_SCHEDULE");
    n->psched_off    = hook && *hook && strcmp(hook, "0") != 0;
    hook             = getenv("BALLAST_NII_PER_EVENT"); /* every scenario walks the events, as before */
    n->inv_off       = hook && *hook && strcmp(hook, "0") != 0;
  }
  PetscCall(PetscMalloc1(n->nmtab, &n->mtab));
  for (PetscInt m = 0; m < n->nmtab; m++) n->mtab[m] = BallastDateAddMonths(s->as_of, (int)m);
  /* the replacement month of each day to the table's end (int16: at most 1200) */
  n->nmday = n->mtab[n->nmtab - 1] - s->as_of + 1;
  PetscCall(PetscMalloc1(n->nmday, &n->mday));
  for (PetscInt i = 0; i < n->nmday; i++) {
    BallastDate e;
    n->mday[i] = (int16_t)month_search(n, s->as_of + (BallastDate)i, &e);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNIISetPlan(BallastNII *n, PetscInt nmargins, const BallastMargin *margins, const double *reserves)
{
  PetscFunctionBeginUser;
  n->nmargins = nmargins;
  n->margins  = margins;
  n->reserves = reserves;
  PetscCall(PetscFree(n->margin_count));
  PetscCall(PetscCalloc1(n->s.nport * (nmargins + 1) + 1, &n->margin_count));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNIISetPath(BallastNII *n, PetscInt nmonths)
{
  PetscFunctionBeginUser;
  n->nmonths = nmonths;
  PetscCall(PetscCalloc1(n->s.nscen * BallastIRRBBNAct(&n->s) * n->s.nport * nmonths * n->s.nccy + 1, &n->path));
  PetscCall(PetscMalloc1(nmonths + 1, &n->mend));
  for (PetscInt m = 0; m <= nmonths; m++) n->mend[m] = BallastDateAddMonths(n->s.as_of, (int)m);
  n->s.nii_end = n->mend[nmonths];
  PetscFunctionReturn(0);
}

/* Path mode: amount accrued over (a, b] spread over the months by days (the part beyond the path
 * horizon dropped). */
static void spread(BallastNII *k, double amt, BallastDate a, BallastDate b)
{
  if (b <= a || amt == 0.0) return;
  double len = (double)(b - a);
  for (PetscInt m = 1; m <= k->nmonths; m++) {
    BallastDate lo = k->mend[m - 1] > a ? k->mend[m - 1] : a, hi = k->mend[m] < b ? k->mend[m] : b;
    if (hi > lo) k->row_path[(m - 1) * k->s.nccy] += k->path_w * (amt * (double)(hi - lo) / len);
    if (k->mend[m] >= b) break;
  }
}

/* Path mode: an interest amount paid on d, accrued since the last one. */
static void path_interest(BallastNII *k, double amt, BallastDate d)
{
  if (amt == 0.0) return;
  amt -= k->pending_a0; /* accrued before the as-of date */
  k->pending_a0 = 0.0;
  if (d != k->last_int) k->prev_int = k->last_int; /* a second amount on the same date (a swap's two legs) shares the period */
  spread(k, amt, k->prev_int, d);
  k->last_int = d;
}

PetscErrorCode BallastNIIDestroy(BallastNII *n)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(n->path));
  PetscCall(PetscFree(n->mend));
  PetscCall(PetscFree(n->mtab));
  PetscCall(PetscFree(n->mday));
  PetscCall(PetscFree(n->nii));
  PetscCall(PetscFree(n->margin_count));
  PetscCall(PetscFree2(n->memo_key, n->memo_rate));
  for (PetscInt i = 0; n->psched && i < NII_PSCHED; i++) PetscCall(BallastScheduleDestroy(&n->psched[i].ws));
  PetscCall(PetscFree(n->psched));
  free(n->ops);
  PetscCall(BallastOvernightRollDestroy(&n->overnight));
  PetscFunctionReturn(0);
}

/* ---- the memo of par rates: open addressing on the packed key */
static uint64_t key_hash(const BallastParKey *k)
{
  /* the key's bytes by 8-byte words (a multiply-xorshift mix per word; the tail bytewise) */
  const unsigned char *b = (const unsigned char *)k;
  uint64_t             h = 1469598103934665603ULL, w;
  size_t               i = 0;
  for (; i + 8 <= sizeof *k; i += 8) {
    memcpy(&w, b + i, 8);
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  }
  for (; i < sizeof *k; i++) h = (h ^ b[i]) * 1099511628211ULL;
  return h ^ (h >> 32);
}

static PetscErrorCode memo_grow(BallastNII *n)
{
  PetscInt       c = n->cmemo ? 2 * n->cmemo : 256;
  BallastParKey *k;
  double        *r;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(c, &k, c, &r));
  for (PetscInt i = 0; i < c; i++) k[i].v = -1;
  for (PetscInt i = 0; i < n->cmemo; i++) {
    if (n->memo_key[i].v < 0) continue;
    PetscInt j = (PetscInt)(key_hash(&n->memo_key[i]) & (uint64_t)(c - 1));
    while (k[j].v >= 0) j = (j + 1) & (c - 1);
    k[j] = n->memo_key[i];
    r[j] = n->memo_rate[i];
  }
  PetscCall(PetscFree2(n->memo_key, n->memo_rate));
  n->memo_key  = k;
  n->memo_rate = r;
  n->cmemo     = c;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastNIIParRate(BallastNII *n, const BallastParKey *key, const BallastTerms *u, BallastDate start, const BallastDFTable *df, double *rate)
{
  PetscFunctionBeginUser;
  if (2 * (n->nmemo + 1) > n->cmemo) PetscCall(memo_grow(n));
  PetscInt j = (PetscInt)(key_hash(key) & (uint64_t)(n->cmemo - 1));
  while (n->memo_key[j].v >= 0) {
    if (!memcmp(&n->memo_key[j], key, sizeof *key)) {
      *rate = n->memo_rate[j];
      PetscFunctionReturn(0);
    }
    j = (j + 1) & (n->cmemo - 1);
  }
  BallastTerms w = *u;
  w.initialExchangeDate = start;
  w.maturityDate        = start + key->term;
  if (w.contractType == BALLAST_CT_SWPPV || n->psched_off) PetscCall(BallastParRate(&w, start, df, key->kdisc, NULL, rate));
  else {
    /* the instrument's schedule: built by the first variant that needs it, solved on by the others */
    struct BallastNIISched *sc;
    BallastParKey           sk = *key;
    sk.v                       = 0;
    if (!n->psched) PetscCall(PetscCalloc1(NII_PSCHED, &n->psched));
    sc          = &n->psched[key_hash(&sk) & (NII_PSCHED - 1)];
    PetscBool b = !(sc->valid && sc->start == start && sc->role == (int32_t)w.contractRole && sc->ccy == (int32_t)w.currency && !memcmp(&sc->key, &sk, sizeof sk));
    if (!sc->ws) PetscCall(BallastScheduleCreate(&sc->ws));
    if (b) {
      sc->valid = 0;
      sc->key   = sk;
      sc->start = start;
      sc->role  = (int32_t)w.contractRole;
      sc->ccy   = (int32_t)w.currency;
    }
    PetscCall(BallastParRateOnSchedule(sc->ws, b, &w, start, df, key->kdisc, rate));
    sc->valid = 1;
  }
  n->memo_key[j]  = *key;
  n->memo_rate[j] = *rate;
  n->nmemo++;
  PetscFunctionReturn(0);
}

/* Month m (1, 2, ...) of the months from the as-of date holding date d (metrics.md "Months": month m
 * ends, inclusive, on as_of + m months), and its end date. */
static int month_search(const BallastNII *k, BallastDate d, BallastDate *end)
{
  BallastDate as_of = k->s.as_of;
  int         m     = (int)((d - as_of) / 31); /* a lower bound */
  if (m < 1) m = 1;
  if (d <= k->mtab[k->nmtab - 1]) { /* the smallest m >= 1 with as_of + m months >= d, from the table */
    while (k->mtab[m] < d) m++;
    while (m > 1 && k->mtab[m - 1] >= d) m--;
    *end = k->mtab[m];
    return m;
  }
  while (BallastDateAddMonths(as_of, m) < d) m++;
  while (m > 1 && BallastDateAddMonths(as_of, m - 1) >= d) m--;
  *end = BallastDateAddMonths(as_of, m);
  return m;
}

/* The same by the day's table (filled from month_search once per run): no search per replacement. */
static inline int month_of(const BallastNII *k, BallastDate d, BallastDate *end)
{
  BallastDate i = d - k->s.as_of;
  if (i >= 0 && i < k->nmday) {
    int m = k->mday[i];
    *end  = k->mtab[m];
    return m;
  }
  return month_search(k, d, end);
}

static inline BallastDate roll(const BallastNII *k, BallastDate d) { return k->repl_cycle.n > 0 ? BallastCycleAdd(d, k->repl_cycle, 1) : d + k->repl_days; }

/* Principal A repaid on d replaced until the horizon end. */
static void replace(BallastNII *k, double A, BallastDate d)
{
  BallastDate H = k->s.nii_end;
  if (!k->par && (k->repl_cycle.n > 0 ? k->repl_cycle.unit == 'D' && k->repl_cycle.n == 1 : k->repl_days == 1) && d >= k->df->as_of && H - k->df->as_of < k->df->ndays) {
    /* rolled overnight: the daily sum below in closed form (include/ballast/overnight.h) */
    PetscBool done = PETSC_TRUE;
    double    x;
    for (PetscInt m = 1; m <= (k->nmonths ? k->nmonths : 1) && done && !k->err; m++) {
      BallastDate lo = k->nmonths ? PetscMax(d, k->mend[m - 1]) : d, hi = k->nmonths ? PetscMin(H, k->mend[m]) : H;
      if (hi <= lo) continue;
      k->err = BallastOvernightRollNII(&k->overnight, k->df, k->repl_curve, k->dcc, lo, hi, A, k->margin, &x, &done);
      if (done && k->nmonths) k->row_path[(m - 1) * k->s.nccy] += x;
      else if (done) k->nii_c += x;
    }
    if (done || k->err) return;
  }
  for (BallastDate D = d; D < H;) {
    BallastDate E   = roll(k, D);
    BallastDate end = E < H ? E : H;
    double      F;
    if (k->par) {
      /* the par rate of the instrument class at the end of the replacement month, this variant */
      BallastDate   me;
      BallastParKey key = k->key;
      key.v             = (int32_t)k->v;
      key.month         = month_of(k, D, &me);
      if (!k->err) k->err = BallastNIIParRate(k, &key, &k->repl_terms, me, k->df, &F);
      if (k->err) return;
    } else F = BallastDFTableForward(k->df, k->repl_curve, D, E);
    if (k->nmonths) spread(k, A * (F + k->margin) * BallastYearFraction(k->dcc, D, E, BALLAST_DATE_NONE), D, E);
    else k->nii_c += A * (F + k->margin) * BallastYearFraction(k->dcc, D, end, BALLAST_DATE_NONE);
    if (E <= D) break;
    D = E;
  }
}

/* Whether contract pc passes a resolved filter (the attributes of BallastFilterMatch, taken from
 * the driver's contract so that any source's contract can be matched). */
static PetscBool match(const BallastFilter *f, const BallastProjContract *pc)
{
  int32_t v[BALLAST_FILTER_NATTR];
  v[BALLAST_FILTER_PORTFOLIO]         = (int32_t)pc->p;
  v[BALLAST_FILTER_CONTRACT_TYPE]     = (int32_t)pc->t.contractType;
  v[BALLAST_FILTER_CURRENCY]          = (int32_t)pc->c;
  v[BALLAST_FILTER_CONTRACT_ROLE]     = (int32_t)pc->t.contractRole;
  v[BALLAST_FILTER_BEHAVIOUR_SEGMENT] = pc->alm->behaviourSegment;
  v[BALLAST_FILTER_LEGAL_ENTITY]      = pc->alm->legalEntity;
  v[BALLAST_FILTER_COUNTERPARTY_TYPE] = pc->alm->counterpartyType;
  for (int a = 0; a < BALLAST_FILTER_NATTR; a++) {
    if (!f->nvalues[a]) continue;
    PetscBool any = PETSC_FALSE;
    for (PetscInt j = 0; j < f->nvalues[a] && !any; j++) any = f->ids[a][j] == v[a];
    if (!any) return PETSC_FALSE;
  }
  return PETSC_TRUE;
}

/* The replacement business of a contract: scenario-invariant, once per contract. */
static PetscErrorCode contract_setup(BallastNII *k, const BallastProjContract *pc)
{
  const BallastTerms *t     = &pc->t;
  int                 ct    = (int)t->contractType;
  const BallastDate   as_of = k->s.as_of;
  PetscInt            conf  = -1;
  PetscFunctionBeginUser;
  k->serial     = pc->serial;
  k->dcc        = t->dayCountConvention < BALLAST_DCC_COUNT ? t->dayCountConvention : BALLAST_DCC_A365;
  k->md_split   = ct != BALLAST_CT_SWPPV && ct != BALLAST_CT_FXOUT;
  k->repl_cycle = (BallastCycle){0};
  k->repl_days  = 0;
  k->par        = 0;
  for (PetscInt i = 0; i < k->nmargins && conf < 0; i++)
    if (k->margins[i].filter.resolved && match(&k->margins[i].filter, pc)) conf = i;
  if (t->marketObjectCodeOfRateReset >= 0) {
    k->repl_curve = t->marketObjectCodeOfRateReset;
    k->repl_cycle = t->cycleOfRateReset;
    k->repl_days  = 365;
    k->margin     = conf >= 0 ? k->margins[conf].margin : isnan(t->rateSpread) ? 0.0 : t->rateSpread;
  } else {
    k->repl_curve = pc->kdisc;
    double r      = isnan(t->nominalInterestRate) ? 0.0 : t->nominalInterestRate, base;
    if (pc->callable) {
      if (ct == BALLAST_CT_CLM && t->xDayNotice.n > 0) k->repl_cycle = t->xDayNotice;
      k->repl_days = (int)(pc->due - as_of);
    } else if (t->maturityDate != BALLAST_DATE_NONE && t->initialExchangeDate != BALLAST_DATE_NONE && t->maturityDate > t->initialExchangeDate) {
      k->repl_days = (int)(t->maturityDate - t->initialExchangeDate); /* original term */
      k->par       = ct == BALLAST_CT_PAM || ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM || ct == BALLAST_CT_CLM;
    } else k->repl_days = 365; /* no original term known: one year (documented decision) */
    if (k->repl_days < 1) k->repl_days = 1;
    if (k->par) {
      /* the replacement instrument: the contract's type, role, cycles, day count and
       * amortisation, new at each replacement (cycles anchored at its start) */
      BallastTerms *u = &k->repl_terms;
      BallastTermsInit(u);
      u->contractType               = t->contractType;
      u->contractRole               = t->contractRole;
      u->dayCountConvention         = t->dayCountConvention;
      u->businessDayConvention      = t->businessDayConvention;
      u->calendar                   = t->calendar;
      u->endOfMonthConvention       = t->endOfMonthConvention;
      u->currency                   = t->currency;
      u->cycleOfInterestPayment     = t->cycleOfInterestPayment;
      u->cycleOfPrincipalRedemption = t->cycleOfPrincipalRedemption;
      u->notionalPrincipal          = 1.0;
      /* LAM repays a fixed amount per period: keep its share of the notional */
      if (ct == BALLAST_CT_LAM && !isnan(t->nextPrincipalRedemptionPayment) && t->notionalPrincipal > 0)
        u->nextPrincipalRedemptionPayment = t->nextPrincipalRedemptionPayment / t->notionalPrincipal;
      BallastParKey *key = &k->key;
      PetscCall(PetscMemzero(key, sizeof *key)); /* padding too: the key is compared as bytes */
      key->ct    = ct;
      key->dcc   = u->dayCountConvention;
      key->bdc   = u->businessDayConvention;
      key->cal   = u->calendar;
      key->eom   = u->endOfMonthConvention;
      key->kdisc = (int32_t)pc->kdisc;
      key->term  = k->repl_days;
      key->ipn   = u->cycleOfInterestPayment.n;
      key->ipu   = u->cycleOfInterestPayment.unit;
      key->prn   = u->cycleOfPrincipalRedemption.n;
      key->pru   = u->cycleOfPrincipalRedemption.unit;
      key->prnxt = isnan(u->nextPrincipalRedemptionPayment) ? 0.0 : u->nextPrincipalRedemptionPayment;
      BallastParKey k0 = *key; /* the base par rate at the as-of date for the same term (month 0) */
      k0.v             = 0;
      k0.month         = 0;
      PetscCall(BallastNIIParRate(k, &k0, u, as_of, k->s.df_base, &base));
    } else base = BallastDFTableForward(k->s.df_base, pc->kdisc, as_of, roll(k, as_of));
    k->margin = conf >= 0 ? k->margins[conf].margin : r - base;
  }
  if (k->margin_count) k->margin_count[pc->p * (k->nmargins + 1) + conf + 1] += 1.0;
  PetscFunctionReturn(0);
}

static unsigned nii_subscribe(void *ctx, PetscInt v) { return v < ((BallastNII *)ctx)->s.nscen ? BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS : 0; }

static PetscErrorCode nii_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastNII *k = (BallastNII *)ctx;
  PetscFunctionBeginUser;
  k->cash = pc->t.contractType == BALLAST_CT_CSH;
  if (k->serial != pc->serial && !k->cash) PetscCall(contract_setup(k, pc));
  k->active        = !k->cash;
  k->slotted       = pc->behavioural == BALLAST_FILTER_DEPOSIT_SLOTTING;
  k->df            = var->df;
  k->v             = var->v;
  k->nii_c         = 0.0;
  k->accrued_H     = 0.0;
  k->ad_seen       = 0;
  k->err           = 0;
  if (k->nmonths) {
    k->row_path   = &k->path[(var->v * BallastIRRBBNAct(&k->s) * k->s.nport + BallastIRRBBRow(&k->s, pc)) * k->nmonths * k->s.nccy + pc->c];
    k->path_w     = pc->weight;
    k->pending_a0 = pc->a0;
    k->last_int   = k->s.as_of;
    k->prev_int   = k->s.as_of;
  }
  k->last_notional = pc->sign * (isnan(pc->t.notionalPrincipal) ? 0.0 : pc->t.notionalPrincipal);
  /* an invariant contract: its events are the same under every scenario (the driver replays one
   * recording): the first scenario records the ops, the others replay them */
  k->inv_rec = k->inv_skip = 0;
  if (var->invariant && k->active && !k->nmonths && !k->inv_off) {
    if (var->v > 0 && k->inv_serial == pc->serial && k->inv_ok) k->inv_skip = 1;
    else {
      k->inv_rec    = 1;
      k->inv_serial = pc->serial;
      k->inv_ok     = 0;
      k->inv_err    = 0;
      k->nops       = 0;
    }
  }
  PetscFunctionReturn(0);
}

/* Record an op of an invariant contract's first scenario. */
static inline void rec_op(BallastNII *k, double x, BallastDate d, int repl)
{
  if (!k->inv_rec) return;
  if (k->nops == k->cops) {
    PetscInt             c  = k->cops ? 2 * k->cops : 64;
    struct BallastNIIOp *op = (struct BallastNIIOp *)realloc(k->ops, (size_t)c * sizeof *op);
    if (!op) {
      k->inv_err = 1; /* the other scenarios walk the events */
      k->inv_rec = 0;
      return;
    }
    k->ops  = op;
    k->cops = c;
  }
  k->ops[k->nops++] = (struct BallastNIIOp){x, d, repl};
}

static void nii_event(void *ctx, const BallastEvent *ev, int label)
{
  BallastNII *k = (BallastNII *)ctx;
  BallastDate d = ev->date, H = k->s.nii_end;
  (void)label;
  if (k->inv_skip) return; /* replayed from the ops in end() */
  if (d <= k->s.as_of) {
    k->last_notional = ev->notional; /* keep the state in step (statusDate before the as-of date) */
    return;
  }
  if (k->nmonths) { /* path mode: interest spread over its accrual period, principal replaced */
    if (k->active && !k->slotted) {
      double prin = (ev->type == BALLAST_EV_MD && k->md_split) ? k->last_notional - ev->notional : ev->payoff;
      if (ev->type == BALLAST_EV_IED) k->last_int = k->prev_int = d;
      else if (ev->type == BALLAST_EV_IP || ev->type == BALLAST_EV_IPFX || ev->type == BALLAST_EV_IPFL) path_interest(k, ev->payoff, d);
      else if (ev->type == BALLAST_EV_IPCI) path_interest(k, ev->notional - k->last_notional, d);
      else if (BallastEventIsPrincipal(ev->type)) {
        path_interest(k, ev->payoff - prin, d);
        if (prin != 0.0 && d < H) replace(k, prin, d);
      }
    }
    k->last_notional = ev->notional;
    return;
  }
  /* interest paid ON the horizon end accrued inside the horizon: it counts (the AD event at the
   * horizon end comes after it on that date and then holds 0) */
  if (k->active && !k->slotted && d <= H) {
    double prin = (ev->type == BALLAST_EV_MD && k->md_split) ? k->last_notional - ev->notional : ev->payoff;
    if (ev->type == BALLAST_EV_IP || ev->type == BALLAST_EV_IPFX || ev->type == BALLAST_EV_IPFL) {
      k->nii_c += ev->payoff;
      rec_op(k, ev->payoff, d, 0);
    } else if (ev->type == BALLAST_EV_IPCI) {
      double x = ev->notional - k->last_notional;
      k->nii_c += x;
      rec_op(k, x, d, 0);
    } else if (BallastEventIsPrincipal(ev->type)) {
      double x = ev->payoff - prin;
      k->nii_c += x; /* interest paid with the principal */
      rec_op(k, x, d, 0);
      if (prin != 0.0 && d < H) {
        replace(k, prin, d);
        rec_op(k, prin, d, 1);
      }
    } else if (d == H && ev->type == BALLAST_EV_AD) {
      k->accrued_H = ev->accrued;
      k->ad_seen   = 1;
    }
  }
  k->last_notional = ev->notional;
}

/* The scenario's change of the 1M zero rate of curve kc against the base scenario (continuous). */
static double short_shock(const BallastNII *k, PetscInt kc)
{
  BallastDate d1  = BallastDateAddMonths(k->s.as_of, 1);
  double      tau = (double)(d1 - k->s.as_of) / 365.0;
  return (-log(BallastDFTableGet(k->df, kc, d1)) + log(BallastDFTableGet(k->s.df_base, kc, d1))) / tau;
}

static PetscErrorCode nii_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastNII              *k = (BallastNII *)ctx;
  const BallastIRRBBSetup *s = &k->s;
  double                  *cell = &k->nii[(var->v * BallastIRRBBNAct(s) * s->nport + BallastIRRBBRow(s, pc)) * s->nccy + pc->c];
  PetscFunctionBeginUser;
  PetscCall(k->err);
  if (k->cash) {
    /* central-bank reserves and other cash: the configured rate of the currency, moved with the short end */
    double rr = k->reserves ? k->reserves[pc->c] : NAN, N = isnan(pc->t.notionalPrincipal) ? 0.0 : pc->t.notionalPrincipal;
    BallastDayCount dcc = pc->t.dayCountConvention < BALLAST_DCC_COUNT ? pc->t.dayCountConvention : BALLAST_DCC_A365;
    if (!isnan(rr) && pc->kdisc >= 0) {
      double amt = pc->sign * N * (rr + short_shock(k, pc->kdisc)) * BallastYearFraction(dcc, s->as_of, s->nii_end, BALLAST_DATE_NONE);
      if (k->nmonths) {
        k->row_path = &k->path[(var->v * BallastIRRBBNAct(s) * s->nport + BallastIRRBBRow(s, pc)) * k->nmonths * s->nccy + pc->c];
        k->path_w   = pc->weight;
        spread(k, amt, s->as_of, s->nii_end);
      } else *cell += pc->weight * amt;
    }
    PetscFunctionReturn(0);
  }
  if (!k->active) PetscFunctionReturn(0);
  if (k->inv_skip) { /* the first scenario's ops, in their order, at this scenario's rates */
    for (PetscInt i = 0; i < k->nops && !k->err; i++) {
      if (k->ops[i].replace) replace(k, k->ops[i].x, k->ops[i].d);
      else k->nii_c += k->ops[i].x;
    }
    PetscCall(k->err);
    k->accrued_H = k->inv_accrued_H;
    k->ad_seen   = k->inv_ad_seen;
  } else if (k->inv_rec) {
    k->inv_ok        = !k->inv_err;
    k->inv_accrued_H = k->accrued_H;
    k->inv_ad_seen   = k->ad_seen;
  }
  /* constant balance sheet of a slotted deposit: the balance stays, paying the deposit rate */
  if (k->nmonths) {
    if (k->slotted) spread(k, pc->sign * pc->t.notionalPrincipal * var->deposit_rate * BallastYearFraction(pc->t.dayCountConvention, s->as_of, s->nii_end, BALLAST_DATE_NONE), s->as_of, s->nii_end);
    PetscFunctionReturn(0);
  }
  if (k->slotted) k->nii_c += pc->sign * pc->t.notionalPrincipal * var->deposit_rate * BallastYearFraction(pc->t.dayCountConvention, s->as_of, s->nii_end, BALLAST_DATE_NONE) + pc->a0;
  *cell += pc->weight * (k->nii_c - pc->a0 + (k->ad_seen ? k->accrued_H : 0.0));
  PetscFunctionReturn(0);
}

static PetscErrorCode nii_merge(void *ctx, MPI_Comm comm)
{
  BallastNII *k = (BallastNII *)ctx;
  PetscFunctionBeginUser;
  BallastFoldActions(k->nii, k->s.nscen, BallastIRRBBNAct(&k->s), k->s.nport * k->s.nccy);
  PetscCall(BallastReducePartials(comm, k->s.nscen * BallastIRRBBNAct(&k->s) * k->s.nport * k->s.nccy, &k->nii));
  PetscCall(BallastReducePartials(comm, k->s.nport * (k->nmargins + 1), &k->margin_count));
  if (k->nmonths) {
    BallastFoldActions(k->path, k->s.nscen, BallastIRRBBNAct(&k->s), k->s.nport * k->nmonths * k->s.nccy);
    PetscCall(BallastReducePartials(comm, k->s.nscen * BallastIRRBBNAct(&k->s) * k->s.nport * k->nmonths * k->s.nccy, &k->path));
  }
  PetscFunctionReturn(0);
}

/* Checkpoint: portfolio p's rows of nii [nscen][nact][nport][nccy], margin_count [nport][nmargins + 1]
 * and in path mode path [nscen][nact][nport][nmonths][nccy] (the memo of par rates is a cache: the same
 * rates are computed again). */
static PetscErrorCode nii_pack(void *ctx, PetscInt p, void *buf, size_t *size)
{
  BallastNII *k = (BallastNII *)ctx;
  PetscInt    na = BallastIRRBBNAct(&k->s), C = k->s.nccy, M = k->nmonths, NM = k->nmargins + 1;
  PetscFunctionBeginUser;
  *size = p < 0 ? 0 : sizeof(double) * (size_t)(k->s.nscen * na * C + (k->margin_count ? NM : 0) + k->s.nscen * na * M * C);
  if (!buf || p < 0) PetscFunctionReturn(0);
  unsigned char *cur = (unsigned char *)buf;
  BallastPackDoubles(&cur, k->nii + p * C, k->s.nscen * na, k->s.nport * C, C);
  if (k->margin_count) BallastPackDoubles(&cur, k->margin_count + p * NM, 1, NM, NM);
  if (M) BallastPackDoubles(&cur, k->path + p * M * C, k->s.nscen * na, k->s.nport * M * C, M * C);
  PetscFunctionReturn(0);
}

static PetscErrorCode nii_unpack(void *ctx, PetscInt p, const void *buf, size_t size)
{
  BallastNII *k = (BallastNII *)ctx;
  PetscInt    na = BallastIRRBBNAct(&k->s), C = k->s.nccy, M = k->nmonths, NM = k->nmargins + 1;
  size_t      want;
  PetscFunctionBeginUser;
  PetscCall(nii_pack(ctx, p, NULL, &want));
  PetscCheck(size == want, PETSC_COMM_SELF, BALLAST_ERR_IO, "nii: %zu bytes for portfolio %" PetscInt_FMT ", expected %zu", size, p, want);
  if (p < 0) PetscFunctionReturn(0);
  const unsigned char *cur = (const unsigned char *)buf;
  BallastUnpackDoubles(&cur, k->nii + p * C, k->s.nscen * na, k->s.nport * C, C);
  if (k->margin_count) BallastUnpackDoubles(&cur, k->margin_count + p * NM, 1, NM, NM);
  if (M) BallastUnpackDoubles(&cur, k->path + p * M * C, k->s.nscen * na, k->s.nport * M * C, M * C);
  PetscFunctionReturn(0);
}

void BallastNIIConsumer(BallastNII *n, BallastConsumer *c)
{
  *c        = (BallastConsumer){.name = "nii", .ctx = n, .subscribe = nii_subscribe, .begin = nii_begin, .event = nii_event, .end = nii_end, .merge = nii_merge};
  c->pack   = nii_pack;
  c->unpack = nii_unpack;
}
