/* Behaviour calibration is bitwise independent of the number of ranks, without any rounding: each
 * segment is solved alone by its owner on PETSC_COMM_SELF (src/behaviour/calibrate.c), so its
 * arithmetic cannot depend on the rank layout. Run by tests/mpi/t_calibration_bitwise.sh on 1, 2,
 * 3 and 4 ranks over several seeds.
 *
 * Segments: either a `ballast generate` directory (-config RUN.CFG: its behaviour section and
 * histories, truths in history-true-parameters.csv beside it) or N segments drawn in memory
 * (-segments N -seed S: half prepayment S-curves, half replicating portfolios of 9 tranches, 240
 * months, true parameters varied per segment as below).
 *
 * -dump FILE: rank 0 writes every segment's calibration outcome as raw bytes (the doubles of
 * p[4], weight[24], core_share, rate, average_maturity, objective, then iterations, converged and
 * the reason text). -reference FILE: rank 0 reads such a file (of another rank count) and compares
 * each segment's record with memcmp: one TAP line per segment, naming the first differing field.
 *
 * The truth checks are independent of the code: the generator's (or this file's) true parameters,
 * with the tolerances of tests/unit/t_behaviour_scale.c (S-curve a, b within 0.03, c within 25 %,
 * d within 0.002; replicating weights within 0.08; core shares within 0.02; early redemption
 * rates within 0.005; regime caps hold). */
#include "tap/basic.h"
#include <ballast/behaviour.h>
#include <ballast/config.h>
#include <ballast/regime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDBL (4 + BALLAST_BEH_MAX_TENORS + 4)
typedef struct {
  char     name[BALLAST_BEH_NAME_LEN];
  double   v[NDBL];
  PetscInt iterations;
  int      converged;
  char     reason[48];
} Record;

static const char *field_name(int k)
{
  static char buf[32];
  if (k < 4) snprintf(buf, sizeof buf, "p[%d]", k);
  else if (k < 4 + BALLAST_BEH_MAX_TENORS) snprintf(buf, sizeof buf, "weight[%d]", k - 4);
  else snprintf(buf, sizeof buf, "%s", (const char *[]){"core_share", "rate", "average_maturity", "objective"}[k - 4 - BALLAST_BEH_MAX_TENORS]);
  return buf;
}

