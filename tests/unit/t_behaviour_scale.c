/* Many behaviour segments as one distributed calibration (the benchmark's kernel and the MPI
 * test's subject). Without options: 24 segments (12 S-curves, 12 replicating portfolios) drawn
 * in memory from known true parameters (BallastBehHistorySynthesize, varied per segment), one
 * TaoSolve per kind on PETSC_COMM_WORLD, every segment checked against its truth.
 *
 * With -config RUN.CFG (a `ballast generate` directory): the configuration's segments are loaded
 * (BallastBehaviourLoad, histories on their owner ranks), calibrated, and compared with the
 * generator's history-true-parameters.csv beside it: S-curves as below, replicating weights within
 * 0.08, core shares within 0.02, early redemption rates within 0.005.
 *
 * Options: -segments N (total, half of each kind), -months M (default 240), -digest FILE (rank 0
 * writes one line per segment with every parameter to 17 digits: the MPI test compares the files
 * of 1 and 3 ranks), -bench (print timings: MPI_Wtime around the calibration only), and the solver
 * options -prepay_tao_* / -nmd_tao_*.
 *
 * Tolerances (stated here, used by the MPI test too): S-curve a, b within 0.03, c within 25 % and
 * d within 0.002 (20 bp of incentive) of the truth, for 240 months and CPR noise 0.005; replicating
 * weights within 0.08 of the truth and average maturity within 0.35 years, for deposit-rate noise
 * of 2 bp. */
#include "tap/basic.h"
#include <ballast/behaviour.h>
#include <ballast/config.h>
#include <ballast/regime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* truth of segment k of a kind: varied deterministically so that segments differ */
static void truth_prepay(PetscInt k, BallastBehTruth *t)
{
  PetscMemzero(t, sizeof *t);
  t->model  = BALLAST_BEH_PREPAYMENT;
  t->p[0]   = 0.02 + 0.01 * (double)(k % 4);
  t->p[1]   = 0.15 + 0.02 * (double)(k % 5);
  t->p[2]   = 200.0 + 25.0 * (double)(k % 3);
  t->p[3]   = 0.010 + 0.002 * (double)(k % 4);
  t->margin = 0.015;
  t->noise  = 0.005;
}

static void truth_nmd(PetscInt k, BallastBehTruth *t)
{
  static const int    tm[9]   = {1, 3, 6, 12, 24, 36, 60, 84, 120};
  static const double w[3][9] = {{0.30, 0, 0, 0.15, 0, 0.20, 0.20, 0, 0.15}, {0.20, 0, 0.20, 0, 0.30, 0, 0.30, 0, 0}, {0.50, 0.30, 0, 0.20, 0, 0, 0, 0, 0}};
  PetscMemzero(t, sizeof *t);
  t->model  = BALLAST_BEH_DEPOSIT;
  t->ntenor = 9;
  for (int j = 0; j < 9; j++) t->tenor_months[j] = tm[j], t->weight[j] = w[k % 3][j];
  t->core_share = 0.45 + 0.1 * (double)(k % 3);
  t->margin     = 0.01;
  t->noise      = 0.0002;
}

/* value of (segment, parameter) in the generator's truth file, NAN if absent */
static double truth_value(const char *file, const char *seg, const char *par)
{
  char  line[512];
  FILE *f = fopen(file, "r");
  if (!f) return NAN;
  double v = NAN;
  while (fgets(line, sizeof line, f)) {
    char *a = strtok(line, ","), *m = strtok(NULL, ","), *p = strtok(NULL, ","), *x = strtok(NULL, ",\n");
    if (a && m && p && x && !strcmp(a, seg) && !strcmp(p, par)) v = atof(x);
  }
  fclose(f);
  return v;
}

