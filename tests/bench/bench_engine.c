#define _POSIX_C_SOURCE 200809L
/* Engine benchmark: events per second per core projecting a bank-like balance sheet (the
 * contracts.csv of `ballast generate`), next to a hand-written loop that does the minimum
 * arithmetic for the same cash flows over the same precomputed dates and year fractions.
 *   bench_engine CONTRACTS.csv [SCENARIOS=8] [HORIZON_YEARS=10]
 * Phases: load (terms), build (schedules, once per contract), project (engine, per scenario),
 * hand loop (per scenario). Timed with clock_gettime(CLOCK_MONOTONIC). One process, one core. */
#include <ballast/engine.h>
#include "engine/engine_impl.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* scenario market: every curve flat at `rate` */
static PetscErrorCode flat(void *ctx, int32_t moc, BallastDate d, BallastCycle p, double *v)
{
  (void)moc; (void)d; (void)p;
  *v = *(double *)ctx;
  return 0;
}

typedef struct {
  double   sum;
  long     n;
} Acc;

static void sink(void *ctx, const BallastEvent *ev)
{
  Acc *a = ctx;
  a->sum += ev->payoff;
  a->n++;
}

/* The hand loop's view of one contract: flat arrays of event types and year fractions copied from
 * the schedule, and the few terms the arithmetic needs. */
