/* Liquidity metrics on small balance sheets built in the test, with events fed by hand (the
 * base-scenario events the IRRBB projection would stream). Every expected value is computed by
 * hand in the comment beside it, with the BCBS 238 / BCBS 295 factors of
 * config/regimes/bcbs-2016.cfg, or the round numbers of tests/data/liquidity-survival.cfg. */
#include "tap/basic.h"
#include <ballast/liquidity.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ASOF 20000 /* a day number; only differences matter, except for the NSFR month bands */

static char msg[2048];

static const char *regime_path(const char *name)
{
  static char buf[4096];
  const char *s = getenv("BALLAST_SOURCE_DIR");
  if (!s) bail("BALLAST_SOURCE_DIR is not set (the repository root, where config/regimes/ lives)");
  snprintf(buf, sizeof buf, "%s/config/regimes/%s", s, name);
  return buf;
}

/* Load a regime file and its liquidity sections; on error keep the message in msg. */
static PetscErrorCode load(const char *path, BallastRegime *r, BallastLiquidityParams *lp)
{
  PetscErrorCode ierr = BallastRegimeLoad(PETSC_COMM_WORLD, path, r);
  if (!ierr) ierr = BallastLiquidityParamsLoad(PETSC_COMM_WORLD, r, lp);
  msg[0] = 0;
  if (ierr) {
    const char *t;
    char       *s = NULL;
    PetscErrorMessage(ierr, &t, &s);
    snprintf(msg, sizeof msg, "%s", s ? s : "");
    BallastLiquidityParamsDestroy(lp);
    BallastRegimeDestroy(r);
  }
  return ierr;
}

static BallastAlm alm(int cp)
{
  BallastAlm a;
  memset(&a, 0, sizeof a);
  a.portfolio        = 0;
  a.legalEntity      = -1;
  a.behaviourSegment = -1;
  a.counterpartyType = (uint8_t)cp;
  a.depositStability = BALLAST_STAB_LESS_STABLE;
  a.hqlaLevel        = BALLAST_HQLA_NONE;
  a.facilityType     = BALLAST_FAC_CREDIT;
  a.encumberedUntil  = BALLAST_DATE_NONE;
  a.riskWeight       = NAN;
  a.undrawnCommitment = 0;
  return a;
}

/* Append a contract in currency id 0: maturity in days from the as-of date (0 = none). */
static PetscInt add(BallastContracts cs, int ct, int role, double notional, int mat_days, BallastAlm a)
{
  BallastTerms t;
  char         id[32];
  BallastTermsInit(&t);
  t.contractType        = (BallastContractType)ct;
  t.contractRole        = (BallastRole)role;
  t.currency            = 0;
  t.notionalPrincipal   = notional;
  t.initialExchangeDate = ASOF - 100;
  t.maturityDate        = mat_days ? ASOF + mat_days : BALLAST_DATE_NONE;
  snprintf(id, sizeof id, "C%" PetscInt_FMT, cs->n);
  if (BallastContractsAppend(cs, &t, &a, id, 0, cs->n + 2)) bail("append failed");
  return cs->n - 1;
}

typedef struct {
  int    day, type;
  double payoff;
} Ev;

/* One contract through the liquidity consumer: begin, the events, end with the base PV. */
static PetscErrorCode feed(BallastLiquidity *acc, BallastContracts cs, PetscInt i, double pv, int n, const Ev *ev)
{
  PetscFunctionBeginUser;
  PetscCall(BallastLiquidityContractBegin(acc, cs, i));
  for (int k = 0; k < n; k++) {
    BallastEvent e = {0};
    e.date         = ASOF + ev[k].day;
    e.type         = ev[k].type;
    e.payoff       = ev[k].payoff;
    e.currency     = 0;
    BallastLiquiditySink(acc, &e);
  }
  PetscCall(BallastLiquidityContractEnd(acc, pv));
  PetscFunctionReturn(0);
}

static const double fx1[1] = {1.0};