static int from_config(const char *path, const char *digest)
{
  BallastConfig    cfg;
  BallastRegime    reg;
  BallastBehaviour b;
  PetscMPIInt      rank;
  char             truth[PETSC_MAX_PATH_LEN + 64];
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  PetscMemzero(&reg, sizeof reg);
  if (BallastConfigLoad(PETSC_COMM_WORLD, path, &cfg)) bail("%s does not load", path);
  if (cfg.regime && BallastRegimeLoad(PETSC_COMM_WORLD, cfg.regime, &reg)) bail("%s does not load", cfg.regime);
  PetscErrorCode e1 = BallastBehaviourLoad(PETSC_COMM_WORLD, &cfg, cfg.regime ? &reg : NULL, &b);
  PetscErrorCode e2 = e1 ? e1 : BallastBehaviourCalibrate(PETSC_COMM_WORLD, &b);
  snprintf(truth, sizeof truth, "%s/history-true-parameters.csv", cfg.dir);
  if (rank == 0) {
    is_int(0, e1, "the behaviour section of %s loads", path);
    is_int(0, e2, "%d segments calibrated", (int)b.nseg);
    BallastBehaviourView(PETSC_COMM_SELF, &b);
    for (PetscInt i = 0; i < b.nseg; i++) {
      const BallastBehSegment *s = &b.seg[i];
      char                     par[32];
      if (!s->history_path) continue;
      if (s->model == BALLAST_BEH_PREPAYMENT) {
        double t[4] = {truth_value(truth, s->name, "a"), truth_value(truth, s->name, "b"), truth_value(truth, s->name, "c"), truth_value(truth, s->name, "d")};
        ok(fabs(s->p[0] - t[0]) <= 0.03 && fabs(s->p[1] - t[1]) <= 0.03 && fabs(s->p[2] - t[2]) <= 0.25 * t[2] && fabs(s->p[3] - t[3]) <= 0.002,
           "%s: S-curve (%.4f, %.4f, %.1f, %.5f) recovers the truth (%.4f, %.4f, %.1f, %.5f)", s->name, s->p[0], s->p[1], s->p[2], s->p[3], t[0], t[1], t[2], t[3]);
      } else if (s->model == BALLAST_BEH_DEPOSIT) {
        double worst = 0;
        for (PetscInt j = 0; j < s->ntenor; j++) {
          snprintf(par, sizeof par, "weight_%s", s->tenor_text[j]);
          double t = truth_value(truth, s->name, par);
          worst    = PetscMax(worst, fabs(s->weight[j] - (isnan(t) ? 0.0 : t)));
        }
        ok(worst <= 0.08, "%s: replicating weights within 0.08 of the truth (worst %.4f)", s->name, worst);
        is_double(truth_value(truth, s->name, "core_share"), s->core_share, 0.02, "%s: core share", s->name);
        ok(s->average_maturity <= s->maturity_cap + 1e-9 && s->core_share <= s->core_cap, "%s: regime caps hold (core %.3f <= %.2f, maturity %.3f <= %.1f)", s->name, s->core_share,
           s->core_cap, s->average_maturity, s->maturity_cap);
      } else is_double(truth_value(truth, s->name, "rate"), s->rate, 0.005, "%s: early redemption rate", s->name);
    }
    if (digest[0]) {
      FILE *f = fopen(digest, "w");
      for (PetscInt i = 0; f && i < b.nseg; i++) {
        const BallastBehSegment *s = &b.seg[i];
        fprintf(f, "%s %.17g %.17g %.17g %.17g %.17g %.17g %.17g", s->name, s->p[0], s->p[1], s->p[2], s->p[3], s->core_share, s->rate, s->objective);
        for (PetscInt j = 0; j < s->ntenor; j++) fprintf(f, " %.17g", s->weight[j]);
        fprintf(f, "\n");
      }
      if (f) fclose(f);
    }
  }
  BallastBehaviourDestroy(&b);
  if (cfg.regime) BallastRegimeDestroy(&reg);
  BallastConfigDestroy(&cfg);
  return 0;
}

