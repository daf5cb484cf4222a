/* Synthetic behavioural histories (include/ballast/behaviour.h, BallastBehHistorySynthesize): a
 * monthly history drawn from KNOWN true parameters plus noise, so that the calibration can be
 * checked against the truth (`ballast generate` writes them with history-true-parameters.csv; the
 * tests and the benchmark draw them in memory).
 *
 * Market rates (percent, then decimals): a Nelson-Siegel curve r(m) = L - S f(m) + K (f(m) -
 * exp(-m/30)), f(m) = (1 - exp(-m/30)) / (m/30), m in months, whose level L, slope S and curvature
 * K follow mean-reverting AR(1) processes (L around 2.5 %, S around 1.2 %, K around 0), plus 3 bp of
 * independent noise per tenor and month; tenors 1M 3M 6M 1Y 2Y 3Y 5Y 7Y 10Y. 120 months of warm-up
 * are drawn before the first month written, so that every rolling window is full.
 * - Prepayment: pool rate = mean 10Y rate of the last 60 months + truth.margin; market rate for
 *   the remaining term = the 7Y rate; cpr = S-curve(pool - market) + N(0, noise), clamped to [0, 1].
 * - Deposits: deposit rate = sum_j w_j Y_j(t) - margin + N(0, noise), Y_j the yield of a rolling
 *   portfolio of tenor m_j (mean m_j-month rate over the last m_j months); balance = 1e9 (core +
 *   (1 - core)(1 + cos(2 pi t / 24)) / 2)(1 + N(0, 0.001)): the non-core part leaves within 12
 *   months of each peak, so the largest 12-month fall is 1 - core.
 * - Early redemption: balance 5e8 growing 0.2 % a month, redeemed = balance (1 - (1 - rate)^(1/12))
 *   (1 + N(0, noise)).
 * Random numbers: splitmix64 of (seed, stream, draw); the market path uses stream 0, so every
 * segment of a seed sees the same market. Nothing depends on the rank count. */
#include <ballast/behaviour.h>
#include <math.h>

#define NT      9
#define WARMUP  120
#define HIST_PI 3.14159265358979323846

static const int market_tenor[NT] = {1, 3, 6, 12, 24, 36, 60, 84, 120};

typedef struct {
  uint64_t key, n;
} HRng;

static uint64_t hmix(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static double hunif(HRng *r) { return ((double)(hmix(r->key + (++r->n) * 0xd1b54a32d192ed03ULL) >> 11) + 0.5) * 0x1.0p-53; }
static double hnormal(HRng *r)
{
  double u1 = hunif(r), u2 = hunif(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * HIST_PI * u2);
}

/* market[t * NT + j], percent, t = 0 .. W-1 */
static void market_path(uint64_t seed, PetscInt W, double *mk)
{
  HRng   r = {hmix(seed ^ 0x6d61726b6574ULL), 0};
  double L = 2.5, S = 1.2, K = 0.0;
  for (PetscInt t = 0; t < W; t++) {
    L += 0.04 * (2.5 - L) + 0.20 * hnormal(&r);
    S += 0.05 * (1.2 - S) + 0.15 * hnormal(&r);
    K += 0.08 * (0.0 - K) + 0.20 * hnormal(&r);
    for (int j = 0; j < NT; j++) {
      double m = market_tenor[j] / 30.0, f = (1.0 - exp(-m)) / m;
      mk[t * NT + j] = L - S * f + K * (f - exp(-m)) + 0.03 * hnormal(&r);
    }
  }
}

PetscErrorCode BallastBehHistorySynthesize(uint64_t seed, uint64_t stream, BallastDate end, PetscInt n, const BallastBehTruth *tr, BallastBehHistory *h)
{
  PetscInt W = n + WARMUP;
  double  *mk;
  HRng     r = {hmix(hmix(seed) ^ (0x9e3779b97f4a7c15ULL * (stream + 1))), 0};
  int      y, m, d;
  PetscFunctionBeginUser;
  PetscCheck(n > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "a history needs at least one month");
  PetscCall(BallastBehHistoryAlloc(tr->model, n, tr->model == BALLAST_BEH_DEPOSIT ? NT : 0, h));
  PetscCall(PetscMalloc1(W * NT, &mk));
  market_path(seed, W, mk);
  BallastDateToYMD(end, &y, &m, &d);
  for (PetscInt t = 0; t < n; t++) {
    int back = (int)(n - 1 - t), yy = y, mm = m - back;
    while (mm < 1) mm += 12, yy--;
    h->date[t] = BallastDateFromYMD(yy, mm, BallastDaysInMonth(yy, mm));
  }
  if (tr->model == BALLAST_BEH_PREPAYMENT) {
    for (PetscInt t = 0; t < n; t++) {
      PetscInt u    = t + WARMUP;
      double   pool = 0;
      for (int k = 0; k < 60; k++) pool += mk[(u - k) * NT + 8];
      pool                = pool / 60.0 + 100.0 * tr->margin;
      h->contract_rate[t] = pool / 100.0;
      h->market_rate[t]   = mk[u * NT + 7] / 100.0;
      double cpr          = BallastSCurve(tr->p, h->contract_rate[t] - h->market_rate[t]) + tr->noise * hnormal(&r);
      h->cpr[t]           = cpr < 0 ? 0 : cpr > 1 ? 1 : cpr;
    }
  } else if (tr->model == BALLAST_BEH_DEPOSIT) {
    for (int j = 0; j < NT; j++) h->tenor_months[j] = market_tenor[j];
    for (PetscInt t = 0; t < n; t++) {
      PetscInt u = t + WARMUP;
      double   D = -100.0 * tr->margin;
      for (PetscInt j = 0; j < tr->ntenor; j++) {
        int    mt = tr->tenor_months[j], col = -1;
        double Y  = 0;
        for (int k = 0; k < NT; k++)
          if (market_tenor[k] == mt) col = k;
        PetscCheck(col >= 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "synthetic deposit tranches must be among 1M 3M 6M 1Y 2Y 3Y 5Y 7Y 10Y, not %d months", mt);
        for (int k = 0; k < mt; k++) Y += mk[(u - k) * NT + col];
        D += tr->weight[j] * Y / mt;
      }
      for (int j = 0; j < NT; j++) h->market[t * NT + j] = mk[u * NT + j] / 100.0;
      h->deposit_rate[t] = D / 100.0 + tr->noise * hnormal(&r);
      h->balance[t]      = 1e9 * (tr->core_share + (1.0 - tr->core_share) * 0.5 * (1.0 + cos(2.0 * HIST_PI * (double)t / 24.0))) * (1.0 + 0.001 * hnormal(&r));
    }
  } else {
    double mrate = 1.0 - pow(1.0 - tr->rate, 1.0 / 12.0);
    for (PetscInt t = 0; t < n; t++) {
      h->balance[t]  = 5e8 * pow(1.002, (double)t);
      double x       = h->balance[t] * mrate * (1.0 + tr->noise * hnormal(&r));
      h->redeemed[t] = x > 0 ? x : 0;
    }
  }
  PetscCall(PetscFree(mk));
  PetscFunctionReturn(0);
}
