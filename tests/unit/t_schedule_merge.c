/* The schedule builder without sorting (issue 14 item 2) against the builder as it was: every
 * event appended and qsort-ed, cycle dates by BallastDateAddMonths per date, year fractions by
 * BallastYearFraction (BallastScheduleBuildLegacy, kept for this test only). The two must give
 * bitwise identical schedules (dates, calculation dates, types, priorities, flags, year fractions,
 * the annuity chain and the initial state) for
 *   - every contract of a generated bank (`ballast generate`, every type it writes), and
 *   - many random contracts of every contract type with every day count, business-day
 *     convention, calendar, end-of-month convention, cycle unit and stub, and the optional
 *     dated terms (purchase, termination, capitalisation end, resets, fixings, observed events
 *     in any order).
 * The ACTUS reference cases (t_actus_conformance) check the order and values themselves against
 * the published results; this test checks that the new builder is the old one. */
#define _POSIX_C_SOURCE 200809L
#include "tap/basic.h"
#include <ballast/commands.h>
#include <ballast/engine.h>
#include "engine/engine_impl.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static BallastSchedule ws_new, ws_old;
static long            nbuilt, nfail, nevents;

/* 0 when identical; otherwise a description in why */
static int same(BallastSchedule a, BallastSchedule b, char *why, size_t len)
{
  if (a->n != b->n) return snprintf(why, len, "%ld events against %ld", (long)a->n, (long)b->n), 1;
  for (PetscInt i = 0; i < a->n; i++) {
    const EngineEvent *x = &a->ev[i], *y = &b->ev[i];
    if (x->date != y->date || x->calc != y->calc || x->type != y->type || x->prio != y->prio || x->flags != y->flags || x->ann != y->ann ||
        memcmp(&x->yf, &y->yf, sizeof(double)) || memcmp(&x->yfa, &y->yfa, sizeof(double)))
      return snprintf(why, len, "event %ld: %s on %d (calc %d, yf %.17g) against %s on %d (calc %d, yf %.17g)", (long)i, BallastEventTypeName(x->type), (int)x->date,
                      (int)x->calc, x->yf, BallastEventTypeName(y->type), (int)y->date, (int)y->calc, y->yf),
             1;
  }
  if (a->nann != b->nann) return snprintf(why, len, "annuity chain %ld against %ld", (long)a->nann, (long)b->nann), 1;
  for (PetscInt i = 0; i < a->nann; i++)
    if (a->anndate[i] != b->anndate[i] || memcmp(&a->annyf[i], &b->annyf[i], sizeof(double))) return snprintf(why, len, "annuity chain entry %ld", (long)i), 1;
  if (a->md != b->md || a->ann0 != b->ann0 || memcmp(&a->yfa0, &b->yfa0, sizeof(double)) || memcmp(&a->ipac0, &b->ipac0, sizeof(double)) || a->preIED != b->preIED)
    return snprintf(why, len, "initial state"), 1;
  return 0;
}

/* Build both ways; 0 when identical (also when both reject the terms). */
static int check(const BallastTerms *t, BallastDate horizon, PetscInt nobs, const BallastObservedEvent *obs, char *why, size_t len)
{
  PetscErrorCode en = BallastScheduleBuildEx(ws_new, t, horizon, NULL, nobs, obs);
  PetscErrorCode eo = BallastScheduleBuildLegacy(ws_old, t, horizon, NULL, nobs, obs);
  nbuilt++;
  if ((en != 0) != (eo != 0)) return snprintf(why, len, "build error %d against %d", (int)en, (int)eo), 1;
  if (en) {
    nfail++;
    return 0;
  }
  nevents += ws_new->n;
  return same(ws_new, ws_old, why, len);
}

/* ---- a deterministic generator of random terms (xorshift64*) */
static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 2685821657736338717ULL;
}
static int    pick(int n) { return (int)(next() % (uint64_t)n); }

static BallastCycle cycle(int allow_days)
{
  static const char units[] = {'M', 'Q', 'H', 'Y', 'D', 'W'};
  static const int  nmax[]  = {12, 4, 2, 2, 90, 8};
  BallastCycle      c;
  int               u = pick(allow_days ? 6 : 4);
  c.unit            = units[u];
  c.n               = (int16_t)(1 + pick(nmax[u]));
  c.stub            = (int8_t)pick(2);
  return c;
}

/* a date near d: often a month end or the 28th-31st, where the conventions differ */
static BallastDate near(BallastDate d, int spread)
{
  BallastDate x = d + pick(2 * spread + 1) - spread;
  if (pick(3) == 0) {
    int y, m, dd;
    BallastDateToYMD(x, &y, &m, &dd);
    x = BallastDateFromYMD(y, m, BallastDaysInMonth(y, m) - pick(4));
  }
  return x;
}