static PetscErrorCode start(const BallastLiquidityParams *lp, double tier1, double tier2, BallastContracts *cs, BallastLiquidity *acc)
{
  BallastLiquiditySetup s;
  PetscFunctionBeginUser;
  memset(&s, 0, sizeof s);
  s.as_of = ASOF;
  s.nport = 1;
  s.nccy  = 1;
  s.fx    = fx1;
  s.tier1 = tier1;
  s.tier2 = tier2;
  PetscCall(BallastContractsCreate(cs));
  PetscCall(BallastLiquidityCreate(lp, &s, acc));
  PetscFunctionReturn(0);
}

static PetscErrorCode finish(BallastContracts *cs, BallastLiquidity *acc)
{
  PetscFunctionBeginUser;
  PetscCall(BallastLiquidityDestroy(acc));
  PetscCall(BallastContractsDestroy(cs));
  PetscFunctionReturn(0);
}

/* Write `text` to a temporary file. */
static const char *write_tmp(const char *text)
{
  static char path[256];
  snprintf(path, sizeof path, "/tmp/ballast-t_liquidity-%d.cfg", (int)getpid());
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

/* The BCBS file with `from` replaced by `to`; *line = the line of the replacement. */
static char *bcbs_with(const char *from, const char *to, int *line)
{
  FILE *f = fopen(regime_path("bcbs-2016.cfg"), "r");
  if (!f) bail("cannot read bcbs-2016.cfg");
  static char buf[1 << 17];
  size_t      n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n]  = 0;
  char *p = strstr(buf, from);
  if (!p) bail("'%s' not in bcbs-2016.cfg", from);
  *line = 1;
  for (char *q = buf; q < p; q++) *line += *q == '\n';
  size_t lf = strlen(from), lt = strlen(to);
  char  *out = malloc(n + lt + 1);
  memcpy(out, buf, (size_t)(p - buf));
  memcpy(out + (p - buf), to, lt);
  strcpy(out + (p - buf) + lt, p + lf);
  return out;
}

