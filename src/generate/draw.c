/* ballast generate: one contract drawn per product. BallastGenDrawRow(g, row) picks the category
 * of row `row` through the row permutation and calls the product's drawer (gen_mortgage,
 * gen_sight, gen_swap, ...), which books it in a portfolio and currency, draws its size, dates
 * and rate, and fills a BallastGenRow (every CSV cell). The shares and business lines are in
 * recipe.c, the curves in market.c.
 *
 * Mid-life loading (statusDate = as-of date): every schedule is anchored on a day 1..28 (no
 * end-of-month ambiguity, schedule = anchor + j cycles), the last payment date is <= statusDate <
 * the next one; notionalPrincipal is the outstanding principal after the payments made so far,
 * accruedInterest the interest from the last payment date (or initialExchangeDate) to statusDate
 * on that principal with the contract's day count (BallastYearFraction). Annuities: the instalment
 * A of an original amount L with period year fractions Y_j (day count of the contract) is
 * A = L / sum_i 1/D_i, D_i = prod_{j<=i} (1 + r Y_j), so that the balance B_k after k payments
 * (B_j = B_{j-1}(1 + r Y_j) - A) is repaid exactly at maturity; equivalently A = B_k / sum_{i>k}
 * D_k/D_i, which a reader can check from the row alone. Floating contracts carry the current rate
 * index + spread (caps/floors applied), the index being the simply compounded forward of its curve
 * over the reset period starting at the as-of date; the past life of a floating annuity is
 * computed at that rate (historical fixings are not modelled). Fixed rates follow the vintage:
 * swap rates of the year of initialExchangeDate plus a product margin.
 *
 * Every draw of contract k is splitmix64(seed, k, draw number): no state is carried from row to
 * row, so any rank can draw any row. */
#include "gen_impl.h"
#include <ballast/curve.h>

#define GEN_PI 3.14159265358979323846

/* ------------------------------------------------------------------ the draws of one contract */
typedef struct {
  uint64_t key; /* hash of (seed, contract) */
  uint64_t n;   /* draw number */
} Rng;

static inline double unif(Rng *r) { return (double)(mix64(r->key + (++r->n) * 0xd1b54a32d192ed03ULL) >> 11) * 0x1.0p-53; }
static inline int    rint_below(Rng *r, int n) { int k = (int)(unif(r) * n); return k < n ? k : n - 1; }
static inline double urange(Rng *r, double a, double b) { return a + (b - a) * unif(r); }
static inline int    coin(Rng *r, double p) { return unif(r) < p; }
static double normal(Rng *r)
{
  double u1 = unif(r), u2 = unif(r);
  if (u1 < 1e-300) u1 = 1e-300;
  return sqrt(-2.0 * log(u1)) * cos(2.0 * GEN_PI * u2);
}
static double lognorm(Rng *r, double median, double sigma) { return median * exp(sigma * normal(r)); }
/* index drawn from weights w[0..n-1] (need not sum to 1) */
static int pick(Rng *r, const double *w, int n)
{
  double s = 0, u;
  for (int i = 0; i < n; i++) s += w[i];
  u = unif(r) * s;
  for (int i = 0; i < n; i++) {
    if (u < w[i]) return i;
    u -= w[i];
  }
  return n - 1;
}

static inline double round2(double x) { return (double)llround(x * 100.0) / 100.0; }
static inline double round6(double x) { return (double)llround(x * 1e6) / 1e6; }
static inline double roundto(double x, double q) { return (double)llround(x / q) * q; }


/* Vintage rates (EUR): 10-year swap and 1-year rate in the year a contract started; other
 * currencies add a spread. Fixed contract rates = vintage rate + product margin. */
#define VINTAGE0 1996
#define NVINTAGE 31
static const double vint10[NVINTAGE] = {0.065, 0.058, 0.048, 0.050, 0.058, 0.052, 0.050, 0.042, 0.041, 0.034, 0.040, 0.046, 0.044, 0.036, 0.030, 0.029,
                                        0.019, 0.020, 0.013, 0.009, 0.005, 0.008, 0.009, 0.002, -0.001, 0.001, 0.022, 0.030, 0.026, 0.025, 0.026};
static const double vint1[NVINTAGE]  = {0.032, 0.037, 0.036, 0.031, 0.048, 0.040, 0.033, 0.022, 0.022, 0.024, 0.036, 0.044, 0.038, 0.012, 0.013, 0.017,
                                        0.004, 0.003, 0.002, -0.001, -0.002, -0.002, -0.002, -0.003, -0.004, -0.005, 0.012, 0.036, 0.030, 0.021, 0.020};
static const double vint10_ccy[NCCY] = {0.0, 0.010, 0.008};
static const double vint1_ccy[NCCY]  = {0.0, 0.012, 0.010};