static void random_terms(BallastTerms *t, int ct)
{
  BallastTermsInit(t);
  BallastDate t0 = BallastDateFromYMD(2020 + pick(6), 1 + pick(12), 1 + pick(31 - 3));
  t->contractType          = (BallastContractType)ct;
  t->contractRole          = pick(2) ? BALLAST_ROLE_RPA : BALLAST_ROLE_RPL;
  t->statusDate            = t0;
  t->dayCountConvention    = (BallastDayCount)pick(BALLAST_DCC_COUNT);
  t->businessDayConvention = (BallastBusinessDay)pick(BALLAST_BDC_COUNT);
  t->calendar              = (BallastCalendar)pick(2);
  t->endOfMonthConvention  = (BallastEndOfMonth)pick(2);
  t->notionalPrincipal     = 1000.0 * (1 + pick(1000));
  t->nominalInterestRate   = pick(8) ? 0.001 * pick(80) : NAN;
  t->currency              = 0;
  BallastDate ied          = pick(3) ? near(t0 - pick(3000), 0) : near(t0 + pick(400), 0);
  BallastDate md           = ied + 30 + pick(30 * 365);
  if (pick(4) == 0) md = near(md, 2);
  t->initialExchangeDate = ied;
  t->maturityDate        = md;
  if (!isnan(t->nominalInterestRate) && ied < t0) t->accruedInterest = 0.01 * pick(1000);
  switch (ct) {
  case BALLAST_CT_PAM:
  case BALLAST_CT_LAM:
  case BALLAST_CT_NAM:
  case BALLAST_CT_ANN:
    if (pick(5)) t->cycleOfInterestPayment = cycle(pick(6) == 0);
    if (pick(3) == 0) t->cycleAnchorDateOfInterestPayment = near(ied + pick(400), 3);
    if (ct != BALLAST_CT_PAM) {
      t->cycleOfPrincipalRedemption = cycle(pick(8) == 0);
      if (pick(2)) t->cycleAnchorDateOfPrincipalRedemption = near(ied + pick(400), 3);
      if (ct != BALLAST_CT_ANN || pick(2)) t->nextPrincipalRedemptionPayment = t->notionalPrincipal / (2 + pick(200));
      if (pick(6) == 0) t->maturityDate = BALLAST_DATE_NONE; /* derived from the instalments */
      if (ct == BALLAST_CT_ANN && pick(5) == 0) t->amortizationDate = md + pick(3000);
      if (pick(4) == 0) {
        t->interestCalculationBase = BALLAST_IPCB_NTL;
        if (pick(2)) t->cycleOfInterestCalculationBase = cycle(0);
        if (pick(2)) t->cycleAnchorDateOfInterestCalculationBase = near(ied + pick(500), 2);
      }
    }
    if (pick(6) == 0) t->capitalizationEndDate = near(ied + pick(2000), 3);
    if (pick(6) == 0) {
      t->scalingEffect = (BallastScalingEffect)(1 + pick(3));
      t->cycleOfScalingIndex = cycle(0);
    }
    break;
  case BALLAST_CT_CLM:
    if (pick(2)) t->maturityDate = BALLAST_DATE_NONE;
    if (pick(2)) t->cycleOfInterestPayment = cycle(pick(4) == 0);
    if (pick(3) == 0) t->cycleAnchorDateOfInterestPayment = near(ied + pick(400), 3);
    if (pick(2)) t->xDayNotice = (BallastCycle){(int16_t)(1 + pick(90)), 'D', 1};
    break;
  case BALLAST_CT_UMP:
    t->maturityDate = pick(4) == 0 ? md : BALLAST_DATE_NONE;
    if (pick(4)) t->cycleOfInterestPayment = cycle(pick(4) == 0);
    if (pick(3) == 0) t->cycleAnchorDateOfInterestPayment = near(ied + pick(400), 3);
    break;
  case BALLAST_CT_SWPPV:
    t->cycleOfInterestPayment = cycle(pick(6) == 0);
    t->nominalInterestRate2   = 0.001 * pick(60);
    t->deliverySettlement     = (BallastDeliverySettlement)pick(2);
    if (pick(3) == 0) t->cycleAnchorDateOfInterestPayment = near(ied + pick(400), 3);
    t->cycleOfRateReset                = cycle(0);
    t->marketObjectCodeOfRateReset     = 0;
    break;
  case BALLAST_CT_STK:
    t->maturityDate = BALLAST_DATE_NONE;
    t->initialExchangeDate = BALLAST_DATE_NONE;
    if (pick(4)) t->cycleOfDividendPayment = cycle(0);
    if (pick(2)) t->cycleAnchorDateOfDividendPayment = near(t0 + pick(400), 3);
    break;
  case BALLAST_CT_FXOUT:
    t->deliverySettlement = (BallastDeliverySettlement)pick(2);
    if (pick(2)) t->settlementPeriod = (BallastCycle){(int16_t)(1 + pick(5)), 'D', 1};
    t->notionalPrincipal2 = t->notionalPrincipal * 1.1;
    t->currency2          = 1;
    break;
  default: break;
  }
  /* resets on the loan, CLM and UMP types */
  if ((ct <= BALLAST_CT_UMP) && pick(3) == 0) {
    t->cycleOfRateReset            = cycle(pick(6) == 0);
    t->marketObjectCodeOfRateReset = 0;
    if (pick(2)) t->cycleAnchorDateOfRateReset = near(ied + pick(600), 3);
    if (pick(2)) t->nextResetRate = 0.02;
  }
  if (pick(8) == 0) t->purchaseDate = near(t0 + pick(300), 2);
  if (pick(8) == 0) t->terminationDate = near(t0 + pick(4000), 2);
}