int main(int argc, char **argv)
{
  BallastRegime          r, rs;
  BallastLiquidityParams lp, ls;
  BallastContracts       cs;
  BallastLiquidity       acc;
  BallastAlm             a;
  PetscInt               i;

  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  plan(71);

  /* ---- the regime sections ---- */
  is_int(0, load(regime_path("bcbs-2016.cfg"), &r, &lp), "bcbs-2016.cfg: liquidity sections load");
  is_int(30, lp.lcr_horizon_days, "LCR horizon 30 days");
  is_double(0.05, lp.outflow_rate[BALLAST_LIQ_DEP_RETAIL_STABLE], 0, "stable retail run-off 5 %%");
  is_double(0.10, lp.outflow_rate[BALLAST_LIQ_DEP_RETAIL_LESS_STABLE], 0, "less stable retail run-off 10 %%");
  is_double(0.25, lp.outflow_rate[BALLAST_LIQ_DEP_OPERATIONAL], 0, "operational 25 %%");
  is_double(0.40, lp.outflow_rate[BALLAST_LIQ_DEP_NON_FINANCIAL], 0, "non-financial 40 %%");
  is_double(0.20, lp.outflow_rate[BALLAST_LIQ_DEP_NON_FINANCIAL_INSURED], 0, "non-financial insured 20 %%");
  is_double(1.00, lp.outflow_rate[BALLAST_LIQ_DEP_FINANCIAL], 0, "financial 100 %%");
  is_double(0.50, lp.inflow_rate[BALLAST_LIQ_IN_RETAIL], 0, "retail inflows 50 %%");
  is_double(1.00, lp.inflow_rate[BALLAST_LIQ_IN_FINANCIAL], 0, "financial inflows 100 %%");
  is_double(0.75, lp.inflow_cap, 0, "inflow cap 75 %%");
  is_double(0.25, lp.haircut[BALLAST_HQLA_2B_RMBS], 0, "RMBS haircut 25 %%");
  is_double(0.30, lp.drawdown_rate[BALLAST_LIQ_FAC_NON_FINANCIAL_LIQUIDITY], 0, "liquidity facility to corporates 30 %%");
  is_double(0.65, lp.rsf[BALLAST_LIQ_RSF_LOANS_LOW_RW][2], 0, "RSF loans >= 1Y, RW <= 35 %%: 65 %%");
  is_double(0.0, lp.asf[BALLAST_LIQ_ASF_FINANCIAL][0], 0, "ASF financial < 6M: 0 %%");
  is_int(15, lp.nbucket, "15 finite ladder buckets (1..7, 14, 30, 60, 90, 180, 365, 730, 1825) + beyond");
  is_int(1825, lp.bucket_end[14], "ladder horizon 1825 days");
  is_int(3, lp.nscen, "three stress scenarios");
  is_string("market_wide", lp.scen[1].name, "scenario 2 is market_wide");
  /* the idiosyncratic stable retail curve passes (7, 0.02), (30, 0.05): at day 18.5, halfway, 0.035 */
  is_double(0.035, BallastLiqCurveEval(&lp.scen[0].runoff[BALLAST_LIQ_DEP_RETAIL_STABLE], 18.5), 1e-15, "run-off curve linear between its points");
  is_double(0.10, BallastLiqCurveEval(&lp.scen[0].runoff[BALLAST_LIQ_DEP_RETAIL_STABLE], 5000), 0, "... flat after the last");
  {
    BallastRegime          re;
    BallastLiquidityParams le;
    is_int(0, load(regime_path("eu-2024-856.cfg"), &re, &le), "eu-2024-856.cfg: liquidity sections load");
    BallastLiquidityParamsDestroy(&le);
    BallastRegimeDestroy(&re);
  }
  {
    int   line;
    char *txt  = bcbs_with("inflow_cap = 0.75;", "inflow_cap = 0.75; bogus_rate = 1.0;", &line);
    char  want[512];
    const char *path = write_tmp(txt);
    BallastRegime          re;
    BallastLiquidityParams le;
    ok(load(path, &re, &le) != 0, "an unknown key in lcr is an error");
    snprintf(want, sizeof want, "%s:%d: unknown key 'bogus_rate' in lcr", path, line);
    contains(msg, want, "... naming the file and line");
    free(txt);
    txt  = bcbs_with("level2a      = 0.15;", "level2a      = \"15 %\";", &line);
    path = write_tmp(txt);
    ok(load(path, &re, &le) != 0, "a rate given as text is an error");
    snprintf(want, sizeof want, "%s:%d: lcr.hqla.haircuts.level2a must be a number", path, line);
    contains(msg, want, "... naming the file, line and key");
    free(txt);
    txt  = bcbs_with("cumulative = [0.02, 0.05, 0.08, 0.10]", "cumulative = [0.02, 0.05, 0.04, 0.10]", &line);
    path = write_tmp(txt);
    ok(load(path, &re, &le) != 0, "a decreasing cumulative run-off is an error");
    snprintf(want, sizeof want, "%s:%d: liquidity.scenarios[1].deposit_runoff.retail_stable.cumulative must not decrease", path, line);
    contains(msg, want, "... naming the scenario and category");
    free(txt);
    unlink(path);
  }

  /* ---- 1. HQLA caps on a stock dominated by Level 2B ----
   * L1 = 100; L2A = 100 * 0.85 = 85; L2B = 400 * 0.5 = 200.
   * Adj15 = max(200 - 15/85 * 185, 200 - 15/60 * 100, 0) = max(167.3529..., 175, 0) = 175
   * Adj40 = max(85 + 200 - 175 - 2/3 * 100, 0) = 110 - 66.6667 = 43.3333
   * HQLA = 100 + 85 + 200 - 175 - 43.3333 = 166.6667 (= 100 / 0.6: Level 2 is 40 %, 2B 15 %)
   * outflows: a financial deposit of 100 due on day 5, 100 %: 100; LCR = 1.666667 */
  start(&lp, 0, 0, &cs, &acc);
  a = alm(BALLAST_CP_SOVEREIGN), a.hqlaLevel = BALLAST_HQLA_1;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 100, 1000, a);
  feed(&acc, cs, i, 100, 0, NULL);
  a = alm(BALLAST_CP_FINANCIAL), a.hqlaLevel = BALLAST_HQLA_2A;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 100, 1000, a);
  feed(&acc, cs, i, 100, 0, NULL);
  a = alm(BALLAST_CP_CORPORATE), a.hqlaLevel = BALLAST_HQLA_2B;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 400, 1000, a);
  feed(&acc, cs, i, 400, 0, NULL);
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPL, 100, 5, alm(BALLAST_CP_FINANCIAL));
  feed(&acc, cs, i, -100, 1, (Ev[]){{5, BALLAST_EV_MD, -100}});
  is_int(0, BallastLiquidityReduce(PETSC_COMM_WORLD, &acc), "reduce");
  is_double(100.0 / 0.6, acc.m.hqla, 1e-9, "HQLA dominated by Level 2B: capped at 166.6667");
  is_double(400, acc.m.hqla_level[BALLAST_HQLA_2B], 0, "... Level 2B market value before haircut 400");
  is_double(100, acc.m.lcr_outflows, 1e-12, "outflows 100");
  is_double(100.0 / 0.6 / 100.0, acc.m.lcr, 1e-12, "LCR 1.666667");
  finish(&cs, &acc);

  /* ---- 2. the 75 % inflow cap binding; HQLA generates no inflows ----
   * outflows: financial term deposit 100 due on day 10: 100 * 100 % = 100
   * inflows: financial loan repaying 200 on day 20: 200 * 100 % = 200 > 0.75 * 100 = 75
   * the Level 1 bond's coupon of 5 on day 15 is not an inflow (in the stock)
   * LCR = 50 / (100 - 75) = 2 */
  start(&lp, 0, 0, &cs, &acc);
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPL, 100, 10, alm(BALLAST_CP_FINANCIAL));
  feed(&acc, cs, i, -100, 1, (Ev[]){{10, BALLAST_EV_MD, -100}});
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 200, 20, alm(BALLAST_CP_FINANCIAL));
  feed(&acc, cs, i, 200, 1, (Ev[]){{20, BALLAST_EV_MD, 200}});
  a = alm(BALLAST_CP_SOVEREIGN), a.hqlaLevel = BALLAST_HQLA_1;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 50, 400, a);
  feed(&acc, cs, i, 50, 1, (Ev[]){{15, BALLAST_EV_IP, 5}});
  BallastLiquidityReduce(PETSC_COMM_WORLD, &acc);
  is_double(200, acc.m.lcr_inflows, 1e-12, "inflows 200 before the cap (HQLA coupon excluded)");
  is_double(100, acc.m.lcr_outflows, 1e-12, "outflows 100");
  is_double(2.0, acc.m.lcr, 1e-12, "75 %% cap binds: LCR = 50 / (100 - 75) = 2");
  /* ladder buckets end on days 1..7, 14, 30...: day 10 is in bucket 7 = (7, 14], days 15 and 20 in bucket 8 = (14, 30] */
  is_double(205, acc.m.inflow[8], 1e-12, "contractual ladder (14, 30]: inflows 200 + 5 (contractual: HQLA flows included)");
  is_double(100, acc.m.outflow[7], 1e-12, "contractual ladder (7, 14]: outflow 100");
  finish(&cs, &acc);

  /* ---- 3. stable vs less stable retail deposits, interest, facilities ----
   * sight deposits (UMP, synthetic events on day 1): stable 1000 + interest 1: (1000 + 1) * 5 % = 50.05;
   * less stable 1000: 1000 * 10 % = 100;
   * financial term funding 500 due on day 90 paying interest 2 on day 15: principal 0 %, interest
   * as another contractual outflow 100 %: 2;
   * corporate loan with an undrawn credit facility 1000: 10 % = 100.
   * outflows = 50.05 + 100 + 2 + 100 = 252.05
   * NSFR: ASF = 1000 * 0.95 + 1000 * 0.90 + 500 * 1.00 (>= 1 year? no: day 90 < 6M: 0 %) = 1850;
   *       RSF = the corporate loan has no drawn balance; its undrawn facility 1000 * 5 % = 50 */
  start(&lp, 0, 0, &cs, &acc);
  a = alm(BALLAST_CP_RETAIL), a.depositStability = BALLAST_STAB_STABLE;
  i = add(cs, BALLAST_CT_UMP, BALLAST_ROLE_RPL, 1000, 0, a);
  feed(&acc, cs, i, -1000, 2, (Ev[]){{1, BALLAST_EV_IP, -1}, {1, BALLAST_EV_MD, -1000}});
  i = add(cs, BALLAST_CT_UMP, BALLAST_ROLE_RPL, 1000, 0, alm(BALLAST_CP_RETAIL));
  feed(&acc, cs, i, -1000, 1, (Ev[]){{1, BALLAST_EV_MD, -1000}});
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPL, 500, 90, alm(BALLAST_CP_FINANCIAL));
  feed(&acc, cs, i, -500, 2, (Ev[]){{15, BALLAST_EV_IP, -2}, {90, BALLAST_EV_MD, -500}});
  a = alm(BALLAST_CP_CORPORATE), a.undrawnCommitment = 1000;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 0, 400, a);
  feed(&acc, cs, i, 0, 0, NULL);
  BallastLiquidityReduce(PETSC_COMM_WORLD, &acc);
  is_double(252.05, acc.m.lcr_outflows, 1e-9, "outflows: stable 50.05 + less stable 100 + interest on term funding 2 + facility 100");
  is_double(0.0, acc.m.lcr, 0, "... LCR = 0 / 252.05 = 0");
  is_double(1850, acc.m.asf, 1e-9, "ASF: stable 950 + less stable 900 + financial < 6M 0");
  is_double(50, acc.m.rsf, 1e-12, "RSF: undrawn facility 5 %% of 1000");
  is_double(2001, acc.m.outflow[0], 1e-12, "contractual ladder day 1: both sight deposits (2000) and interest (1)");
  /* stressed, idiosyncratic, day 1 (curves linear from day 0): stable 1000 * 0.02/7 + less
   * stable 1000 * 0.04/7 + facility 1000 * 0.10/30 = 60/7 + 10/3 */
  is_double(60.0 / 7.0 + 10.0 / 3.0, acc.m.s_outflow[0], 1e-9, "stressed ladder day 1: run-off 1000 * (0.02 + 0.04) / 7 + drawdown 1000 * 0.10 / 30");
  finish(&cs, &acc);

  /* ---- 4. a mortgage of more than one year at 35 % and at 50 % risk weight (NSFR) ----
   * notional 100,000 to year 20; principal 1,000 falls due at 3 months (< 6M), 1,000 at 9 months
   * (6-12M); the remaining 98,000 is due after a year.
   * RW 35 %: RSF = 1000 * 0.50 + 1000 * 0.50 + 98000 * 0.65 = 64,700
   * RW 50 %: RSF = 1000 * 0.50 + 1000 * 0.50 + 98000 * 0.85 = 84,300
   * ASF = Tier 1 10,000 + Tier 2 5,000 at 100 % = 15,000; NSFR (35 %) = 15000 / 64700 */
  for (int k = 0; k < 2; k++) {
    start(&lp, 10000, 5000, &cs, &acc);
    a = alm(BALLAST_CP_RETAIL), a.riskWeight = k ? 0.50 : 0.35;
    i = add(cs, BALLAST_CT_ANN, BALLAST_ROLE_RPA, 100000, 7300, a);
    int m3 = BallastDateAddMonths(ASOF, 3) - ASOF, m9 = BallastDateAddMonths(ASOF, 9) - ASOF, m15 = BallastDateAddMonths(ASOF, 15) - ASOF;
    feed(&acc, cs, i, 101000, 3, (Ev[]){{m3, BALLAST_EV_PR, 1000}, {m9, BALLAST_EV_PR, 1000}, {m15, BALLAST_EV_PR, 1000}});
    BallastLiquidityReduce(PETSC_COMM_WORLD, &acc);
    is_double(k ? 84300 : 64700, acc.m.rsf, 1e-8, "mortgage at RW %s: RSF %s", k ? "50 %" : "35 %", k ? "85 % beyond a year = 84,300" : "65 % beyond a year = 64,700");
    is_double(15000, acc.m.asf, 0, "ASF: regulatory capital 15,000 at 100 %%");
    is_double(15000.0 / (k ? 84300 : 64700), acc.m.nsfr, 1e-15, "NSFR = ASF / RSF");
    finish(&cs, &acc);
  }

  /* ---- 5. encumbered HQLA excluded ----
   * Level 1 bonds: A notional 100, PV 98, free; B 200 encumbered 400 days (>= 1Y); C 300
   * encumbered 200 days (6-12M); D 400 encumbered 100 days (< 6M).
   * LCR stock: A only, at market value 98; outflow: financial deposit 50 on day 5: LCR = 98/50.
   * RSF (notionals) = 100 * 5 % + 200 * 100 % + 300 * max(5 %, 50 %) + 400 * 5 % = 5 + 200 + 150 + 20 = 375
   * counterbalancing capacity at the as-of date: 98 */
  start(&lp, 0, 0, &cs, &acc);
  {
    const int    enc[4] = {0, 400, 200, 100};
    const double nom[4] = {100, 200, 300, 400}, pv[4] = {98, 200, 300, 400};
    for (int k = 0; k < 4; k++) {
      a = alm(BALLAST_CP_SOVEREIGN), a.hqlaLevel = BALLAST_HQLA_1;
      if (enc[k]) a.encumberedUntil = ASOF + enc[k];
      i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, nom[k], 3000, a);
      feed(&acc, cs, i, pv[k], 0, NULL);
    }
  }
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPL, 50, 5, alm(BALLAST_CP_FINANCIAL));
  feed(&acc, cs, i, -50, 1, (Ev[]){{5, BALLAST_EV_MD, -50}});
  BallastLiquidityReduce(PETSC_COMM_WORLD, &acc);
  is_double(98, acc.m.hqla, 1e-12, "encumbered bonds excluded: HQLA = the free bond's market value 98");
  is_double(98.0 / 50.0, acc.m.lcr, 1e-12, "LCR 1.96");
  is_double(375, acc.m.rsf, 1e-12, "RSF 375: encumbered >= 1Y at 100 %%, 6-12M at 50 %%, < 6M as unencumbered");
  is_double(98, acc.m.cbc[0], 1e-12, "counterbalancing capacity at the as-of date 98");
  finish(&cs, &acc);

  /* ---- 6. a survival horizon that ends on a known day (tests/data/liquidity-survival.cfg) ----
   * less stable sight deposits 1000 run off 100 a day (10 % a day to day 10);
   * financial term funding 60 due on day 2; a retail loan repays 30 on day 3 (50 %: 15 in "test");
   * counterbalancing: Level 1 300 + Level 2A 100 after 15 % = 385 ("test");
   *                   "no_inflows": Level 2A haircut 15 % + 35 % = 50 %: 300 + 50 = 350;
   *   a Level 1 bond of 100 encumbered until day 4 joins on day 4 (both scenarios).
   * "test":       net(1) = 100, net(2) = 260, net(3) = 345 <= 385, net(4) = 445 <= 485,
   *               net(5) = 545 > 485: survival 5 days
   * "no_inflows": net(3) = 360 > 350: survival 3 days */
  is_int(0, load(test_data("liquidity-survival.cfg"), &rs, &ls), "survival fixture loads");
  start(&ls, 0, 0, &cs, &acc);
  i = add(cs, BALLAST_CT_UMP, BALLAST_ROLE_RPL, 1000, 0, alm(BALLAST_CP_RETAIL));
  feed(&acc, cs, i, -1000, 1, (Ev[]){{1, BALLAST_EV_MD, -1000}});
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPL, 60, 2, alm(BALLAST_CP_FINANCIAL));
  feed(&acc, cs, i, -60, 1, (Ev[]){{2, BALLAST_EV_MD, -60}});
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 30, 3, alm(BALLAST_CP_RETAIL));
  feed(&acc, cs, i, 30, 1, (Ev[]){{3, BALLAST_EV_MD, 30}});
  a = alm(BALLAST_CP_SOVEREIGN), a.hqlaLevel = BALLAST_HQLA_1;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 300, 3000, a);
  feed(&acc, cs, i, 300, 0, NULL);
  a = alm(BALLAST_CP_FINANCIAL), a.hqlaLevel = BALLAST_HQLA_2A;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 100, 3000, a);
  feed(&acc, cs, i, 100, 0, NULL);
  a = alm(BALLAST_CP_SOVEREIGN), a.hqlaLevel = BALLAST_HQLA_1, a.encumberedUntil = ASOF + 4;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 100, 3000, a);
  feed(&acc, cs, i, 100, 1, (Ev[]){{3, BALLAST_EV_IP, 7}}); /* its coupon is not a stressed inflow (in the capacity) */
  is_int(0, BallastLiquidityReduce(PETSC_COMM_WORLD, &acc), "reduce");
  is_double(385, acc.m.cbc[0], 1e-12, "\"test\": counterbalancing capacity 300 + 100 * 0.85 = 385");
  is_double(350, acc.m.cbc[1], 1e-12, "\"no_inflows\": 300 + 100 * 0.50 = 350");
  is_double(5, acc.m.survival_days[0], 0, "\"test\": survival 5 days (the encumbered bond freed on day 4 buys one day)");
  is_double(3, acc.m.survival_days[1], 0, "\"no_inflows\": survival 3 days");
  /* stressed ladder, "test", bucket (1, 7]: run-off 1000 * (0.7 - 0.1) = 600 + term funding 60 = 660; inflows 15 */
  is_double(660, acc.m.s_outflow[1], 1e-9, "stressed ladder (1, 7]: run-off 600 + contractual 60");
  is_double(15, acc.m.s_inflow[1], 1e-12, "stressed inflows (1, 7]: 30 * 50 %%");
  /* contractual ladder: day 1 outflow 1000; (1, 7]: outflow 60, inflows 30 + 7; gap -1000, -1023 */
  is_double(1000, acc.m.outflow[0], 0, "contractual ladder day 1: 1000");
  is_double(37, acc.m.inflow[1], 0, "contractual (1, 7] inflows 30 + 7");
  is_double(-1023, acc.m.gap_cum[1], 1e-12, "cumulative gap to day 7: -1000 + 37 - 60");
  is_double(-1023, acc.m.gap_cum[4], 1e-12, "... unchanged to beyond");
  /* survival is past the horizon when nothing flows out */
  finish(&cs, &acc);
  start(&ls, 0, 0, &cs, &acc);
  a = alm(BALLAST_CP_SOVEREIGN), a.hqlaLevel = BALLAST_HQLA_1;
  i = add(cs, BALLAST_CT_PAM, BALLAST_ROLE_RPA, 300, 3000, a);
  feed(&acc, cs, i, 300, 0, NULL);
  BallastLiquidityReduce(PETSC_COMM_WORLD, &acc);
  is_double(90, acc.m.survival_days[0], 0, "never short: survival = the ladder's horizon (90 days)");
  ok(isinf(acc.m.lcr), "no outflows: LCR infinite");

  /* results: dimensions and variables */
  {
    BallastResults res;
    PetscBool      has;
    const char    *eur = "EUR";
    BallastResultsCreate(&res);
    BallastResultsAddDimLabels(res, "currency", "currency_code", 1, &eur, "currency");
    is_int(0, BallastLiquidityAddResults(&acc, res), "results added");
    BallastResultsHasDim(res, "action", &has);
    ok(has, "action dimension added when absent");
    BallastResultsHasDim(res, "ladder_bucket", &has);
    ok(has, "ladder_bucket dimension");
    BallastResultsDestroy(&res);
  }
  finish(&cs, &acc);

  BallastLiquidityParamsDestroy(&ls);
  BallastRegimeDestroy(&rs);
  BallastLiquidityParamsDestroy(&lp);
  BallastRegimeDestroy(&r);
  PetscFinalize();
  return tap_failed() ? 1 : 0;
}