static int fwd_slot(int months) { return months <= 0 ? 0 : months == 1 ? 1 : months <= 3 ? 2 : months <= 6 ? 3 : 4; }
static double index_rate(const BallastGen *g, int curve, int months) { return g->fwd[curve][fwd_slot(months)]; }
static double vintage10(int year, int ccy) { int i = year - VINTAGE0; i = i < 0 ? 0 : i >= NVINTAGE ? NVINTAGE - 1 : i; return vint10[i] + vint10_ccy[ccy]; }
static double vintage1(int year, int ccy) { int i = year - VINTAGE0; i = i < 0 ? 0 : i >= NVINTAGE ? NVINTAGE - 1 : i; return vint1[i] + vint1_ccy[ccy]; }
static int    year_of(BallastDate t) { int y, m, d; BallastDateToYMD(t, &y, &m, &d); return y; }

/* ------------------------------------------------------------------ one contract */
static void row_init(BallastGenRow *w)
{
  memset(w, 0, sizeof(*w));
  w->ied = w->md = w->ipanc = w->pranc = w->rranc = w->encumbered = BALLAST_DATE_NONE;
  w->notional = w->rate = w->prnxt = w->spread = w->cap = w->floor = w->rate2 = w->accrued = w->riskweight = w->undrawn = NAN;
}

static const char *dcc_text(BallastDayCount d)
{
  switch (d) {
  case BALLAST_DCC_A360: return "A360";
  case BALLAST_DCC_A365: return "A365";
  case BALLAST_DCC_30E360: return "30E360";
  case BALLAST_DCC_AA: return "AA";
  default: return "A365";
  }
}
static const BallastDayCount mm_dcc[NCCY] = {BALLAST_DCC_A360, BALLAST_DCC_A360, BALLAST_DCC_A365};

static const char *cycle_text(int months)
{
  switch (months) {
  case 1: return "P1ML0";
  case 3: return "P3ML0";
  case 6: return "P6ML0";
  case 12: return "P1YL0";
  default: return "P1ML0";
  }
}

/* A regular schedule of m periods of c months anchored on day d <= 28, with k periods paid at
 * the as-of date: ied + j*c months, t_k = last payment (<= as-of; ied if k = 0) < t_{k+1}. */
typedef struct {
  BallastDate ied, t1, tk, md;
  int         c, m, k, d;
} Sched;

static void sched_build(const BallastGen *g, Rng *r, int c, int m, int k, Sched *s)
{
  int         d  = 1 + rint_below(r, 28);
  int         ph = rint_below(r, c);
  BallastDate last_d; /* latest date on day d <= as-of */
  if (d <= g->ad) last_d = BallastDateFromYMD(g->ay, g->am, d);
  else last_d = g->am == 1 ? BallastDateFromYMD(g->ay - 1, 12, d) : BallastDateFromYMD(g->ay, g->am - 1, d);
  BallastDate Ls = BallastDateAddMonths(last_d, -ph);
  if (k >= m) k = m - 1;
  if (k == 0 && Ls >= g->as_of) k = 1; /* the contract must start before the as-of date (m >= 2) */
  s->c   = c;
  s->m   = m;
  s->k   = k;
  s->d   = d;
  s->ied = BallastDateAddMonths(Ls, -k * c);
  s->t1  = BallastDateAddMonths(s->ied, c);
  s->md  = BallastDateAddMonths(s->ied, m * c);
  s->tk  = k ? Ls : s->ied;
}

static inline BallastDate sched_date(const Sched *s, int j) { return BallastDateAddMonths(s->ied, j * s->c); }

/* Annuity of original amount L at rate r on schedule s (see the comment at the top): outstanding
 * after k payments and the instalment, both rounded to cents. */
#define MAXPERIODS 480
static void annuity(const Sched *s, BallastDayCount dcc, double r, double L, double *B, double *A)
{
  double      Y[MAXPERIODS + 1], D = 1.0, S = 0.0, b = L, a;
  BallastDate prev = s->ied;
  int         y, mo, d;
  BallastDateToYMD(s->ied, &y, &mo, &d);
  /* Anchor days are <= 28, so a period of c months is c calendar months exactly: the year
   * fractions of the day counts used for annuities follow without converting dates (the same
   * arithmetic as BallastYearFraction, so the same values). */
  for (int j = 1; j <= s->m; j++) {
    if (dcc == BALLAST_DCC_30E360 && d <= 28) Y[j] = (30.0 * s->c) / 360.0;
    else if ((dcc == BALLAST_DCC_A365 || dcc == BALLAST_DCC_A360) && d <= 28) {
      int days = 0;
      for (int i = 0; i < s->c; i++) {
        days += BallastDaysInMonth(y, mo);
        if (++mo > 12) mo = 1, y++;
      }
      Y[j] = (double)days / (dcc == BALLAST_DCC_A365 ? 365.0 : 360.0);
    } else {
      BallastDate t = sched_date(s, j);
      Y[j]          = BallastYearFraction(dcc, prev, t, s->md);
      prev          = t;
    }
    D *= 1.0 + r * Y[j];
    S += 1.0 / D;
  }
  a = L / S;
  for (int j = 1; j <= s->k; j++) b = b * (1.0 + r * Y[j]) - a;
  *B = round2(b);
  *A = round2(a);
}

static double accrue(BallastDayCount dcc, double notional, double rate, BallastDate from, BallastDate to, BallastDate md)
{
  return round2(notional * rate * BallastYearFraction(dcc, from, to, md));
}

