/* Behavioural models on one rank: the regime caps of both shipped regimes, the behaviour section
 * of a run configuration (fixed and calibrated segments, relative history paths) and its errors
 * named by file and line, history file errors, the replicating portfolio against a brute-force
 * grid search on a three-tenor case where the average-maturity cap binds, and the projection
 * helpers computed by hand.
 *
 * Tolerances: grid search step 0.0025 in each weight; the TAO solution must be no worse than the
 * best grid point by more than 1e-6 (relative) and within 0.01 of it in every weight; constraints
 * hold to 1e-8. */
#include "tap/basic.h"
#include <ballast/behaviour.h>
#include <ballast/config.h>
#include <ballast/regime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char msg[2048];
static char dir[256], cfgpath[320];

static const char *regime_path(const char *name)
{
  static char buf[4096];
  const char *s = getenv("BALLAST_SOURCE_DIR");
  if (!s) bail("BALLAST_SOURCE_DIR is not set (the repository root, where config/regimes/ lives)");
  snprintf(buf, sizeof buf, "%s/config/regimes/%s", s, name);
  return buf;
}

static void catch(PetscErrorCode ierr)
{
  msg[0] = 0;
  if (ierr) {
    const char *t;
    char       *s = NULL;
    PetscErrorMessage(ierr, &t, &s);
    snprintf(msg, sizeof msg, "%s", s ? s : "");
  }
}

static void put(const char *name, const char *text)
{
  char  p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  fputs(text, f);
  fclose(f);
}

/* A run configuration whose behaviour section is `beh` (line 6 onwards), loaded with the BCBS regime. */
#define BASE \
  "run = { name = \"t\"; as_of = \"2026-10-30\"; reporting_currency = \"EUR\"; };\n" \
  "input = { contracts = [\"c.csv\"]; curves = \"curves.csv\"; fx = \"fx.csv\"; };\n" \
  "output = { dir = \"out\"; };\n" \
  "discount_curves = { EUR = \"EUR_ESTR\"; };\n" \
  "regime = \"%s\";\n"

static PetscErrorCode load_beh(const char *beh, BallastBehaviour *b)
{
  BallastConfig cfg;
  BallastRegime reg;
  char          text[8192];
  snprintf(text, sizeof text, BASE "%s", regime_path("bcbs-2016.cfg"), beh);
  put("run.cfg", text);
  PetscErrorCode ierr = BallastConfigLoad(PETSC_COMM_WORLD, cfgpath, &cfg);
  if (ierr) bail("base configuration does not load");
  if (BallastRegimeLoad(PETSC_COMM_WORLD, cfg.regime, &reg)) bail("regime does not load");
  ierr = BallastBehaviourLoad(PETSC_COMM_WORLD, &cfg, &reg, b);
  catch(ierr);
  if (ierr) BallastBehaviourDestroy(b);
  BallastRegimeDestroy(&reg);
  BallastConfigDestroy(&cfg);
  return ierr;
}

/* history of a three-tenor deposit segment whose true portfolio (0.2, 0.2, 0.6 over 1M, 5Y, 10Y:
 * average maturity 7.0 years) is beyond a 4-year cap: the cap binds */
