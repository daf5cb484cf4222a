/* Contracts loaded mid-life (the normal case in a bank): state from the terms at statusDate,
 * only later events produced. Expected values are computed by hand in the comments; 30E360 is
 * used so that every period is an exact fraction of a year. The fast path (schedule built once,
 * projected twice) is also checked against the reference path. */
#include <ballast/engine.h>
#include <tap/basic.h>
#include <math.h>
#include <string.h>

#define MAXEV 256
typedef struct {
  int          n;
  BallastEvent ev[MAXEV];
} Collect;

static void collect(void *ctx, const BallastEvent *ev)
{
  Collect *c = ctx;
  if (c->n < MAXEV) c->ev[c->n++] = *ev;
}

static BallastNames names;

static void set(BallastTerms *t, const char *k, const char *v)
{
  char err[256];
  if (BallastTermsSet(t, names, k, v, err, sizeof err)) bail("term %s=%s: %s", k, v, err);
}

static BallastDate D(const char *s)
{
  BallastDate d;
  if (BallastDateParse(s, &d)) bail("bad date %s", s);
  return d;
}

/* constant market rate (ctx points to it) */
static PetscErrorCode flat(void *ctx, int32_t moc, BallastDate d, BallastCycle p, double *v)
{
  (void)moc; (void)d; (void)p;
  *v = *(double *)ctx;
  return 0;
}

static int find(const Collect *c, const char *date, int type)
{
  for (int i = 0; i < c->n; i++)
    if (c->ev[i].date == D(date) && c->ev[i].type == type) return i;
  return -1;
}

static Collect got, ref;

static void project(const BallastTerms *t, const BallastMarket *m)
{
  BallastSchedule ws;
  got.n = ref.n = 0;
  if (BallastScheduleCreate(&ws) || BallastScheduleBuild(ws, t, BALLAST_DATE_NONE)) bail("build failed");
  /* twice on the same schedule: the numeric pass must not depend on a previous pass */
  if (BallastProject(ws, t, m, collect, &got)) bail("project failed");
  got.n = 0;
  if (BallastProject(ws, t, m, collect, &got)) bail("project failed");
  BallastScheduleDestroy(&ws);
  if (BallastProjectRef(t, BALLAST_DATE_NONE, NULL, 0, NULL, m, collect, &ref)) bail("reference failed");
  int same = got.n == ref.n;
  for (int i = 0; same && i < got.n; i++) {
    const BallastEvent *a = &got.ev[i], *b = &ref.ev[i];
    same = a->date == b->date && a->type == b->type && a->payoff == b->payoff && a->notional == b->notional && a->rate == b->rate &&
           a->accrued == b->accrued && a->currency == b->currency;
  }
  ok(same, "fast path equals reference path (%d events)", got.n);
}

/* A 2-year monthly mortgage (ANN) loaded after 12 payments. statusDate 2026-01-01 is a payment
 * date; outstanding 100000 at 6 % (0.5 % a month under 30E360), no instalment given, so the
 * engine recomputes the annuity on the outstanding notional over the 12 remaining dates
 * 2026-02-01 .. 2027-01-01:
 *   A = N i q / (q - 1), i = 0.005, q = 1.005^12 = 1.0616778118644983
 *     = 100000 * 0.005 * 1.0616778118644983 / 0.0616778118644983 = 8606.642970708237
 * First payment 2026-02-01: interest 100000 * 0.005 = 500, principal A - 500 = 8106.642970708237,
 * outstanding 91893.35702929176. Every date pays PR + IP = A; at maturity IP + MD = A and the
 * notional is 0. */