static int64_t choose_portfolio(const BallastGen *g, Rng *r, int line, BallastGenRow *w)
{
  int     l  = g->eff_line[line];
  int64_t lo = g->lfirst[l], hi = lo + g->lcount[l] - 1;
  double  u  = unif(r);
  while (lo < hi) { /* first portfolio whose cumulative weight exceeds u */
    int64_t mid = lo + (hi - lo) / 2;
    if (g->pcum[mid] > u) hi = mid;
    else lo = mid + 1;
  }
  w->portfolio = lo;
  w->entity    = g->pentity[lo];
  return lo;
}

/* Currency of a contract booked by entity e: retail books in the entity's currency. */
static int choose_ccy(Rng *r, int entity, int retail)
{
  double u = unif(r);
  if (retail) return entity == ENT_UK ? CCY_GBP : CCY_EUR;
  if (entity == ENT_UK) return u < 0.70 ? CCY_GBP : u < 0.90 ? CCY_USD : CCY_EUR;
  return u < 0.80 ? CCY_EUR : u < 0.94 ? CCY_USD : CCY_GBP;
}

/* A stratified uniform for the few large contracts whose split decides a headline figure (the
 * currency of the buffer, lent or borrowed call money, the kind of wholesale funding, the currency
 * of a swap): the fractional part of (j + 1/2) times the golden ratio, j the contract's number
 * within its category, so that the shares hold to within a contract or two instead of a binomial
 * draw (a pure function of the contract: any rank draws it the same). */
static double strat(const BallastGenRow *w) { double x = ((double)w->j + 0.5) * 0.6180339887498949; return x - floor(x); }
/* Two more stratified uniforms for the same contracts, independent of strat(): the Kronecker
 * sequence on the 3-dimensional "plastic number" lattice (R3), components 2 and 3, so that the
 * tenor and the age of a swap or an issued bond are spread as evenly as its currency. */
static double strat2(const BallastGenRow *w, int dim)
{
  static const double a[2] = {0.6710436067037893, 0.5497004779019703};
  double              x    = 0.5 + ((double)w->j + 1.0) * a[dim];
  return x - floor(x);
}
/* index drawn from weights w[0..n-1] for a given uniform u */
static int pick_u(double u, const double *wt, int n)
{
  double s = 0;
  for (int i = 0; i < n; i++) s += wt[i];
  u *= s;
  for (int i = 0; i < n; i++) {
    if (u < wt[i]) return i;
    u -= wt[i];
  }
  return n - 1;
}

/* Currency of the liquidity buffer (reserves and HQLA bonds): in proportion to each currency's
 * stressed outflows, whatever the booking entity, so that the USD and GBP LCRs stand on their own. */
static int treasury_ccy(const BallastGenRow *w)
{
  double u = strat(w);
  return u < 0.76 ? CCY_EUR : u < 0.88 ? CCY_USD : CCY_GBP;
}

static void book(const BallastGen *g, Rng *r, int line, BallastGenRow *w)
{
  (void)choose_portfolio(g, r, line, w);
  w->ccy = choose_ccy(r, w->entity, BallastGenLines[line].retail);
}

static void gen_mortgage(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  static const double wy[4] = {0.15, 0.30, 0.30, 0.25};
  static const int    yrs[4] = {15, 20, 25, 30};
  static const double median[NENT] = {190000, 140000, 210000}, pfloat[NENT] = {0.10, 0.35, 0.15};
  Sched               s;
  book(g, r, L_MORTGAGES, w);
  int m = yrs[pick(r, wy, 4)] * 12;
  int k = (int)(m * pow(unif(r), 1.5));
  sched_build(g, r, 1, m, k, &s);
  double          L   = round2(fmin(2.5e6, fmax(25000.0, lognorm(r, median[w->entity], 0.45))));
  BallastDayCount dcc = w->entity == ENT_DE ? BALLAST_DCC_30E360 : w->entity == ENT_UK ? BALLAST_DCC_A365 : coin(r, 0.6) ? BALLAST_DCC_30E360 : BALLAST_DCC_A365;
  int             flt = coin(r, pfloat[w->entity]);
  double          rate;
  if (flt) {
    int rc      = w->ccy == CCY_EUR ? 6 : 3;
    int curve   = w->ccy == CCY_EUR ? CV_EUR_E6M : BallastGenIndex3Curve[w->ccy];
    w->spread   = round6(urange(r, 0.006, 0.015));
    w->floor    = coin(r, 0.6) ? 0.0 : NAN;
    w->cap      = coin(r, 0.3) ? round6(roundto(urange(r, 0.06, 0.10), 0.005)) : NAN;
    rate        = index_rate(g, curve, rc) + w->spread;
    if (!isnan(w->floor)) rate = fmax(rate, w->floor);
    if (!isnan(w->cap)) rate = fmin(rate, w->cap);
    w->moc      = BallastGenCurves[curve].id;
    w->rrcyc    = cycle_text(rc);
    w->rranc    = BallastDateAddMonths(s.ied, rc);
    w->seg      = "mortgages_floating";
  } else {
    rate = fmax(0.006, vintage10(year_of(s.ied), w->ccy) + urange(r, 0.009, 0.018));
    /* German fixed-rate borrowers owe the lender's loss on early repayment (BGB s. 502,
     * Vorfaelligkeitsentschaedigung): their prepayments are low and do not follow rates */
    w->seg = w->entity == ENT_DE ? "mortgages_fixed_penalty" : "mortgages_fixed";
  }
  rate = round6(rate);
  annuity(&s, dcc, rate, L, &w->notional, &w->prnxt);
  w->type = "ANN";
  w->role = "RPA";
  w->dcc  = dcc_text(dcc);
  w->rate = rate;
  w->ied  = s.ied;
  w->md   = s.md;
  w->ipanc = w->pranc = s.t1;
  w->ipcyc = w->prcyc = cycle_text(1);
  w->accrued    = accrue(dcc, w->notional, rate, s.tk, g->as_of, s.md);
  w->cpty       = "retail";
  w->riskweight = 0.35;
  /* the cover pool of the covered bonds issued: 52 % of the mortgages (by count, in every
   * currency), about 107 % of the covered bonds outstanding (the Covered Bond Directive, EU
   * 2019/2162 Art 15, asks at least 105 %), pledged for their whole life (NSFR: encumbered for a
   * year or more, RSF 100 %, BCBS 295) */
  if (coin(r, 0.52)) w->encumbered = s.md;
}