static void grid_case(void)
{
  BallastBehTruth   t;
  BallastBehHistory h, h3;
  PetscMemzero(&t, sizeof t);
  t.model = BALLAST_BEH_DEPOSIT, t.ntenor = 3, t.margin = 0.01, t.noise = 0.0002, t.core_share = 0.5;
  t.tenor_months[0] = 1, t.tenor_months[1] = 60, t.tenor_months[2] = 120;
  t.weight[0] = 0.2, t.weight[1] = 0.2, t.weight[2] = 0.6;
  if (BallastBehHistorySynthesize(7, 3, BallastDateFromYMD(2026, 9, 30), 240, &t, &h)) bail("synthesis");
  /* the segment's view: only its three tenors (columns 0, 6, 8 of the synthetic market) */
  BallastBehHistoryAlloc(BALLAST_BEH_DEPOSIT, h.n, 3, &h3);
  int cols[3] = {0, 6, 8};
  for (PetscInt u = 0; u < h.n; u++) {
    h3.date[u] = h.date[u], h3.deposit_rate[u] = h.deposit_rate[u], h3.balance[u] = h.balance[u];
    for (int j = 0; j < 3; j++) h3.market[u * 3 + j] = h.market[u * h.ntenor + cols[j]];
  }
  BallastBehHistoryFree(&h);

  /* TAO, through the public calibration (one segment) */
  BallastBehaviour b;
  PetscMemzero(&b, sizeof b);
  PetscStrallocpy("(test)", &b.file);
  b.nseg = 1;
  PetscCalloc1(1, &b.seg);
  BallastBehSegment *s = &b.seg[0];
  strcpy(s->name, "three_tenors");
  PetscStrallocpy("(memory)", &s->history_path);
  s->model = BALLAST_BEH_DEPOSIT, s->category = BALLAST_NMD_WHOLESALE, s->ntenor = 3;
  s->tenor_months[0] = 1, s->tenor_months[1] = 60, s->tenor_months[2] = 120;
  s->core_cap = 0.5, s->maturity_cap = 4.0;
  PetscNew(&s->hist);
  *s->hist = h3;
  is_int(0, BallastBehaviourCalibrate(PETSC_COMM_WORLD, &b), "three-tenor replicating portfolio calibrates");
  double w[3] = {s->weight[0], s->weight[1], s->weight[2]};
  ok(w[0] >= 0 && w[1] >= 0 && w[2] >= 0, "weights >= 0 (%.6f %.6f %.6f)", w[0], w[1], w[2]);
  is_double(1.0, w[0] + w[1] + w[2], 1e-12, "weights sum to 1");
  double avg = w[0] / 12.0 + 5.0 * w[1] + 10.0 * w[2];
  ok(avg <= 4.0 + 1e-8, "average maturity %.9f <= cap 4 years", avg);
  is_double(4.0, avg, 1e-4, "... the cap binds (the unconstrained truth has 7 years)");
  is_double(avg, s->average_maturity, 1e-12, "average maturity reported");

  /* brute force over the simplex, step 0.0025, feasible points only */
  double C[9], c[3], vd, best = INFINITY, bw[3] = {0};
  PetscInt T;
  BallastNMDMoments(&h3, 3, s->tenor_months, C, c, &vd, &T);
  is_int(240 - 119, T, "moments over the months where the 10Y window is full (121)");
  const int N = 400;
  for (int i = 0; i <= N; i++)
    for (int j = 0; i + j <= N; j++) {
      double x[3] = {i / (double)N, j / (double)N, (N - i - j) / (double)N};
      if (x[0] / 12.0 + 5.0 * x[1] + 10.0 * x[2] > 4.0) continue;
      double f = BallastNMDMarginVariance(3, C, c, vd, x);
      if (f < best) best = f, bw[0] = x[0], bw[1] = x[1], bw[2] = x[2];
    }
  double ftao = BallastNMDMarginVariance(3, C, c, vd, w);
  ok(ftao <= best * (1 + 1e-6), "TAO objective %.9g no worse than the grid's best %.9g", ftao, best);
  ok(fabs(w[0] - bw[0]) <= 0.01 && fabs(w[1] - bw[1]) <= 0.01 && fabs(w[2] - bw[2]) <= 0.01, "TAO weights (%.4f %.4f %.4f) match the grid's (%.4f %.4f %.4f) within 0.01", w[0], w[1],
     w[2], bw[0], bw[1], bw[2]);
  is_double(sqrt(ftao) / 100.0, s->objective, 1e-12, "objective = standard deviation of the margin (decimal)");
  contains(s->reason, "CONVERGED", "convergence reason recorded");
  BallastBehaviourDestroy(&b);
}