static void record_of(const BallastBehSegment *s, Record *r)
{
  memset(r, 0, sizeof *r); /* padding too: records are compared as bytes */
  memcpy(r->name, s->name, sizeof r->name);
  for (int k = 0; k < 4; k++) r->v[k] = s->p[k];
  for (int j = 0; j < BALLAST_BEH_MAX_TENORS; j++) r->v[4 + j] = s->weight[j];
  r->v[4 + BALLAST_BEH_MAX_TENORS]     = s->core_share;
  r->v[4 + BALLAST_BEH_MAX_TENORS + 1] = s->rate;
  r->v[4 + BALLAST_BEH_MAX_TENORS + 2] = s->average_maturity;
  r->v[4 + BALLAST_BEH_MAX_TENORS + 3] = s->objective;
  r->iterations                        = s->iterations;
  r->converged                         = (int)s->converged;
  memcpy(r->reason, s->reason, sizeof r->reason);
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

/* truths of the in-memory segments (as tests/unit/t_behaviour_scale.c) */
static void truth_of(PetscInt i, PetscInt nprep, BallastBehTruth *t)
{
  static const int    tm[9]   = {1, 3, 6, 12, 24, 36, 60, 84, 120};
  static const double w[3][9] = {{0.30, 0, 0, 0.15, 0, 0.20, 0.20, 0, 0.15}, {0.20, 0, 0.20, 0, 0.30, 0, 0.30, 0, 0}, {0.50, 0.30, 0, 0.20, 0, 0, 0, 0, 0}};
  memset(t, 0, sizeof *t);
  if (i < nprep) {
    PetscInt k = i;
    t->model = BALLAST_BEH_PREPAYMENT;
    t->p[0] = 0.02 + 0.01 * (double)(k % 4), t->p[1] = 0.15 + 0.02 * (double)(k % 5);
    t->p[2] = 200.0 + 25.0 * (double)(k % 3), t->p[3] = 0.010 + 0.002 * (double)(k % 4);
    t->margin = 0.015, t->noise = 0.005;
  } else {
    PetscInt k = i - nprep;
    t->model   = BALLAST_BEH_DEPOSIT;
    t->ntenor  = 9;
    for (int j = 0; j < 9; j++) t->tenor_months[j] = tm[j], t->weight[j] = w[k % 3][j];
    t->core_share = 0.45 + 0.1 * (double)(k % 3);
    t->margin = 0.01, t->noise = 0.0002;
  }
}

static void in_memory(PetscInt nseg, PetscInt seed, BallastBehaviour *b)
{
  PetscMPIInt rank, size;
  PetscInt    nprep = nseg / 2;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  memset(b, 0, sizeof *b);
  PetscStrallocpy("(in memory)", &b->file);
  b->nseg = nseg;
  PetscCalloc1(nseg, &b->seg);
  for (PetscInt i = 0; i < nseg; i++) {
    BallastBehSegment *s = &b->seg[i];
    BallastBehTruth    t;
    truth_of(i, nprep, &t);
    snprintf(s->name, sizeof s->name, "%s_%04d", i < nprep ? "mortgages" : "sight", (int)i);
    PetscStrallocpy("(in memory)", &s->history_path);
    s->objective = NAN;
    s->model     = t.model;
    if (i < nprep) {
      double lo[4] = {0.0, 0.0, 1.0, -0.1}, hi[4] = {1.0, 1.0, 5000.0, 0.1};
      s->type = BALLAST_PREPAY_SCURVE;
      memcpy(s->lower, lo, sizeof lo);
      memcpy(s->upper, hi, sizeof hi);
    } else {
      s->category = BALLAST_NMD_RETAIL_TRANSACTIONAL;
      s->ntenor   = 9;
      for (int j = 0; j < 9; j++) s->tenor_months[j] = t.tenor_months[j];
      s->core_cap = 0.9, s->maturity_cap = 5.0, s->beta = 0.2;
    }
  }
  for (PetscInt i = 0; i < nseg; i++) { /* histories on the owner rank only, as BallastBehaviourLoad does */
    BallastBehTruth t;
    if (BallastBehaviourOwner(b, i, size) != rank) continue;
    truth_of(i, nprep, &t);
    PetscNew(&b->seg[i].hist);
    if (BallastBehHistorySynthesize((uint64_t)seed, (uint64_t)i + 1, BallastDateFromYMD(2026, 9, 30), 240, &t, b->seg[i].hist)) bail("history synthesis failed");
  }
}

static void check_truth(const BallastBehaviour *b, const char *truth_file)
{
  PetscInt nprep = b->nseg / 2;
  int      bad   = 0, n = 0;
  for (PetscInt i = 0; i < b->nseg; i++) {
    const BallastBehSegment *s = &b->seg[i];
    double                   t[4], worst = 0;
    char                     par[32];
    if (!s->history_path) continue;
    n++;
    if (s->model == BALLAST_BEH_PREPAYMENT) {
      if (truth_file) {
        const char *k[4] = {"a", "b", "c", "d"};
        for (int j = 0; j < 4; j++) t[j] = truth_value(truth_file, s->name, k[j]);
      } else {
        BallastBehTruth tr;
        truth_of(i, nprep, &tr);
        memcpy(t, tr.p, sizeof t);
      }
      if (!(fabs(s->p[0] - t[0]) <= 0.03 && fabs(s->p[1] - t[1]) <= 0.03 && fabs(s->p[2] - t[2]) <= 0.25 * t[2] && fabs(s->p[3] - t[3]) <= 0.002)) {
        bad++;
        diag("%s: S-curve (%.4f, %.4f, %.1f, %.5f), truth (%.4f, %.4f, %.1f, %.5f)", s->name, s->p[0], s->p[1], s->p[2], s->p[3], t[0], t[1], t[2], t[3]);
      }
    } else if (s->model == BALLAST_BEH_DEPOSIT) {
      BallastBehTruth tr;
      if (!truth_file) truth_of(i, nprep, &tr);
      for (PetscInt j = 0; j < s->ntenor; j++) {
        double tw;
        if (truth_file) {
          snprintf(par, sizeof par, "weight_%s", s->tenor_text[j]);
          tw = truth_value(truth_file, s->name, par);
          if (isnan(tw)) tw = 0;
        } else tw = tr.weight[j];
        worst = PetscMax(worst, fabs(s->weight[j] - tw));
      }
      double core = truth_file ? truth_value(truth_file, s->name, "core_share") : NAN;
      if (worst > 0.08 || (truth_file && fabs(s->core_share - core) > 0.02) || s->average_maturity > s->maturity_cap + 1e-9 || s->core_share > s->core_cap) {
        bad++;
        diag("%s: weights off by %.4f, core share %.4f (truth %.4f), average maturity %.3f (cap %.1f)", s->name, worst, s->core_share, core, s->average_maturity, s->maturity_cap);
      }
    } else if (fabs(s->rate - truth_value(truth_file, s->name, "rate")) > 0.005) {
      bad++;
      diag("%s: early redemption rate %.5f, truth %.5f", s->name, s->rate, truth_value(truth_file, s->name, "rate"));
    }
  }
  is_int(0, bad, "%d calibrated segments recover their true parameters within tolerance", n);
}

int main(int argc, char **argv)
{
  PetscInt         nseg = 0, seed = 2026;
  PetscBool        have_cfg, have_dump, have_ref;
  char             cfgpath[PETSC_MAX_PATH_LEN], dump[PETSC_MAX_PATH_LEN], ref[PETSC_MAX_PATH_LEN], truth[PETSC_MAX_PATH_LEN + 64];
  PetscMPIInt      rank, size;
  BallastConfig    cfg;
  BallastRegime    reg;
  BallastBehaviour b;
  PetscErrorCode   ierr;

  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  PetscOptionsGetString(NULL, NULL, "-config", cfgpath, sizeof cfgpath, &have_cfg);
  PetscOptionsGetString(NULL, NULL, "-dump", dump, sizeof dump, &have_dump);
  PetscOptionsGetString(NULL, NULL, "-reference", ref, sizeof ref, &have_ref);
  PetscOptionsGetInt(NULL, NULL, "-segments", &nseg, NULL);
  PetscOptionsGetInt(NULL, NULL, "-seed", &seed, NULL);
  if (rank == 0) plan_lazy();
  memset(&reg, 0, sizeof reg);
  memset(&cfg, 0, sizeof cfg);
  if (have_cfg) {
    if (BallastConfigLoad(PETSC_COMM_WORLD, cfgpath, &cfg)) bail("%s does not load", cfgpath);
    if (cfg.regime && BallastRegimeLoad(PETSC_COMM_WORLD, cfg.regime, &reg)) bail("%s does not load", cfg.regime);
    ierr = BallastBehaviourLoad(PETSC_COMM_WORLD, &cfg, cfg.regime ? &reg : NULL, &b);
    if (ierr) bail("the behaviour section of %s does not load", cfgpath);
    snprintf(truth, sizeof truth, "%s/history-true-parameters.csv", cfg.dir);
  } else {
    if (nseg < 2) bail("-config RUN.CFG or -segments N (N >= 2)");
    in_memory(nseg, seed, &b);
  }
  ierr = BallastBehaviourCalibrate(PETSC_COMM_WORLD, &b);
  if (rank == 0) {
    const char *text = NULL;
    char       *spec = NULL;
    if (ierr) PetscErrorMessage(ierr, &text, &spec);
    is_int(0, ierr, "%d segments calibrated on %d rank(s)%s%s", (int)b.nseg, (int)size, ierr ? ": " : "", ierr && spec ? spec : "");
    check_truth(&b, have_cfg ? truth : NULL);
    Record *rec;
    PetscCalloc1(b.nseg + 1, &rec);
    for (PetscInt i = 0; i < b.nseg; i++) record_of(&b.seg[i], &rec[i]);
    if (have_dump) {
      FILE *f = fopen(dump, "wb");
      ok(f && fwrite(rec, sizeof *rec, (size_t)b.nseg, f) == (size_t)b.nseg && !fclose(f), "%d records written to %s", (int)b.nseg, dump);
    }
    if (have_ref) {
      Record *r0;
      PetscCalloc1(b.nseg + 1, &r0);
      FILE  *f = fopen(ref, "rb");
      size_t n = f ? fread(r0, sizeof *r0, (size_t)b.nseg + 1, f) : 0;
      if (f) fclose(f);
      is_int((int)b.nseg, (int)n, "reference %s holds one record per segment", ref);
      for (PetscInt i = 0; i < b.nseg && i < (PetscInt)n; i++) {
        int same = memcmp(&rec[i], &r0[i], sizeof rec[i]) == 0;
        if (!same) {
          for (int k = 0; k < NDBL; k++)
            if (memcmp(&rec[i].v[k], &r0[i].v[k], sizeof(double)))
              diag("%s %s: %.17g here, %.17g in the reference", rec[i].name, field_name(k), rec[i].v[k], r0[i].v[k]);
          if (rec[i].iterations != r0[i].iterations || strcmp(rec[i].reason, r0[i].reason))
            diag("%s: %d iterations %s here, %d %s in the reference", rec[i].name, (int)rec[i].iterations, rec[i].reason, (int)r0[i].iterations, r0[i].reason);
        }
        ok(same, "%s on %d rank(s): parameters, objective, iterations and reason bitwise those of the reference (%s, %d its, %s)", rec[i].name, (int)size, b.seg[i].model == BALLAST_BEH_PREPAYMENT ? "S-curve" : b.seg[i].model == BALLAST_BEH_DEPOSIT ? "deposit" : "early redemption",
           (int)rec[i].iterations, rec[i].reason);
      }
      PetscFree(r0);
    }
    PetscFree(rec);
  }
  BallastBehaviourDestroy(&b);
  if (have_cfg) {
    if (cfg.regime) BallastRegimeDestroy(&reg);
    BallastConfigDestroy(&cfg);
  }
  PetscFinalize();
  return rank == 0 && tap_failed() ? 1 : 0;
}