static void gen_consumer(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  Sched s;
  book(g, r, L_CONSUMER, w);
  int m = (2 + rint_below(r, 6)) * 12;
  int k = (int)(m * pow(unif(r), 1.2));
  sched_build(g, r, 1, m, k, &s);
  BallastDayCount dcc  = coin(r, 0.5) ? BALLAST_DCC_30E360 : BALLAST_DCC_A365;
  double          L    = round2(fmin(100000.0, fmax(1000.0, lognorm(r, w->ccy == CCY_GBP ? 10000 : 12000, 0.6))));
  double          rate = round6(fmax(0.02, vintage1(year_of(s.ied), w->ccy) + urange(r, 0.035, 0.075)));
  annuity(&s, dcc, rate, L, &w->notional, &w->prnxt);
  w->type  = "ANN";
  w->role  = "RPA";
  w->dcc   = dcc_text(dcc);
  w->rate  = rate;
  w->ied   = s.ied;
  w->md    = s.md;
  w->ipanc = w->pranc = s.t1;
  w->ipcyc = w->prcyc = cycle_text(1);
  w->accrued    = accrue(dcc, w->notional, rate, s.tk, g->as_of, s.md);
  w->cpty       = "retail";
  w->riskweight = 0.75;
  w->seg        = "consumer_loans";
}

static void gen_corporate(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  static const double wc[3] = {0.5, 0.3, 0.2};
  static const int    cm[3] = {3, 6, 12};
  Sched               s;
  book(g, r, L_CORPORATE, w);
  double u   = unif(r);
  int    cp  = u < 0.62 ? 0 : u < 0.95 ? 1 : 2; /* sme, corporate, financial */
  int    lam = cp != 2 && coin(r, 0.55);
  int    flt = coin(r, 0.30);
  int    c, curve = -1;
  if (flt) {
    curve = w->ccy == CCY_EUR && coin(r, 0.3) ? CV_EUR_E6M : BallastGenIndex3Curve[w->ccy];
    c     = curve == CV_EUR_E6M ? 6 : 3;
  } else c = cm[pick(r, wc, 3)];
  int years = lam ? 3 + rint_below(r, 8) : 1 + rint_below(r, 7);
  int m     = years * 12 / c;
  if (m < 2) m = 2;
  sched_build(g, r, c, m, rint_below(r, m), &s);
  BallastDayCount dcc = mm_dcc[w->ccy];
  double          L;
  if (cp == 0) L = lognorm(r, 120000, 0.9);
  else if (cp == 1) L = lognorm(r, 400000, 1.0);
  else L = lognorm(r, 1000000, 0.8);
  L = roundto(fmin(1.5e7, fmax(10000.0, L)), 1000.0);
  double rate;
  if (flt) {
    w->spread = round6(urange(r, cp == 0 ? 0.015 : 0.009, cp == 0 ? 0.032 : 0.022));
    w->floor  = coin(r, 0.5) ? 0.0 : NAN;
    rate      = index_rate(g, curve, c) + w->spread;
    if (!isnan(w->floor)) rate = fmax(rate, w->floor);
    w->moc   = BallastGenCurves[curve].id;
    w->rrcyc = cycle_text(c);
    w->rranc = s.t1;
  } else rate = fmax(0.01, vintage10(year_of(s.ied), w->ccy) - 0.004 + urange(r, cp == 0 ? 0.018 : 0.012, cp == 0 ? 0.035 : 0.025));
  rate = round6(rate);
  if (lam) {
    double R    = round2(L / m);
    w->notional = round2(L - s.k * R);
    w->prnxt    = R;
    w->pranc    = s.t1;
    w->prcyc    = cycle_text(c);
    w->type     = "LAM";
  } else {
    w->notional = L;
    w->type     = "PAM";
  }
  w->role    = "RPA";
  w->dcc     = dcc_text(dcc);
  w->rate    = rate;
  w->ied     = s.ied;
  w->md      = s.md;
  w->ipanc   = s.t1;
  w->ipcyc   = cycle_text(c);
  w->accrued = accrue(dcc, w->notional, rate, s.tk, g->as_of, s.md);
  if (cp == 2) {
    w->cpty       = "financial";
    w->riskweight = 0.5;
    if (coin(r, 0.25)) { /* a quarter of the loans to financials come with a liquidity line */
      w->undrawn = round2(L * urange(r, 0.2, 0.6));
      w->fac     = "liquidity";
    }
  } else {
    static const double wrw[3] = {0.2, 0.7, 0.1};
    static const double rws[3] = {0.5, 1.0, 1.5};
    w->cpty       = cp == 0 ? "sme" : "corporate";
    w->riskweight = cp == 0 ? 0.75 : rws[pick(r, wrw, 3)];
    if (coin(r, lam ? 0.08 : 0.30)) {
      w->undrawn = round2(L * urange(r, 0.2, 1.5));
      w->fac     = "credit";
    }
  }
}