int main(int argc, char **argv)
{
  PetscInt         nseg = 24, months = 240;
  PetscBool        bench = PETSC_FALSE, have_digest;
  char             digest[PETSC_MAX_PATH_LEN] = "";
  PetscMPIInt      rank, size;
  BallastBehaviour b;
  BallastNMDCaps   caps = {{0.9, 0.7, 0.5}, {5.0, 4.5, 4.0}};

  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  PetscOptionsGetInt(NULL, NULL, "-segments", &nseg, NULL);
  PetscOptionsGetInt(NULL, NULL, "-months", &months, NULL);
  PetscOptionsGetBool(NULL, NULL, "-bench", &bench, NULL);
  PetscOptionsGetString(NULL, NULL, "-digest", digest, sizeof digest, &have_digest);
  if (rank == 0) plan_lazy();
  {
    char      cfgpath[PETSC_MAX_PATH_LEN];
    PetscBool have_cfg;
    PetscOptionsGetString(NULL, NULL, "-config", cfgpath, sizeof cfgpath, &have_cfg);
    if (have_cfg) {
      from_config(cfgpath, have_digest ? digest : "");
      PetscFinalize();
      return rank == 0 && tap_failed() ? 1 : 0;
    }
  }

  /* the segments: first half S-curves, second half deposits (configuration order) */
  double t0 = MPI_Wtime();
  PetscMemzero(&b, sizeof b);
  PetscStrallocpy("(in memory)", &b.file);
  b.nseg = nseg;
  PetscCalloc1(nseg, &b.seg);
  PetscInt nprep = nseg / 2;
  for (PetscInt i = 0; i < nseg; i++) {
    BallastBehSegment *s = &b.seg[i];
    snprintf(s->name, sizeof s->name, "%s_%04d", i < nprep ? "mortgages" : "sight", (int)i);
    PetscStrallocpy("(in memory)", &s->history_path);
    s->objective = NAN;
    if (i < nprep) {
      s->model = BALLAST_BEH_PREPAYMENT;
      s->type  = BALLAST_PREPAY_SCURVE;
      double lo[4] = {0.0, 0.0, 1.0, -0.1}, hi[4] = {1.0, 1.0, 5000.0, 0.1};
      memcpy(s->lower, lo, sizeof lo);
      memcpy(s->upper, hi, sizeof hi);
    } else {
      static const int tm[9] = {1, 3, 6, 12, 24, 36, 60, 84, 120};
      s->model               = BALLAST_BEH_DEPOSIT;
      s->category            = BALLAST_NMD_RETAIL_TRANSACTIONAL;
      s->ntenor              = 9;
      for (int j = 0; j < 9; j++) {
        s->tenor_months[j] = tm[j];
        snprintf(s->tenor_text[j], sizeof s->tenor_text[j], tm[j] % 12 ? "%dM" : "%dY", tm[j] % 12 ? tm[j] : tm[j] / 12);
      }
      s->core_cap     = caps.core_share_max[0];
      s->maturity_cap = caps.average_maturity_max[0];
      s->beta         = 0.2;
    }
  }
  /* histories on the owner rank only, as BallastBehaviourLoad does */
  for (PetscInt i = 0; i < nseg; i++) {
    if (BallastBehaviourOwner(&b, i, size) != rank) continue;
    BallastBehTruth t;
    if (i < nprep) truth_prepay(i, &t);
    else truth_nmd(i - nprep, &t);
    PetscNew(&b.seg[i].hist);
    if (BallastBehHistorySynthesize(2026, (uint64_t)i + 1, BallastDateFromYMD(2026, 9, 30), months, &t, b.seg[i].hist)) bail("history synthesis failed");
  }
  double t1 = MPI_Wtime();
  PetscErrorCode ierr = BallastBehaviourCalibrate(PETSC_COMM_WORLD, &b);
  double t2 = MPI_Wtime();
  if (rank == 0) {
    is_int(0, ierr, "%d segments calibrated on %d rank(s)", (int)nseg, (int)size);
    if (ierr) {
      const char *text = NULL;
      char       *specific = NULL;
      PetscErrorMessage(ierr, &text, &specific);
      diag("%s", specific ? specific : "");
    }
    if (bench) printf("# bench: segments %d ranks %d months %d  histories %.3f s  calibration %.3f s  (prepay %d its, nmd %d its)\n", (int)nseg, (int)size, (int)months, t1 - t0, t2 - t1,
                      (int)b.seg[0].iterations, (int)b.seg[nseg - 1].iterations);
    /* every segment against its truth */
    int badp = 0, badn = 0, badc = 0;
    double worst[6] = {0};
    for (PetscInt i = 0; i < nseg; i++) {
      const BallastBehSegment *s = &b.seg[i];
      BallastBehTruth          t;
      if (i < nprep) {
        truth_prepay(i, &t);
        double e[4] = {fabs(s->p[0] - t.p[0]), fabs(s->p[1] - t.p[1]), fabs(s->p[2] - t.p[2]) / t.p[2], fabs(s->p[3] - t.p[3])};
        for (int k = 0; k < 4; k++) worst[k] = PetscMax(worst[k], e[k]);
        if (e[0] > 0.03 || e[1] > 0.03 || e[2] > 0.25 || e[3] > 0.002) {
          badp++;
          diag("%s: a %.4f b %.4f c %.1f d %.5f; truth %.4f %.4f %.1f %.5f", s->name, s->p[0], s->p[1], s->p[2], s->p[3], t.p[0], t.p[1], t.p[2], t.p[3]);
        }
      } else {
        truth_nmd(i - nprep, &t);
        double ew = 0, sum = 0, avg = 0, tavg = 0;
        for (int j = 0; j < 9; j++) {
          ew = PetscMax(ew, fabs(s->weight[j] - t.weight[j]));
          sum += s->weight[j];
          avg += s->weight[j] * s->tenor_months[j] / 12.0;
          tavg += t.weight[j] * s->tenor_months[j] / 12.0;
          if (s->weight[j] < 0) badc++;
        }
        worst[4] = PetscMax(worst[4], ew);
        worst[5] = PetscMax(worst[5], fabs(avg - tavg));
        if (fabs(sum - 1) > 1e-12 || avg > s->maturity_cap + 1e-6) badc++;
        if (ew > 0.08 || fabs(avg - tavg) > 0.35) {
          badn++;
          diag("%s: weights off by %.4f, average maturity %.3f vs %.3f", s->name, ew, avg, tavg);
        }
      }
    }
    diag("worst errors: a %.4f b %.4f c %.3f (relative) d %.5f; weights %.4f, average maturity %.3f y", worst[0], worst[1], worst[2], worst[3], worst[4], worst[5]);
    is_int(0, badp, "every S-curve within tolerance of its truth (a, b 0.03; c 25 %%; d 0.002)");
    is_int(0, badn, "every replicating portfolio within tolerance of its truth (weights 0.08, average maturity 0.35 y)");
    is_int(0, badc, "every replicating portfolio meets its constraints (w >= 0, sum 1, average maturity <= cap)");
    ok(strstr(b.seg[0].reason, "CONVERGED") != NULL && strstr(b.seg[nseg - 1].reason, "CONVERGED") != NULL, "both solves converged (%s, %s)", b.seg[0].reason, b.seg[nseg - 1].reason);
    if (have_digest) {
      FILE *f = fopen(digest, "w");
      for (PetscInt i = 0; f && i < nseg; i++) {
        const BallastBehSegment *s = &b.seg[i];
        fprintf(f, "%s", s->name);
        if (s->model == BALLAST_BEH_PREPAYMENT)
          for (int k = 0; k < 4; k++) fprintf(f, " %.17g", s->p[k]);
        else
          for (int j = 0; j < s->ntenor; j++) fprintf(f, " %.17g", s->weight[j]);
        fprintf(f, " %.17g\n", s->objective);
      }
      if (f) fclose(f);
      ok(f != NULL, "digest written to %s", digest);
    }
  }
  BallastBehaviourDestroy(&b);
  PetscFinalize();
  return rank == 0 && tap_failed() ? 1 : 0;
}