typedef struct {
  int     ct;
  long    off, n;
  double  nt, r, ipac, prnxt, spread, cap, floor_;
} Hand;

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: bench_engine CONTRACTS.csv [SCENARIOS=8] [HORIZON_YEARS=10]\n");
    return 2;
  }
  int nscen = argc > 2 ? atoi(argv[2]) : 8, hyears = argc > 3 ? atoi(argv[3]) : 10;
  if (PetscInitializeNoArguments()) return 1;

  /* ---- load */
  double t0 = now();
  FILE  *f  = fopen(argv[1], "r");
  if (!f) { perror(argv[1]); return 1; }
  static char line[1 << 16];
  char       *cols[256];
  int         idx[256], ncol = 0;
  BallastNames names;
  BallastNamesCreate(&names);
  if (!fgets(line, sizeof line, f)) return 1;
  line[strcspn(line, "\r\n")] = 0;
  for (char *p = strtok(line, ","); p && ncol < 256; p = strtok(NULL, ",")) idx[ncol++] = BallastTermsLookup(p);
  long          cap = 1024, n = 0;
  BallastTerms *terms = malloc(sizeof(BallastTerms) * (size_t)cap);
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\r\n")] = 0;
    int   k = 0;
    char *p = line;
    for (;;) { /* split keeping empty cells (the generator writes no quoted cells) */
      cols[k++] = p;
      char *c   = strchr(p, ',');
      if (!c || k == ncol) break;
      *c = 0;
      p  = c + 1;
    }
    if (n == cap) terms = realloc(terms, sizeof(BallastTerms) * (size_t)(cap *= 2));
    BallastTerms *t = &terms[n];
    BallastTermsInit(t);
    char err[256];
    for (int j = 0; j < k; j++)
      if (idx[j] >= 0 && BallastTermsSetIndex(t, names, idx[j], cols[j], err, sizeof err)) { fprintf(stderr, "line %ld col %d: %s\n", n + 2, j, err); return 3; }
    n++;
  }
  fclose(f);
  double tload = now() - t0;

  /* ---- build once per contract; keep a flat copy of (type, yf) for the hand loop */
  t0 = now();
  BallastSchedule *ws = malloc(sizeof(BallastSchedule) * (size_t)n);
  Hand            *hand = malloc(sizeof(Hand) * (size_t)n);
  long             tot = 0;
  for (long i = 0; i < n; i++) {
    BallastDate hz = terms[i].statusDate + 365 * hyears + hyears / 4;
    BallastScheduleCreate(&ws[i]);
    if (BallastScheduleBuild(ws[i], &terms[i], hz)) { fprintf(stderr, "contract %ld: build failed\n", i); return 3; }
    tot += ws[i]->n;
  }
  double tbuild = now() - t0;
  int8_t *htype = malloc((size_t)tot);
  double *hyf   = malloc(sizeof(double) * (size_t)tot);
  long    off   = 0;
  for (long i = 0; i < n; i++) {
    const BallastTerms *t = &terms[i];
    double              R = ws[i]->sign;
    hand[i]               = (Hand){t->contractType, off, ws[i]->n, R * t->notionalPrincipal, isnan(t->nominalInterestRate) ? 0 : t->nominalInterestRate,
                                   ws[i]->ipac0, isnan(t->nextPrincipalRedemptionPayment) ? 0 : R * t->nextPrincipalRedemptionPayment,
                                   isnan(t->rateSpread) ? 0 : t->rateSpread, isnan(t->lifeCap) ? INFINITY : t->lifeCap, isnan(t->lifeFloor) ? -INFINITY : t->lifeFloor};
    if (t->contractType == BALLAST_CT_SWPPV) hand[i].r = t->nominalInterestRate2;
    for (long j = 0; j < ws[i]->n; j++) {
      htype[off + j] = ws[i]->ev[j].type;
      hyf[off + j]   = ws[i]->ev[j].yf;
    }
    off += ws[i]->n;
  }

  /* ---- engine: every contract under every scenario */
  Acc    acc = {0, 0};
  double sums_engine[64] = {0}, sums_hand[64] = {0};
  t0 = now();
  for (int s = 0; s < nscen; s++) {
    double        rate = 0.01 + 0.0025 * s;
    BallastMarket m    = {&rate, flat, NULL};
    Acc           a    = {0, 0};
    for (long i = 0; i < n; i++) BallastProject(ws[i], &terms[i], &m, sink, &a);
    sums_engine[s % 64] += a.sum;
    acc.n += a.n;
  }
  double tproj = now() - t0;

  /* ---- hand loop: the same cash flows, minimum arithmetic (fixed-rate annuities keep the given
   * instalment; swaps net the two legs) */
  long hn = 0;
  t0      = now();
  for (int s = 0; s < nscen; s++) {
    double rate = 0.01 + 0.0025 * s, sum = 0;
    for (long i = 0; i < n; i++) {
      const Hand *h  = &hand[i];
      double      nt = h->nt, r = h->r, ipac = h->ipac, prnxt = h->prnxt, fixr = terms[i].nominalInterestRate;
      double      ipf = h->ct == BALLAST_CT_SWPPV ? h->ipac : 0, ipv = 0; /* swap legs' accruals */
      if (h->ct == BALLAST_CT_SWPPV) {
        for (long j = h->off, e = h->off + h->n; j < e; j++) {
          double yf = hyf[j], pay = 0;
          ipf += yf * fixr * nt;
          ipv += yf * r * nt;
          switch (htype[j]) {
          case BALLAST_EV_IP: pay = ipf - ipv; ipf = ipv = 0; break;
          case BALLAST_EV_IPFX: pay = ipf; ipf = 0; break;
          case BALLAST_EV_IPFL: pay = -ipv; ipv = 0; break;
          case BALLAST_EV_RR: r = rate + h->spread; break;
          default: break;
          }
          sum += pay;
          hn++;
        }
        continue;
      }
      for (long j = h->off, e = h->off + h->n; j < e; j++) {
        double yf = hyf[j], pay = 0;
        switch (htype[j]) {
        case BALLAST_EV_IP: pay = ipac + yf * r * nt; ipac = 0; break;
        case BALLAST_EV_PRF: { /* annuity on the remaining principal dates */
          const EngineEvent *ev = &ws[i]->ev[j - h->off];
          ipac += yf * r * nt;
          double prod = 1, den = 0;
          for (long k = ws[i]->nann - 1; k >= ev->ann; k--) {
            den += prod;
            prod *= 1 + r * (k == ev->ann ? ev->yfa : ws[i]->annyf[k]);
          }
          if (ev->ann < ws[i]->nann) prnxt = nt * prod / den;
          break;
        }
        case BALLAST_EV_IPCI: nt += ipac + yf * r * nt; ipac = 0; break;
        case BALLAST_EV_PR: {
          ipac += yf * r * nt;
          double red = h->ct == BALLAST_CT_LAM ? prnxt : prnxt - ipac;
          if (fabs(red) > fabs(nt)) red = nt;
          pay = red;
          nt -= red;
          break;
        }
        case BALLAST_EV_RR: {
          ipac += yf * r * nt;
          double x = rate + h->spread;
          r        = x > h->cap ? h->cap : x < h->floor_ ? h->floor_ : x;
          break;
        }
        case BALLAST_EV_MD: pay = nt + ipac + yf * r * nt; nt = ipac = 0; break;
        default: ipac += yf * r * nt; break;
        }
        sum += pay;
        hn++;
      }
    }
    sums_hand[s % 64] += sum;
  }
  double thand = now() - t0;

  double maxrel = 0;
  for (int s = 0; s < nscen && s < 64; s++) maxrel = fmax(maxrel, fabs(sums_engine[s] - sums_hand[s]) / fmax(1.0, fabs(sums_engine[s])));
  printf("contracts            %ld\n", n);
  printf("scenarios            %d\n", nscen);
  printf("events per scenario  %ld\n", tot);
  printf("load                 %.3f s\n", tload);
  printf("build (once)         %.3f s  (%.3g contracts/s)\n", tbuild, n / tbuild);
  printf("engine project       %.3f s  %.4g events/s\n", tproj, acc.n / tproj);
  printf("hand loop            %.3f s  %.4g events/s\n", thand, hn / thand);
  printf("engine / hand time   %.2f\n", tproj / thand);
  printf("build+project / hand %.2f (one scenario's share of the build: %.2f)\n", (tproj + tbuild) / thand, (tproj + tbuild / nscen) / thand);
  printf("payoff sums: max relative difference engine vs hand %.3g\n", maxrel);
  for (long i = 0; i < n; i++) BallastScheduleDestroy(&ws[i]);
  free(ws); free(hand); free(htype); free(hyf); free(terms);
  BallastNamesDestroy(&names);
  PetscFinalize();
  return 0;
}