static void gen_bond(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  static const double wy[8]  = {0.32, 0.28, 0.22, 0.10, 0.06, 0.02, 0.0, 0.0};
  static const int    yrs[8] = {2, 3, 5, 7, 10, 15, 20, 30};
  Sched               s;
  book(g, r, L_TREASURY, w);
  w->ccy   = treasury_ccy(w);
  double u = unif(r), spread;
  if (u < 0.65) w->cpty = "sovereign", w->hqla = "1", w->riskweight = 0.0, spread = urange(r, -0.002, 0.006);
  else if (u < 0.73) w->cpty = "mdb", w->hqla = "1", w->riskweight = 0.0, spread = urange(r, 0.0, 0.003);
  else if (u < 0.93) w->cpty = "financial", w->hqla = "2A", w->riskweight = 0.1, spread = urange(r, 0.001, 0.006);
  else if (u < 0.95) w->cpty = "financial", w->hqla = "2B_RMBS", w->riskweight = 0.2, spread = urange(r, 0.004, 0.010);
  else w->cpty = "corporate", w->hqla = "2B", w->riskweight = 1.0, spread = urange(r, 0.008, 0.020);
  int c = w->ccy == CCY_EUR ? 12 : 6;
  int m = yrs[pick(r, wy, 8)] * 12 / c;
  sched_build(g, r, c, m, rint_below(r, m), &s);
  double face   = roundto(fmin(5e8, fmax(100000.0, lognorm(r, 1.15e6, 0.4))), 1000.0);
  double coupon = round6(fmax(0.0, roundto(vintage10(year_of(s.ied), w->ccy) + spread, 0.00125)));
  w->type       = "PAM";
  w->role       = "RPA";
  w->dcc        = "AA";
  w->notional   = face;
  w->rate       = coupon;
  w->ied        = s.ied;
  w->md         = s.md;
  w->ipanc      = s.t1;
  w->ipcyc      = cycle_text(c);
  w->accrued    = accrue(BALLAST_DCC_AA, face, coupon, s.tk, g->as_of, s.md);
  /* encumbered: a quarter, most as repo collateral returned within 10 to 90 days (out of the LCR
   * stock, back in the counterbalancing capacity on that day), the rest pledged up to two years */
  if (coin(r, 0.25)) w->encumbered = coin(r, 0.7) ? g->as_of + 10 + rint_below(r, 80) : g->as_of + 7 + rint_below(r, 714);
}

static const char *notice(Rng *r)
{
  static const double wn[4] = {0.4, 0.2, 0.2, 0.2};
  static const char  *nn[4] = {"P1D", "P2D", "P1W", "P1M"};
  return nn[pick(r, wn, 4)];
}

static void gen_call(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  book(g, r, L_INTERBANK, w);
  BallastDayCount dcc = mm_dcc[w->ccy];
  w->type             = "CLM";
  w->role             = strat(w) < 0.30 ? "RPA" : "RPL";
  w->dcc              = dcc_text(dcc);
  w->ied              = g->as_of - 1 - rint_below(r, 120);
  w->notional         = roundto(fmin(5e8, fmax(100000.0, lognorm(r, 1.4e6, 0.4))), 1000.0);
  w->rate             = round6(fmax(0.0, index_rate(g, BallastGenDiscountCurve[w->ccy], 0) + urange(r, -0.001, 0.0025)));
  w->accrued          = accrue(dcc, w->notional, w->rate, w->ied, g->as_of, BALLAST_DATE_NONE);
  w->xdn              = notice(r);
  w->cpty             = "financial";
}

static void gen_cash(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  (void)g;
  book(g, r, L_TREASURY, w);
  w->ccy      = treasury_ccy(w);
  w->type     = "CSH";
  w->role     = "RPA";
  w->notional = round2(fmax(10000.0, lognorm(r, 1.35e6, 0.3)));
  w->cpty     = coin(r, 0.9) ? "central_bank" : "other";
  w->hqla     = "1";
}

/* Non-maturity deposit pool: interest credited every c months on the 1st of the month (calendar
 * quarters/years); opened `years` ago on such a date. */