static const char *gen_argv[] = {"generate", "--contracts", "4000", "--portfolios", "8", "--seed", "11", "--out", NULL, NULL};

int main(void)
{
  char why[320], dir[] = "/tmp/t_schedule_merge_XXXXXX";
  if (PetscInitializeNoArguments()) bail("PetscInitialize failed");
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL); /* rejected terms are compared, not reported */
  plan(4);
  BallastScheduleCreate(&ws_new);
  BallastScheduleCreate(&ws_old);

  /* 1. a generated bank */
  if (!mkdtemp(dir)) bail("mkdtemp");
  char out[600], csv[700];
  snprintf(out, sizeof out, "%s/bs", dir);
  gen_argv[8] = out;
  if (BallastCmdGenerate(9, (char **)gen_argv)) bail("ballast generate failed");
  snprintf(csv, sizeof csv, "%s/contracts.csv", out);
  FILE *f = fopen(csv, "r");
  if (!f) bail("cannot open %s", csv);
  static char line[1 << 16];
  char       *cols[256];
  int         idx[256], ncol = 0, ctype_seen[BALLAST_CT_COUNT] = {0};
  BallastNames names;
  BallastNamesCreate(&names);
  if (!fgets(line, sizeof line, f)) bail("empty %s", csv);
  line[strcspn(line, "\r\n")] = 0;
  for (char *p = strtok(line, ","); p && ncol < 256; p = strtok(NULL, ",")) idx[ncol++] = BallastTermsLookup(p);
  long ngen = 0, bad = 0;
  char first_bad[512] = "";
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    int   k = 0;
    char *p = line;
    for (;;) {
      cols[k++] = p;
      char *c   = strchr(p, ',');
      if (!c || k == ncol) break;
      *c = 0;
      p  = c + 1;
    }
    BallastTerms t;
    BallastTermsInit(&t);
    char err[256];
    for (int j = 0; j < k; j++)
      if (idx[j] >= 0) (void)BallastTermsSetIndex(&t, names, idx[j], cols[j], err, sizeof err);
    ctype_seen[t.contractType]++;
    for (int h = 0; h < 2; h++) { /* a short and a long horizon */
      BallastDate hz = t.statusDate + (h ? 365 * 30 : 366);
      if (check(&t, hz, 0, NULL, why, sizeof why) && !bad++) snprintf(first_bad, sizeof first_bad, "line %ld: %s", ngen + 2, why);
    }
    ngen++;
  }
  fclose(f);
  ok(ngen > 1000 && bad == 0, "generated bank: %ld contracts, schedules identical to the sorting builder%s%s", ngen, bad ? "; " : "", first_bad);
  diag("generated bank types: PAM %d ANN %d LAM %d NAM %d CLM %d UMP %d SWPPV %d CSH %d", ctype_seen[0], ctype_seen[1], ctype_seen[2], ctype_seen[3], ctype_seen[4],
       ctype_seen[5], ctype_seen[6], ctype_seen[7]);

  /* 2. random contracts of every type */
  long per_type = 3000, rbad = 0, nb0 = nbuilt, nf0 = nfail;
  first_bad[0] = 0;
  for (int ct = 0; ct < BALLAST_CT_COUNT; ct++)
    for (long i = 0; i < per_type; i++) {
      BallastTerms t;
      random_terms(&t, ct);
      BallastObservedEvent obs[4];
      PetscInt             nobs = 0;
      if (pick(6) == 0) { /* observed events, in any order (they are appended as given) */
        nobs = 1 + pick(3);
        for (PetscInt o = 0; o < nobs; o++) {
          obs[o].date = t.statusDate + 1 + pick(3000);
          obs[o].type = (ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP) && o == 0 ? BALLAST_EV_XD : (pick(2) ? BALLAST_EV_PP : BALLAST_EV_PY);
        }
      }
      BallastDate hz = t.statusDate + 365 * (1 + pick(40));
      if (check(&t, hz, nobs, obs, why, sizeof why) && !rbad++) snprintf(first_bad, sizeof first_bad, "type %s #%ld: %s", BallastContractTypeName((BallastContractType)ct), i, why);
    }
  ok(rbad == 0, "random contracts: %ld of %d types (%ld rejected by both builders), identical%s%s", nbuilt - nb0, BALLAST_CT_COUNT, nfail - nf0, rbad ? "; " : "", first_bad);
  ok(nfail - nf0 < (nbuilt - nb0) / 4, "most random contracts are valid (%ld of %ld rejected)", nfail - nf0, nbuilt - nb0);
  ok(nevents > 1000000, "%ld events compared", nevents);

  BallastScheduleDestroy(&ws_new);
  BallastScheduleDestroy(&ws_old);
  BallastNamesDestroy(&names);
  char cmd[800];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) diag("could not remove %s", dir);
  PetscFinalize();
  return tap_failed() ? 1 : 0;
}