int main(int argc, char **argv)
{
  BallastBehaviour b;
  BallastRegime    reg;
  BallastNMDCaps   caps;
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  snprintf(dir, sizeof dir, "/tmp/ballast-t_behaviour-%d", (int)getpid());
  snprintf(cfgpath, sizeof cfgpath, "%s/run.cfg", dir);
  {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
    if (system(cmd)) bail("cannot create %s", dir);
  }
  plan_lazy();

  /* ---- regime caps (regulatory data, both regimes) ---- */
  const char *regs[2] = {"bcbs-2016.cfg", "eu-2024-856.cfg"};
  for (int k = 0; k < 2; k++) {
    if (BallastRegimeLoad(PETSC_COMM_WORLD, regime_path(regs[k]), &reg)) bail("%s does not load", regs[k]);
    is_int(0, BallastNMDCapsLoad(PETSC_COMM_WORLD, &reg, &caps), "%s: nmd caps load", regs[k]);
    ok(caps.core_share_max[BALLAST_NMD_RETAIL_TRANSACTIONAL] == 0.90 && caps.average_maturity_max[BALLAST_NMD_RETAIL_TRANSACTIONAL] == 5.0, "%s: retail transactional 90 %% / 5 y", regs[k]);
    ok(caps.core_share_max[BALLAST_NMD_RETAIL_NON_TRANSACTIONAL] == 0.70 && caps.average_maturity_max[BALLAST_NMD_RETAIL_NON_TRANSACTIONAL] == 4.5, "%s: retail non-transactional 70 %% / 4.5 y",
       regs[k]);
    ok(caps.core_share_max[BALLAST_NMD_WHOLESALE] == 0.50 && caps.average_maturity_max[BALLAST_NMD_WHOLESALE] == 4.0, "%s: wholesale 50 %% / 4 y", regs[k]);
    BallastRegimeDestroy(&reg);
  }

  /* ---- a valid section: fixed and calibrated segments ---- */
  {
    /* a short valid deposit history: 1M and 1Y tranches need 12 - 1 + 24 = 35 months */
    char hist[16384] = "date,balance,deposit_rate,market_1M,market_1Y\n";
    for (int t = 0; t < 40; t++) {
      char line[128];
      int  y = 2020 + (t + 8) / 12, m = (t + 8) % 12 + 1;
      snprintf(line, sizeof line, "%04d-%02d-28,%d,%.4f,%.4f,%.4f\n", y, m, 1000 - (t % 12) * 10, 0.001 + 0.0001 * (t % 7), 0.01 + 0.001 * (t % 5), 0.02 + 0.0005 * (t % 3));
      strcat(hist, line);
    }
    put("history-sight.csv", hist);
  }
  const char *valid = "behaviour = {\n"                                                                                                        /* 6 */
                      "  segments = (\n"                                                                                                       /* 7 */
                      "    { name = \"consumer\"; model = \"prepayment\"; type = \"constant\"; cpr = 0.06; },\n"                                /* 8 */
                      "    { name = \"fixed_curve\"; model = \"prepayment\"; type = \"scurve\"; a = 0.02; b = 0.2; c = 250; d = 0.01; },\n"     /* 9 */
                      "    { name = \"sight\"; model = \"deposit\"; category = \"retail_transactional\"; tenors = [\"1M\", \"1Y\"]; beta = 0.2;\n" /* 10 */
                      "      history = \"history-sight.csv\"; },\n"                                                                             /* 11 */
                      "    { name = \"savings\"; model = \"deposit\"; category = \"retail_non_transactional\"; tenors = [\"1M\", \"5Y\"];\n"    /* 12 */
                      "      weights = [0.4, 0.6]; core_share = 0.6; beta = 0.3; rate_floor = -0.005; },\n"                                   /* 13 */
                      "    { name = \"term_deposits\"; model = \"early_redemption\"; rate = 0.05; }\n"                                           /* 14 */
                      "  );\n};\n";
  is_int(0, load_beh(valid, &b), "a valid behaviour section loads");
  is_int(5, b.nseg, "five segments");
  ok(!b.accept_nonconvergence, "non-convergence is an error by default");
  PetscInt is = BallastBehaviourFind(&b, "sight");
  ok(is == 2 && b.seg[is].history_path && strstr(b.seg[is].history_path, dir) == b.seg[is].history_path, "history path resolved against the configuration's directory");
  ok(b.seg[is].hist && b.seg[is].hist->n == 40, "history read on its owner rank (40 months)");
  is_double(0.9, b.seg[is].core_cap, 0, "sight: regime core cap of its category");
  is_double(4.5, b.seg[3].maturity_cap, 0, "savings: regime maturity cap of its category");
  is_int(0, BallastBehaviourCalibrate(PETSC_COMM_WORLD, &b), "calibration of the section");
  is_string("fixed", b.seg[0].reason, "constant CPR: fixed by configuration");
  is_double(0.6 * 5.0 + 0.4 / 12.0, b.seg[3].average_maturity, 1e-12, "fixed weights: average maturity 0.4/12 + 0.6 x 5");
  ok(b.seg[is].core_share <= 0.9 && b.seg[is].average_maturity <= 5.0 + 1e-8, "calibrated deposit within its caps (core %.3f, maturity %.3f)", b.seg[is].core_share,
     b.seg[is].average_maturity);
  /* largest 12-month fall of the balance 1000 - 10 (t mod 12): from 1000 to 890 = 11 % -> core 0.89 */
  is_double(0.89, b.seg[is].core_share, 1e-12, "core share = 1 - largest 12-month fall (by hand: 0.89)");

  /* ---- projection helpers, by hand ---- */
  const BallastBehSegment *cons = &b.seg[0], *fix = &b.seg[1], *sav = &b.seg[3], *td = &b.seg[4];
  is_double(0.06 * 1.2, BallastPrepaymentCPR(cons, 0.03, 1.2), 1e-15, "constant CPR times the scenario scalar 1.2");
  is_double(0.02 + 0.2 / (1 + exp(-250 * (0.015 - 0.01))), BallastPrepaymentCPR(fix, 0.015, 1.0), 1e-15, "S-curve CPR at incentive 1.5 %%");
  is_double(0.02 + 0.1, BallastPrepaymentCPR(fix, 0.01, 1.0), 1e-15, "S-curve at its midpoint d: a + b/2");
  is_double(1.0, BallastPrepaymentCPR(fix, 0.5, 10.0), 0, "CPR clamped at 1");
  is_double(1 - pow(0.94, 1.0 / 12.0), BallastSMM(0.06), 1e-15, "SMM of 6 %% CPR = 1 - 0.94^(1/12)");
  is_double(0.005143, BallastSMM(0.06), 1e-6, "... = 0.5143 %% a month");
  is_double(1 - pow(0.94, 0.25), BallastPeriodFraction(0.06, 0.25), 1e-15, "quarterly fraction");
  is_double(0.05 * 0.8, BallastEarlyRedemptionRate(td, 0.8), 1e-15, "early redemption rate times scalar 0.8");
  is_double(0.01 + 0.3 * 0.02, BallastDepositRate(sav, 0.01, 0.02, 0.04), 1e-15, "deposit rate: +200 bp short rate passes 30 %%");
  is_double(-0.005, BallastDepositRate(sav, 0.01, 0.02, -0.08), 1e-15, "deposit rate floored at the segment's rate_floor");
  is_int(1 + 1 + 60, BallastDepositSlotCount(sav), "slots: non-core + 1M (1 slice) + 5Y (60 slices)");
  {
    double      amount[62], sum = 0;
    BallastDate date[62], asof = BallastDateFromYMD(2026, 10, 30);
    PetscInt    tr[62];
    is_int(0, BallastDepositSlot(sav, asof, -1000.0, amount, date, tr), "slotting of a -1000 balance");
    for (int k = 0; k < 62; k++) sum += amount[k];
    is_double(-1000.0, sum, 1e-9, "slots sum to the balance");
    is_double(-400.0, amount[0], 1e-9, "non-core 40 %% overnight");
    ok(date[0] == asof + 1 && tr[0] == -1, "... repricing the next day");
    is_double(-1000.0 * 0.6 * 0.4, amount[1], 1e-9, "1M tranche: core x 0.4 in one slice");
    ok(date[1] == BallastDateFromYMD(2026, 11, 30) && tr[1] == 0, "... maturing in one month");
    is_double(-1000.0 * 0.6 * 0.6 / 60, amount[2], 1e-12, "5Y tranche: 60 equal monthly slices");
    ok(date[61] == BallastDateFromYMD(2031, 10, 30) && tr[61] == 1, "... the last at as-of + 60 months");
  }
  {
    BallastResults r;
    BallastResultsCreate(&r);
    is_int(0, BallastBehaviourAddResults(&b, r), "results over the segment dimension");
    BallastResultsDestroy(&r);
  }
  BallastBehaviourDestroy(&b);

  /* ---- configuration errors name file and line ---- */
  struct {
    const char *text, *expect, *what;
    int         code;
  } bad[] = {
    {"behaviour = { segments = ( { name = \"x\"; model = \"prepay\"; type = \"constant\"; cpr = 0.1; } ); };\n", "run.cfg:6: behaviour.segments[1].model 'prepay' must be one of", "unknown model", 0},
    {"behaviour = { segments = (\n { name = \"x\"; model = \"prepayment\"; type = \"constant\"; cpr = 1.5; } ); };\n", "run.cfg:7: behaviour.segments[1].cpr must be a number in [0", "CPR out of range", 0},
    {"behaviour = { segments = (\n { name = \"x\"; model = \"prepayment\"; type = \"scurve\"; a = 0.1; } ); };\n", "run.cfg:7:", "incomplete fixed S-curve", 0},
    {"behaviour = {\n segmnts = (); };\n", "run.cfg:7: unknown key 'segmnts' in behaviour", "misspelt key", 0},
    {"behaviour = { segments = (\n { name = \"x\"; model = \"deposit\"; category = \"retail_transactional\"; tenors = [\"1M\", \"10Y\"]; beta = 0.1;\n weights = [0.2, 0.8]; core_share = 0.5; } ); };\n",
     "run.cfg:7: behaviour.segments[1].weights give an average maturity of 8.01667 years, above the regime cap of 5", "fixed weights beyond the maturity cap", 0},
    {"behaviour = { segments = (\n { name = \"x\"; model = \"deposit\"; category = \"wholesale\"; tenors = [\"1M\"]; beta = 0.1;\n weights = [1.0]; core_share = 0.6; } ); };\n",
     "core_share 0.6 is above the regime cap of 0.5 for wholesale", "core share beyond the cap", 0},
    {"behaviour = { segments = (\n { name = \"x\"; model = \"deposit\"; category = \"wholesale\"; tenors = [\"1Y\", \"1M\"]; beta = 0.1; weights = [0.5, 0.5]; core_share = 0.3; } ); };\n",
     "run.cfg:7: behaviour.segments[1].tenors must be strictly increasing", "tenors out of order", 0},
    {"behaviour = { segments = (\n { name = \"x\"; model = \"early_redemption\"; rate = 0.05; },\n { name = \"x\"; model = \"early_redemption\"; rate = 0.05; } ); };\n",
     "run.cfg:8: behaviour segment 'x' is defined twice (first at line 7)", "duplicate name", 0},
    {"behaviour = { segments = (\n { name = \"x\"; model = \"early_redemption\"; history = \"nope.csv\"; } ); };\n", "nope.csv: cannot open the history of behaviour segment 'x'", "missing history file",
     1},
    {"behaviour = { segments = (\n { name = \"x\"; model = \"early_redemption\"; history = \"bad.csv\"; } ); };\n", "bad.csv:3:12: 'oops' is not a number", "bad number in a history", 1},
  };
  put("bad.csv", "date,balance,redeemed\n2020-01-31,100,1\n2020-02-29,oops,1\n");
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    is_int(bad[k].code ? BALLAST_ERR_INPUT : BALLAST_ERR_USAGE, load_beh(bad[k].text, &b), "%s is an error", bad[k].what);
    contains(msg, bad[k].expect, "... '%s'", bad[k].expect);
  }

  /* ---- non-convergence: exit class 4 unless accepted ---- */
  {
    char text[2048];
    snprintf(text, sizeof text,
             "behaviour = { %s segments = (\n { name = \"s\"; model = \"deposit\"; category = \"retail_transactional\"; tenors = [\"1M\", \"1Y\"]; beta = 0.2; history = \"history-sight.csv\"; } ); };\n",
             "");
    PetscOptionsSetValue(NULL, "-nmd_tao_max_it", "1");
    is_int(0, load_beh(text, &b), "deposit section loads");
    PetscErrorCode e = BallastBehaviourCalibrate(PETSC_COMM_WORLD, &b);
    catch(e);
    is_int(BALLAST_ERR_NUMERIC, e, "one iteration (-nmd_tao_max_it 1): calibration fails with the numerical class (exit 4)");
    is_int(4, BallastExitCode(e), "... exit status 4");
    contains(msg, "did not converge", "... saying so");
    contains(msg, "run.cfg:7: behaviour segment 's': the replicating portfolio (TAOPDIPM, -nmd_tao_*) calibration", "... naming the segment, its line and the solver");
    BallastBehaviourDestroy(&b);
    snprintf(text, sizeof text,
             "behaviour = { %s segments = (\n { name = \"s\"; model = \"deposit\"; category = \"retail_transactional\"; tenors = [\"1M\", \"1Y\"]; beta = 0.2; history = \"history-sight.csv\"; } ); };\n",
             "accept_nonconvergence = true;");
    is_int(0, load_beh(text, &b), "section with accept_nonconvergence loads");
    is_int(0, BallastBehaviourCalibrate(PETSC_COMM_WORLD, &b), "... and the unconverged result is accepted");
    ok(!b.seg[0].converged && strstr(b.seg[0].reason, "DIVERGED"), "... its reason says so (%s)", b.seg[0].reason);
    BallastBehaviourDestroy(&b);
    PetscOptionsClearValue(NULL, "-nmd_tao_max_it");
  }

  /* ---- replicating portfolio vs brute force ---- */
  grid_case();

  {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) diag("could not remove %s", dir);
  }
  PetscFinalize();
  return tap_failed() ? 1 : 0;
}