static void nmd_schedule(const BallastGen *g, Rng *r, BallastGenRow *w, int c, BallastDayCount dcc)
{
  int         mo  = c == 12 ? 1 : c == 3 ? ((g->am - 1) / 3) * 3 + 1 : g->am;
  BallastDate Ls  = BallastDateFromYMD(g->ay, mo, 1); /* last crediting date <= as-of */
  int         k   = (12 + rint_below(r, 24 * 12)) / c + 1;
  w->type         = "UMP";
  w->role         = "RPL";
  w->dcc          = dcc_text(dcc);
  w->ied          = BallastDateAddMonths(Ls, -k * c);
  w->ipanc        = BallastDateAddMonths(w->ied, c);
  w->ipcyc        = cycle_text(c);
  w->accrued      = accrue(dcc, w->notional, w->rate, Ls, g->as_of, BALLAST_DATE_NONE);
}

static void gen_sight(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  book(g, r, L_RETAIL_DEP, w);
  w->notional = round2(fmax(1000.0, lognorm(r, 140000, 0.9)));
  w->rate     = coin(r, 0.7) ? 0.0 : round6(urange(r, 0.0001, 0.0025));
  nmd_schedule(g, r, w, 3, BALLAST_DCC_A365);
  w->xdn  = "P0D";
  w->cpty = "retail";
  w->stab = coin(r, 0.75) ? "stable" : "less_stable";
  w->oper = "false";
  w->ins  = coin(r, 0.90) ? "true" : "false";
  w->seg  = "nmd_retail_transactional";
}

static void gen_savings(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  static const double wn[3] = {0.7, 0.2, 0.1};
  static const char  *nn[3] = {"P0D", "P1M", "P3M"};
  book(g, r, L_RETAIL_DEP, w);
  w->notional = round2(fmax(1000.0, lognorm(r, 175000, 0.9)));
  w->rate     = round6(fmax(0.0, index_rate(g, BallastGenDiscountCurve[w->ccy], 0) - urange(r, 0.002, 0.010)));
  nmd_schedule(g, r, w, coin(r, 0.6) ? 12 : 3, BALLAST_DCC_A365);
  w->xdn  = nn[pick(r, wn, 3)];
  w->cpty = "retail";
  w->stab = coin(r, 0.60) ? "stable" : "less_stable";
  w->oper = "false";
  w->ins  = coin(r, 0.85) ? "true" : "false";
  w->seg  = "nmd_retail_savings";
}

static void gen_corpdep(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  static const double wc[4] = {0.52, 0.35, 0.05, 0.08};
  static const char  *cn[4] = {"corporate", "sme", "financial", "pse"};
  book(g, r, L_CORP_DEP, w);
  int cp      = pick(r, wc, 4);
  w->notional = round2(fmax(1000.0, lognorm(r, 265000, 0.8)));
  w->rate     = round6(fmax(0.0, index_rate(g, BallastGenDiscountCurve[w->ccy], 0) - urange(r, 0.003, 0.015)));
  nmd_schedule(g, r, w, 1, mm_dcc[w->ccy]);
  w->xdn  = "P0D";
  w->cpty = cn[cp];
  w->oper = coin(r, cp == 1 ? 0.20 : 0.45) ? "true" : "false";
  w->ins  = cp == 1 && coin(r, 0.25) ? "true" : "false";
  w->seg  = "nmd_wholesale";
}

/* A deposit or borrowing of `term` months dealt before the as-of date and maturing after it;
 * interest at maturity up to a year, annually (from the deal date) beyond. Sets the dates and
 * returns the last interest date <= as-of (the deal date if none). */
static BallastDate term_placement(const BallastGen *g, Rng *r, BallastGenRow *w, int term)
{
  BallastDate lo  = BallastDateAddMonths(g->as_of, -term);
  BallastDate ied = lo + 1 + rint_below(r, (int)(g->as_of - lo - 1));
  int         y, m, d;
  BallastDateToYMD(ied, &y, &m, &d);
  if (d > 28) ied = BallastDateFromYMD(y, m, 28); /* anchor days <= 28: no end-of-month rules */
  if (BallastDateAddMonths(ied, term) <= g->as_of) ied = g->as_of - 1;
  BallastDateToYMD(ied, &y, &m, &d);
  if (d > 28) ied = BallastDateFromYMD(y, m, 28);
  w->ied         = ied;
  w->md          = BallastDateAddMonths(ied, term);
  BallastDate tk = ied;
  if (term <= 12) w->ipanc = w->md;
  else {
    w->ipanc = BallastDateAddMonths(ied, 12);
    w->ipcyc = cycle_text(12);
    for (int j = 1; BallastDateAddMonths(ied, 12 * j) <= g->as_of; j++) tk = BallastDateAddMonths(ied, 12 * j);
  }
  return tk;
}