static void mortgage(void)
{
  BallastTerms t;
  BallastTermsInit(&t);
  set(&t, "contractType", "ANN");
  set(&t, "contractRole", "RPA");
  set(&t, "statusDate", "2026-01-01");
  set(&t, "initialExchangeDate", "2025-01-01");
  set(&t, "maturityDate", "2027-01-01");
  set(&t, "notionalPrincipal", "100000");
  set(&t, "nominalInterestRate", "0.06");
  set(&t, "accruedInterest", "0");
  set(&t, "dayCountConvention", "30E360");
  set(&t, "cycleAnchorDateOfPrincipalRedemption", "2025-02-01");
  set(&t, "cycleOfPrincipalRedemption", "P1ML1");
  set(&t, "cycleAnchorDateOfInterestPayment", "2025-02-01");
  set(&t, "cycleOfInterestPayment", "P1ML1");
  set(&t, "currency", "EUR");
  project(&t, NULL);
  const double A = 8606.642970708237;
  int          pr = find(&got, "2026-02-01", BALLAST_EV_PR), ip = find(&got, "2026-02-01", BALLAST_EV_IP);
  ok(got.n > 0 && got.ev[0].date == D("2026-02-01"), "first event after statusDate");
  ok(pr >= 0 && ip >= 0, "PR and IP on 2026-02-01");
  if (pr < 0 || ip < 0) return;
  is_close(8106.642970708237, got.ev[pr].payoff, 1e-12, 1e-9, "first principal A - 500");
  is_close(500.0, got.ev[ip].payoff, 1e-12, 1e-9, "first interest 100000 * 0.06 / 12");
  is_close(91893.35702929176, got.ev[pr].notional, 1e-12, 1e-9, "outstanding after the first payment");
  int    dates = 0, allA = 1;
  double pay   = 0;
  for (int i = 0; i < got.n; i++) {
    pay += got.ev[i].payoff;
    if (i + 1 == got.n || got.ev[i + 1].date != got.ev[i].date) {
      dates++;
      if (fabs(pay - A) > 1e-6) {
        allA = 0;
        diag("date %d pays %.10f", dates, pay);
      }
      pay = 0;
    }
  }
  is_int(12, dates, "12 remaining payment dates");
  ok(allA, "every date pays the annuity 8606.642970708237");
  is_int(BALLAST_EV_MD, got.ev[got.n - 1].type, "last event is maturity");
  is_close(0.0, got.ev[got.n - 1].notional, 0, 1e-9, "fully repaid");
}

/* A floating loan (PAM) loaded between two quarterly dates. statusDate 2026-03-15; notional
 * 1,000,000 at 4 %, accrued interest 7500 as given (not estimated). Next interest date
 * 2026-04-01: 16 days under 30E360, so IP = 7500 + 1e6 * 0.04 * 16/360 = 9277.777777777777.
 * The reset on 2026-04-01 observes 4.5 % + 1 % spread = 5.5 %, capped by lifeCap 5 %; the next
 * coupon 2026-07-01 is 1e6 * 0.05 * 90/360 = 12500. */
static void floating_cap(void)
{
  BallastTerms t;
  double       mkt = 0.045;
  BallastTermsInit(&t);
  set(&t, "contractType", "PAM");
  set(&t, "contractRole", "RPA");
  set(&t, "statusDate", "2026-03-15");
  set(&t, "initialExchangeDate", "2025-01-01");
  set(&t, "maturityDate", "2027-01-01");
  set(&t, "notionalPrincipal", "1000000");
  set(&t, "nominalInterestRate", "0.04");
  set(&t, "accruedInterest", "7500");
  set(&t, "dayCountConvention", "30E360");
  set(&t, "cycleAnchorDateOfInterestPayment", "2025-04-01");
  set(&t, "cycleOfInterestPayment", "P3ML1");
  set(&t, "cycleAnchorDateOfRateReset", "2025-04-01");
  set(&t, "cycleOfRateReset", "P3ML1");
  set(&t, "rateSpread", "0.01");
  set(&t, "lifeCap", "0.05");
  set(&t, "marketObjectCodeOfRateReset", "EUR_3M");
  set(&t, "currency", "EUR");
  BallastMarket m = {&mkt, flat, NULL};
  project(&t, &m);
  int ip = find(&got, "2026-04-01", BALLAST_EV_IP), rr = find(&got, "2026-04-01", BALLAST_EV_RR), ip2 = find(&got, "2026-07-01", BALLAST_EV_IP);
  ok(ip == 0, "first event is the 2026-04-01 coupon");
  ok(rr == 1, "reset after the coupon");
  if (ip < 0 || rr < 0 || ip2 < 0) return;
  is_close(9277.777777777777, got.ev[ip].payoff, 1e-12, 1e-9, "coupon = given accrued + 16 days");
  is_close(0.05, got.ev[rr].rate, 0, 1e-15, "5.5 %% capped at lifeCap 5 %%");
  is_close(12500.0, got.ev[ip2].payoff, 1e-12, 1e-9, "next coupon at the capped rate");
  int md = find(&got, "2027-01-01", BALLAST_EV_MD);
  ok(md >= 0 && fabs(got.ev[md].payoff - 1e6) < 1e-6, "principal repaid at maturity");
}