static void gen_term_deposit(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  BallastDayCount dcc;
  BallastDate     tk;
  w->type = "PAM";
  w->role = "RPL";
  if (coin(r, 0.95)) {
    static const double wt[6] = {0.02, 0.05, 0.20, 0.30, 0.23, 0.20};
    static const int    tm[6] = {3, 6, 12, 24, 36, 60};
    book(g, r, L_RETAIL_DEP, w);
    int term    = tm[pick(r, wt, 6)];
    dcc         = BALLAST_DCC_A365;
    w->notional = roundto(fmin(2e6, fmax(1000.0, lognorm(r, 30000, 0.8))), 100.0);
    tk          = term_placement(g, r, w, term);
    w->rate     = round6(fmax(0.0005, vintage1(year_of(w->ied), w->ccy) - 0.003 + 0.002 * (term / 12) + urange(r, -0.0015, 0.0015)));
    double eur  = w->notional * BallastGenFxRate[w->ccy];
    w->cpty     = "retail";
    w->ins      = eur <= 100000.0 ? "true" : "false";
    w->stab     = eur <= 100000.0 ? "stable" : "less_stable";
    w->oper     = "false";
    w->seg      = "term_deposits";
  } else {
    static const double wt[5] = {0.02, 0.08, 0.25, 0.40, 0.25};
    static const int    tm[5] = {1, 3, 6, 12, 24};
    static const double wc[3] = {0.45, 0.50, 0.05};
    static const char  *cn[3] = {"sme", "corporate", "financial"};
    book(g, r, L_CORP_DEP, w);
    int term    = tm[pick(r, wt, 5)];
    dcc         = mm_dcc[w->ccy];
    w->cpty     = cn[pick(r, wc, 3)];
    w->notional = roundto(fmin(5e8, fmax(10000.0, lognorm(r, 380000, 0.7))), 1000.0);
    tk          = term_placement(g, r, w, term);
    w->rate     = round6(fmax(0.0, vintage1(year_of(w->ied), w->ccy) + urange(r, -0.006, -0.001)));
    w->oper     = "false";
    w->ins      = "false";
  }
  w->dcc     = dcc_text(dcc);
  w->accrued = accrue(dcc, w->notional, w->rate, tk, g->as_of, w->md);
}

static void gen_wholesale(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  Sched s;
  book(g, r, L_WHOLESALE, w);
  double u   = strat(w);
  int    sub = u < 0.56 ? 0 : u < 0.88 ? 1 : u < 0.92 ? 2 : 3; /* covered, senior, interbank term, central bank */
  if (sub == 3 && w->ccy != CCY_EUR) sub = 2;
  w->type = "PAM";
  w->role = "RPL";
  w->cpty = "financial";
  if (sub <= 1) {
    static const double wcv[5] = {0.1, 0.2, 0.3, 0.3, 0.1}, wsn[5] = {0.15, 0.25, 0.2, 0.25, 0.15};
    static const int    ycv[5] = {3, 5, 7, 10, 15}, ysn[5] = {2, 3, 4, 5, 7};
    int                 years = sub == 0 ? ycv[pick_u(strat2(w, 0), wcv, 5)] : ysn[pick_u(strat2(w, 0), wsn, 5)];
    int                 flt   = sub == 1 && coin(r, 0.6);
    int                 c     = flt ? 3 : w->ccy == CCY_EUR ? 12 : 6;
    int                 m     = years * 12 / c;
    sched_build(g, r, c, m, (int)(m * strat2(w, 1)), &s);
    BallastDayCount dcc = flt ? mm_dcc[w->ccy] : BALLAST_DCC_AA;
    w->notional         = roundto(fmax(1e5, lognorm(r, sub == 0 ? 2.65e6 : 1.45e6, 0.35)), 1e5);
    if (flt) {
      int curve = BallastGenIndex3Curve[w->ccy];
      w->spread = round6(urange(r, 0.006, 0.015));
      w->rate   = round6(index_rate(g, curve, 3) + w->spread);
      w->moc    = BallastGenCurves[curve].id;
      w->rrcyc  = cycle_text(3);
      w->rranc  = s.t1;
    } else w->rate = round6(fmax(0.0, roundto(vintage10(year_of(s.ied), w->ccy) + (sub == 0 ? urange(r, 0.002, 0.006) : urange(r, 0.008, 0.018)), 0.00125)));
    w->dcc     = dcc_text(dcc);
    w->ied     = s.ied;
    w->md      = s.md;
    w->ipanc   = s.t1;
    w->ipcyc   = cycle_text(c);
    w->accrued = accrue(dcc, w->notional, w->rate, s.tk, g->as_of, s.md);
  } else if (sub == 2) {
    static const double wt[4] = {0.10, 0.25, 0.35, 0.30};
    static const int    tm[4] = {1, 3, 6, 12};
    int                 term  = tm[pick(r, wt, 4)];
    BallastDayCount     dcc   = mm_dcc[w->ccy];
    w->notional               = roundto(fmax(1e5, lognorm(r, 0.95e6, 0.5)), 1e5);
    BallastDate tk            = term_placement(g, r, w, term);
    w->rate                   = round6(fmax(0.0, index_rate(g, BallastGenDiscountCurve[w->ccy], term) + urange(r, 0.0, 0.003)));
    w->dcc                    = dcc_text(dcc);
    w->accrued                = accrue(dcc, w->notional, w->rate, tk, g->as_of, w->md);
  } else {
    sched_build(g, r, 3, 12, rint_below(r, 12), &s);
    w->cpty     = "central_bank";
    w->notional = roundto(fmax(1e5, lognorm(r, 1.0e6, 0.5)), 1e5);
    w->spread   = 0.0;
    w->rate     = round6(index_rate(g, CV_EUR_ESTR, 3));
    w->moc      = BallastGenCurves[CV_EUR_ESTR].id;
    w->rrcyc    = cycle_text(3);
    w->rranc    = s.t1;
    w->dcc      = dcc_text(BALLAST_DCC_A360);
    w->ied      = s.ied;
    w->md       = s.md;
    w->ipanc    = s.t1;
    w->ipcyc    = cycle_text(3);
    w->accrued  = accrue(BALLAST_DCC_A360, w->notional, w->rate, s.tk, g->as_of, s.md);
  }
}

static void gen_swap(const BallastGen *g, Rng *r, BallastGenRow *w)
{
  /* pay-fixed swaps hedge the fixed-rate mortgage book, long and young (most notional at 7-15
   * years, the elapsed share of the life u^2): more EVE hedge per euro of notional, whose floating
   * leg is the NII sensitivity (docs/generator.md); receive-fixed swaps hedge the fixed-rate bonds
   * issued (2-7 years) */
  static const double wpay[8] = {0.0, 0.03, 0.10, 0.20, 0.35, 0.20, 0.12, 0.0};
  static const double wrec[8] = {0.20, 0.30, 0.30, 0.15, 0.05, 0.0, 0.0, 0.0};
  static const int    yrs[8]  = {2, 3, 5, 7, 10, 15, 20, 30};
  Sched               s;
  int                 curve, c;
  book(g, r, L_HEDGES, w);
  /* hedges are booked in the currency of the fixed-rate book they hedge (EUR and GBP mortgages;
   * USD: 85 % receive fixed against the fixed-rate USD issues, the USD book being long
   * liabilities), whatever the booking entity; currency, tenor and age stratified (strat) */
  double uc = strat(w);
  w->ccy    = uc < 0.80 ? CCY_EUR : uc < 0.93 ? CCY_GBP : CCY_USD;
  int pay   = coin(r, w->ccy == CCY_USD ? 0.15 : 0.92);
  if (w->ccy == CCY_EUR && coin(r, 0.7)) curve = CV_EUR_E6M, c = 6;
  else curve = BallastGenIndex3Curve[w->ccy], c = 3;
  int years = yrs[pick_u(strat2(w, 0), pay ? wpay : wrec, 8)];
  int m     = years * 12 / c;
  sched_build(g, r, c, m, (int)(m * pow(strat2(w, 1), 2.0)), &s);
  BallastDayCount dcc = mm_dcc[w->ccy];
  w->type             = "SWPPV";
  w->role             = pay ? "PFL" : "RFL";
  w->notional         = roundto(fmax(1e5, lognorm(r, 1.35e6, 0.35)), 1e5);
  w->rate             = round6(fmax(-0.005, vintage10(year_of(s.ied), w->ccy) + 0.0008 * (years - 10) + 0.001 * normal(r)));
  w->rate2            = round6(index_rate(g, curve, c));
  w->spread           = 0.0;
  w->moc              = BallastGenCurves[curve].id;
  w->rrcyc            = cycle_text(c);
  w->rranc            = s.ied;
  w->dcc              = dcc_text(dcc);
  w->ied              = s.ied;
  w->md               = s.md;
  w->ipanc            = s.t1;
  w->ipcyc            = cycle_text(c);
  /* the bank's side: receive-fixed earns fixed and pays floating, pay-fixed the reverse */
  double fixed_acc = accrue(dcc, w->notional, w->rate, s.tk, g->as_of, s.md);
  double float_acc = accrue(dcc, w->notional, w->rate2, s.tk, g->as_of, s.md);
  w->accrued       = round2(w->role[0] == 'R' ? fixed_acc - float_acc : float_acc - fixed_acc);
  w->cpty          = "financial";
}

/* BallastGenRow `row` of the file (0-based, header excluded): a pure function of the seed and the row. */
void BallastGenDrawRow(const BallastGen *g, int64_t row, BallastGenRow *w)
{
  uint64_t k = BallastGenPermApply(&g->perm, (uint64_t)row);
  int      c = 0;
  while (k >= (uint64_t)g->start[c + 1]) c++;
  Rng r = {mix64(g->seedkey ^ mix64(k * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL)), 0};
  row_init(w);
  w->cat = c;
  w->j   = (int64_t)k - g->start[c];
  switch (c) {
  case C_MTG: gen_mortgage(g, &r, w); break;
  case C_CONS: gen_consumer(g, &r, w); break;
  case C_CORP: gen_corporate(g, &r, w); break;
  case C_BOND: gen_bond(g, &r, w); break;
  case C_CALL: gen_call(g, &r, w); break;
  case C_CASH: gen_cash(g, &r, w); break;
  case C_SIGHT: gen_sight(g, &r, w); break;
  case C_SAV: gen_savings(g, &r, w); break;
  case C_CDEP: gen_corpdep(g, &r, w); break;
  case C_TD: gen_term_deposit(g, &r, w); break;
  case C_WSF: gen_wholesale(g, &r, w); break;
  default: gen_swap(g, &r, w); break;
  }
}