/* A receive-fixed swap (SWPPV, role RFL, net settlement) between two semiannual dates:
 * statusDate 2026-03-01, notional 10M, fixed 3 %, floating fixed at 2.5 % on 2026-01-01; net
 * accrued 2 months = 10M * (0.03 - 0.025) * 60/360 = 8333.33 as given. Next payment 2026-07-01:
 * 8333.333333333333 + 10M * 0.005 * 120/360 = 25000. The reset on 2026-07-01 observes 2 %; the
 * last payment 2027-01-01 is 10M * (0.03 - 0.02) * 180/360 = 50000; maturity pays nothing. */
static void swap(void)
{
  BallastTerms t;
  double       mkt = 0.02;
  BallastTermsInit(&t);
  set(&t, "contractType", "SWPPV");
  set(&t, "contractRole", "RFL");
  set(&t, "statusDate", "2026-03-01");
  set(&t, "initialExchangeDate", "2025-01-01");
  set(&t, "maturityDate", "2027-01-01");
  set(&t, "notionalPrincipal", "10000000");
  set(&t, "nominalInterestRate", "0.03");
  set(&t, "nominalInterestRate2", "0.025");
  set(&t, "accruedInterest", "8333.333333333333");
  set(&t, "dayCountConvention", "30E360");
  set(&t, "cycleAnchorDateOfInterestPayment", "2025-07-01");
  set(&t, "cycleOfInterestPayment", "P6ML1");
  set(&t, "cycleAnchorDateOfRateReset", "2025-07-01");
  set(&t, "cycleOfRateReset", "P6ML1");
  set(&t, "marketObjectCodeOfRateReset", "EUR_6M");
  set(&t, "deliverySettlement", "S");
  set(&t, "currency", "EUR");
  BallastMarket m = {&mkt, flat, NULL};
  project(&t, &m);
  int ip = find(&got, "2026-07-01", BALLAST_EV_IP), rr = find(&got, "2026-07-01", BALLAST_EV_RR);
  int ip2 = find(&got, "2027-01-01", BALLAST_EV_IP), md = find(&got, "2027-01-01", BALLAST_EV_MD);
  is_int(4, got.n, "IP, RR, IP, MD after statusDate");
  if (ip < 0 || rr < 0 || ip2 < 0 || md < 0) return;
  is_close(25000.0, got.ev[ip].payoff, 1e-12, 1e-9, "net payment: given accrual + 4 months");
  is_close(0.02, got.ev[rr].rate, 0, 1e-15, "floating leg reset to 2 %%");
  is_close(50000.0, got.ev[ip2].payoff, 1e-12, 1e-9, "last net payment");
  is_close(0.0, got.ev[md].payoff, 0, 1e-12, "no principal exchange at maturity");
}

int main(void)
{
  if (PetscInitializeNoArguments()) bail("PetscInitialize failed");
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  if (BallastNamesCreate(&names)) bail("names");
  plan_lazy();
  mortgage();
  floating_cap();
  swap();
  BallastNamesDestroy(&names);
  PetscFinalize();
  return 0;
}
