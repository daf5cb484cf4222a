/* Calibration of the behaviour segments with PETSc/TAO. Each segment is its own small problem,
 * solved by the one rank that owns it (BallastBehaviourOwner: the calibrated segments of a model
 * kind dealt in contiguous blocks, configuration order; the owner alone has read the history) on
 * PETSC_COMM_SELF, and the results are then gathered to every rank exactly (MPI_Allreduce SUM in
 * which every other rank contributes exact zeros). A segment's arithmetic therefore does not depend
 * on how many ranks there are or which segments share a rank: its parameters, objective, iteration
 * count and convergence reason are bitwise the same on any number of ranks
 * (../shared/spec/metrics.md "Behavioural models"), with no rounding afterwards. The problems are
 * separable anyway, so nothing is lost by solving them apart: a distributed solve of all of them
 * together only added global reductions whose summation order followed the rank layout.
 *
 * Prepayment S-curves, TAOBRGN (bounded regularized Gauss-Newton; options -prepay_tao_*): residual
 * r_t = CPR(i_t) - cpr_t over every month of the segment's history, a months x 4 Jacobian, bounds
 * from the configuration. Internally the parameters are scaled to x = (a, b, c / 100, 100 d), i.e.
 * the incentive in percentage points, so that all four are of order one (c is about 100-1000 per
 * unit of decimal incentive).
 *
 * Replicating portfolios, TAOPDIPM (primal-dual interior point; options -nmd_tao_*; -nmd_tao_type
 * almm works too): minimise the variance of the margin sum_j w_j Y_j(t) - D(t) (squared percentage
 * points: the rates are scaled by 100 so that tolerances are meaningful), subject to bounds
 * 0 <= w_j <= 1, the equality constraint sum_j w_j - 1 = 0 and the inequality constraint
 * cap - sum_j w_j m_j >= 0 (average maturity in years; TAO's convention h(x) >= 0). The objective
 * is a convex quadratic (moments precomputed by BallastNMDMoments); its Hessian 2 C and the
 * constraint Jacobians are constant and assembled once. Why PDIPM rather than TAOALMM: ALMM's
 * subproblems are solved by a first-order quasi-Newton method that copes badly with the
 * ill-conditioned moments (the rolling yields of neighbouring tenors are nearly collinear); PDIPM
 * takes Newton steps on the exact KKT system: about 15 iterations. The KKT system of one segment
 * (about 50 unknowns) is factored by MUMPS' Cholesky with inertia correction: robust when the
 * maturity cap binds, where PETSc's own LU (no pivoting) breaks down on the KKT system's zero
 * diagonal block. MUMPS has a fixed cost per factorisation (about a third of the calibration time
 * of a thousand segments on one rank). After the solve the weights are cleaned: values below 1e-6 (an
 * interior point leaves inactive bounds at about the barrier parameter) are set to exactly 0 and
 * the rest renormalised to sum 1.
 *
 * Core shares and early-redemption rates have closed forms (no optimisation), also on the owner.
 *
 * Failures (a TAO solve that does not converge unless behaviour.accept_nonconvergence is set, or
 * any PETSc error inside a segment's solve) are BALLAST_ERR_NUMERIC naming the segment; the ranks
 * first agree on the lowest-numbered failing segment, whose owner's message then reaches every
 * rank (BallastAgreeError), so the message and exit status are the same on any number of ranks. */
#include <ballast/behaviour.h>
#include <ballast/progress.h>
#include <petsctao.h>
#include <math.h>
#include <string.h>

#define NPAR 4

double BallastSCurve(const double p[4], double i) { return p[0] + p[1] / (1.0 + exp(-p[2] * (i - p[3]))); }

/* ------------------------------------------------------------------ kernels */
PetscErrorCode BallastNMDMoments(const BallastBehHistory *h, PetscInt nt, const int tm[], double *C, double *c, double *vd, PetscInt *Tout)
{
  PetscInt maxm = 0, n = h->n;
  double  *pre, *Y, *mY, mD = 0;
  PetscFunctionBeginUser;
  for (PetscInt j = 0; j < nt; j++) maxm = PetscMax(maxm, tm[j]);
  PetscInt t0 = maxm - 1, T = n - t0;
  PetscCheck(T >= 2, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "a deposit history of %" PetscInt_FMT " months is too short for a %" PetscInt_FMT "-month tranche", n, maxm);
  /* prefix sums of each tenor's rate, then the rolling yields Y_j(t) = mean of r_j over (t-m_j, t] */
  PetscCall(PetscMalloc3((n + 1) * nt, &pre, T * nt, &Y, nt, &mY));
  for (PetscInt j = 0; j < nt; j++) pre[j] = 0;
  for (PetscInt t = 0; t < n; t++)
    for (PetscInt j = 0; j < nt; j++) pre[(t + 1) * nt + j] = pre[t * nt + j] + 100.0 * h->market[t * h->ntenor + j];
  for (PetscInt j = 0; j < nt; j++) mY[j] = 0;
  for (PetscInt u = 0; u < T; u++) {
    PetscInt t = t0 + u;
    for (PetscInt j = 0; j < nt; j++) {
      Y[u * nt + j] = (pre[(t + 1) * nt + j] - pre[(t + 1 - tm[j]) * nt + j]) / tm[j];
      mY[j] += Y[u * nt + j];
    }
    mD += 100.0 * h->deposit_rate[t];
  }
  for (PetscInt j = 0; j < nt; j++) mY[j] /= T;
  mD /= T;
  for (PetscInt j = 0; j < nt * nt; j++) C[j] = 0;
  for (PetscInt j = 0; j < nt; j++) c[j] = 0;
  *vd = 0;
  for (PetscInt u = 0; u < T; u++) {
    double d = 100.0 * h->deposit_rate[t0 + u] - mD;
    for (PetscInt j = 0; j < nt; j++) {
      double yj = Y[u * nt + j] - mY[j];
      for (PetscInt k = 0; k <= j; k++) C[j * nt + k] += yj * (Y[u * nt + k] - mY[k]);
      c[j] += yj * d;
    }
    *vd += d * d;
  }
  for (PetscInt j = 0; j < nt; j++) {
    for (PetscInt k = 0; k <= j; k++) C[k * nt + j] = C[j * nt + k] = C[j * nt + k] / T;
    c[j] /= T;
  }
  *vd /= T;
  if (Tout) *Tout = T;
  PetscCall(PetscFree3(pre, Y, mY));
  PetscFunctionReturn(0);
}

double BallastNMDMarginVariance(PetscInt nt, const double *C, const double *c, double vd, const double *w)
{
  double f = vd;
  for (PetscInt j = 0; j < nt; j++) {
    double cw = 0;
    for (PetscInt k = 0; k < nt; k++) cw += C[j * nt + k] * w[k];
    f += w[j] * cw - 2.0 * c[j] * w[j];
  }
  return f > 0 ? f : 0;
}

double BallastNMDCoreEstimate(const BallastBehHistory *h)
{
  double drop = 0;
  for (PetscInt t = 0; t + 1 < h->n; t++) {
    double lo = h->balance[t + 1];
    for (PetscInt u = t + 1; u < h->n && u <= t + 12; u++) lo = PetscMin(lo, h->balance[u]);
    drop = PetscMax(drop, (h->balance[t] - lo) / h->balance[t]);
  }
  return PetscMax(0.0, 1.0 - drop);
}

double BallastEarlyRedemptionEstimate(const BallastBehHistory *h)
{
  double r = 0, bsum = 0;
  for (PetscInt t = 0; t < h->n; t++) {
    r += h->redeemed[t];
    bsum += h->balance[t];
  }
  double m = bsum > 0 ? r / bsum : 0;
  return m >= 1 ? 1.0 : 1.0 - pow(1.0 - m, 12.0);
}

/* A default in the options database for prefix+name unless the user set it. */
static PetscErrorCode option_default(const char *prefix, const char *name, const char *value)
{
  PetscBool set;
  char      full[256];
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, prefix, name, &set));
  if (set) PetscFunctionReturn(0);
  PetscCall(PetscSNPrintf(full, sizeof full, "-%s%s", prefix, name + 1));
  PetscCall(PetscOptionsSetValue(NULL, full, value));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ prepayment: TAOBRGN */
typedef struct {
  PetscInt      n;          /* months */
  const double *inc, *obs;  /* incentive (percentage points) and observed CPR */
} PrepCtx;

static inline double sigm(double z) { return 1.0 / (1.0 + exp(-z)); }

static PetscErrorCode prep_residual(Tao tao, Vec X, Vec F, void *ptr)
{
  PrepCtx           *ctx = (PrepCtx *)ptr;
  const PetscScalar *p;
  PetscScalar       *f;
  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &p));
  PetscCall(VecGetArray(F, &f));
  for (PetscInt t = 0; t < ctx->n; t++) f[t] = p[0] + p[1] * sigm(p[2] * (ctx->inc[t] - p[3])) - ctx->obs[t];
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(X, &p));
  PetscFunctionReturn(0);
}

static PetscErrorCode prep_jacobian(Tao tao, Vec X, Mat J, Mat Jpre, void *ptr)
{
  PrepCtx           *ctx    = (PrepCtx *)ptr;
  const PetscScalar *p;
  PetscInt           col[4] = {0, 1, 2, 3};
  PetscFunctionBeginUser;
  (void)tao;
  (void)Jpre;
  PetscCall(VecGetArrayRead(X, &p));
  for (PetscInt t = 0; t < ctx->n; t++) {
    double      z = p[2] * (ctx->inc[t] - p[3]), sg = sigm(z), ds = sg * (1 - sg);
    PetscScalar v[4] = {1.0, sg, p[1] * ds * (ctx->inc[t] - p[3]), -p[1] * ds * p[2]};
    PetscCall(MatSetValues(J, 1, &t, 4, col, v, INSERT_VALUES));
  }
  PetscCall(VecRestoreArrayRead(X, &p));
  PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

static void scale_in(const double p[4], double x[4]) { x[0] = p[0], x[1] = p[1], x[2] = p[2] / 100.0, x[3] = 100.0 * p[3]; }
static void scale_out(const double x[4], double p[4]) { p[0] = x[0], p[1] = x[1], p[2] = 100.0 * x[2], p[3] = x[3] / 100.0; }

/* Results of one segment, gathered to every rank: o[OUT_P + k] S-curve parameters, o[OUT_W + j]
 * replicating weights, then core share, average maturity, early redemption rate, objective,
 * iterations, convergence reason (as a double: small integers are exact). */
enum { OUT_P = 0, OUT_W = NPAR, OUT_CORE = NPAR + BALLAST_BEH_MAX_TENORS, OUT_AVG, OUT_RATE, OUT_OBJ, OUT_ITS, OUT_WHY, NOUT };

/* Not collective (PETSC_COMM_SELF). One S-curve segment: o[OUT_P..], objective, iterations, reason. */
static PetscErrorCode calibrate_prepayment(const BallastBehSegment *sg, double *o)
{
  const BallastBehHistory *h = sg->hist;
  PrepCtx                  ctx;
  double                  *inc, *obs;
  Vec                      X, XL, XU, R;
  Mat                      J;
  Tao                      tao, sub;
  PetscScalar             *x, *xl, *xu;
  PetscInt                 its;
  TaoConvergedReason       why;
  PetscFunctionBeginUser;
  PetscCheck(h && h->n > 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "no history months");
  PetscCall(PetscMalloc2(h->n, &inc, h->n, &obs));
  for (PetscInt t = 0; t < h->n; t++) {
    inc[t] = 100.0 * (h->contract_rate[t] - h->market_rate[t]);
    obs[t] = h->cpr[t];
  }
  ctx.n = h->n, ctx.inc = inc, ctx.obs = obs;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, NPAR, &X));
  PetscCall(VecDuplicate(X, &XL));
  PetscCall(VecDuplicate(X, &XU));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, h->n, &R));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, h->n, NPAR, NPAR, NULL, &J));
  PetscCall(MatSetOption(J, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  /* initial guess from the data (deterministic): a = lowest CPR, b = range, c = 100 per unit
   * (1 per percentage point), d = mean incentive; clamped into the bounds */
  {
    double lo = 1, hi = 0, mi = 0, p0[4], lw[4], up[4];
    for (PetscInt t = 0; t < h->n; t++) {
      lo = PetscMin(lo, obs[t]);
      hi = PetscMax(hi, obs[t]);
      mi += inc[t];
    }
    mi /= (double)h->n;
    p0[0] = lo, p0[1] = hi - lo, p0[2] = 100.0, p0[3] = mi / 100.0;
    PetscCall(VecGetArray(X, &x));
    PetscCall(VecGetArray(XL, &xl));
    PetscCall(VecGetArray(XU, &xu));
    scale_in(sg->lower, lw);
    scale_in(sg->upper, up);
    scale_in(p0, x);
    for (int k = 0; k < NPAR; k++) {
      xl[k] = lw[k];
      xu[k] = up[k];
      x[k]  = PetscMin(PetscMax(x[k], lw[k]), up[k]);
    }
    PetscCall(VecRestoreArray(X, &x));
    PetscCall(VecRestoreArray(XL, &xl));
    PetscCall(VecRestoreArray(XU, &xu));
  }
  PetscCall(TaoCreate(PETSC_COMM_SELF, &tao));
  PetscCall(TaoSetType(tao, TAOBRGN));
  PetscCall(TaoSetSolution(tao, X));
  PetscCall(TaoSetVariableBounds(tao, XL, XU));
  PetscCall(TaoSetResidualRoutine(tao, R, prep_residual, &ctx));
  PetscCall(TaoSetJacobianResidualRoutine(tao, J, J, prep_jacobian, &ctx));
  /* gradient norm 1e-8 (PETSc's default gatol): for one segment (f ~ 1e-3, J^T J ~ 100) the line
   * search cannot tell decreases of f below machine precision from noise once ||g|| < ~1e-8, so a
   * tighter tolerance ends in DIVERGED_LS_FAILURE at the optimum (a step of 1e-8 in the scaled
   * parameters moves the CPR by ~1e-8, far below the data's noise of 5e-3) */
  PetscCall(TaoSetTolerances(tao, 1e-8, 0.0, 0.0));
  PetscCall(TaoSetMaximumIterations(tao, 500));
  PetscCall(TaoSetOptionsPrefix(tao, "prepay_"));
  /* BRGN's Gauss-Newton subsolver (TAOBNLS) keeps PETSc's own prefix unless given ours */
  PetscCall(TaoBRGNGetSubsolver(tao, &sub));
  PetscCall(TaoSetOptionsPrefix(sub, "prepay_tao_brgn_subsolver_"));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));
  PetscCall(TaoGetIterationNumber(tao, &its));
  PetscCall(TaoGetConvergedReason(tao, &why));
  /* results, fit quality from the final residual */
  {
    const PetscScalar *xs, *r;
    double             ss = 0;
    PetscCall(prep_residual(tao, X, R, &ctx));
    PetscCall(VecGetArrayRead(X, &xs));
    PetscCall(VecGetArrayRead(R, &r));
    scale_out(xs, o + OUT_P);
    for (PetscInt t = 0; t < h->n; t++) ss += r[t] * r[t];
    o[OUT_OBJ] = sqrt(ss / (double)h->n);
    PetscCall(VecRestoreArrayRead(R, &r));
    PetscCall(VecRestoreArrayRead(X, &xs));
  }
  o[OUT_ITS] = (double)its;
  o[OUT_WHY] = (double)why;
  PetscCall(TaoDestroy(&tao));
  PetscCall(MatDestroy(&J));
  PetscCall(VecDestroy(&R));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&XL));
  PetscCall(VecDestroy(&XU));
  PetscCall(PetscFree2(inc, obs));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ deposits: TAOPDIPM */
typedef struct {
  PetscInt nt;
  double  *C, *c, vd; /* moments */
  double   cap;       /* maturity cap, years */
  double  *years;     /* [nt] tenor in years */
} NmdCtx;

static PetscErrorCode nmd_objective(Tao tao, Vec X, PetscReal *f, Vec G, void *ptr)
{
  NmdCtx            *ctx = (NmdCtx *)ptr;
  const PetscScalar *w;
  PetscScalar       *g;
  PetscInt           nt = ctx->nt;
  double             fs = ctx->vd;
  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &w));
  PetscCall(VecGetArray(G, &g));
  for (PetscInt j = 0; j < nt; j++) {
    double cw = 0;
    for (PetscInt k = 0; k < nt; k++) cw += ctx->C[j * nt + k] * w[k];
    fs += w[j] * cw - 2.0 * ctx->c[j] * w[j];
    g[j] = 2.0 * (cw - ctx->c[j]);
  }
  *f = fs;
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(X, &w));
  PetscFunctionReturn(0);
}

/* ce = sum_j w_j - 1 */
static PetscErrorCode nmd_equality(Tao tao, Vec X, Vec CE, void *ptr)
{
  NmdCtx            *ctx = (NmdCtx *)ptr;
  const PetscScalar *x;
  double             sum = 0;
  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &x));
  for (PetscInt j = 0; j < ctx->nt; j++) sum += x[j];
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecSetValue(CE, 0, sum - 1.0, INSERT_VALUES));
  PetscCall(VecAssemblyBegin(CE));
  PetscCall(VecAssemblyEnd(CE));
  PetscFunctionReturn(0);
}

/* ci = cap - sum_j w_j m_j >= 0 (years) */
static PetscErrorCode nmd_inequality(Tao tao, Vec X, Vec CI, void *ptr)
{
  NmdCtx            *ctx = (NmdCtx *)ptr;
  const PetscScalar *x;
  double             m = 0;
  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &x));
  for (PetscInt j = 0; j < ctx->nt; j++) m += x[j] * ctx->years[j];
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(VecSetValue(CI, 0, ctx->cap - m, INSERT_VALUES));
  PetscCall(VecAssemblyBegin(CI));
  PetscCall(VecAssemblyEnd(CI));
  PetscFunctionReturn(0);
}

/* The constraint Jacobians and the objective's Hessian are constant: assembled once before the solve. */
static PetscErrorCode nmd_constant(Tao tao, Vec X, Mat A, Mat P, void *ptr)
{
  PetscFunctionBeginUser;
  (void)tao, (void)X, (void)A, (void)P, (void)ptr;
  PetscFunctionReturn(0);
}

/* Not collective (PETSC_COMM_SELF). One replicating-portfolio segment: o[OUT_W..], average
 * maturity, objective, iterations, reason. */
static PetscErrorCode calibrate_deposit(const BallastBehSegment *s, BallastDate as_of, double *o)
{
  NmdCtx             ctx;
  PetscInt           nt = s->ntenor, col[BALLAST_BEH_MAX_TENORS], zero = 0, its;
  double             C[BALLAST_BEH_MAX_TENORS * BALLAST_BEH_MAX_TENORS], c[BALLAST_BEH_MAX_TENORS], years[BALLAST_BEH_MAX_TENORS];
  PetscScalar        one[BALLAST_BEH_MAX_TENORS], mneg[BALLAST_BEH_MAX_TENORS];
  Vec                X, XL, XU, CE, CI;
  Mat                AE, AI, H;
  Tao                tao;
  PetscBool          pdipm;
  TaoConvergedReason why;
  PetscFunctionBeginUser;
  PetscCheck(s->hist && nt > 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "no history or no tranche");
  PetscCall(BallastNMDMoments(s->hist, nt, s->tenor_months, C, c, &ctx.vd, NULL));
  ctx.nt = nt, ctx.C = C, ctx.c = c, ctx.cap = s->maturity_cap, ctx.years = years;
  for (PetscInt j = 0; j < nt; j++) {
    years[j] = BallastDepositTrancheYears(s->tenor_months[j], as_of); /* as slotted */
    col[j]   = j;
    one[j]   = 1.0;
    mneg[j]  = -years[j];
  }
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, nt, &X));
  PetscCall(VecDuplicate(X, &XL));
  PetscCall(VecDuplicate(X, &XU));
  PetscCall(VecSet(XL, 0.0));
  PetscCall(VecSet(XU, 1.0));
  PetscCall(VecSet(X, 1.0 / nt)); /* start: equal weights */
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, 1, &CE));
  PetscCall(VecDuplicate(CE, &CI));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 1, nt, nt, NULL, &AE));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, 1, nt, nt, NULL, &AI));
  PetscCall(MatCreateSeqAIJ(PETSC_COMM_SELF, nt, nt, nt, NULL, &H));
  PetscCall(MatSetValues(AE, 1, &zero, nt, col, one, INSERT_VALUES));
  PetscCall(MatSetValues(AI, 1, &zero, nt, col, mneg, INSERT_VALUES));
  for (PetscInt j = 0; j < nt; j++) {
    PetscScalar hrow[BALLAST_BEH_MAX_TENORS];
    for (PetscInt k = 0; k < nt; k++) hrow[k] = 2.0 * C[j * nt + k];
    PetscCall(MatSetValues(H, 1, &col[j], nt, col, hrow, INSERT_VALUES));
  }
  PetscCall(MatAssemblyBegin(AE, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(AE, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyBegin(AI, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(AI, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyBegin(H, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(H, MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(H, MAT_SYMMETRIC, PETSC_TRUE));

  PetscCall(TaoCreate(PETSC_COMM_SELF, &tao));
  PetscCall(TaoSetType(tao, TAOPDIPM));
  PetscCall(TaoSetSolution(tao, X));
  PetscCall(TaoSetVariableBounds(tao, XL, XU));
  PetscCall(TaoSetObjectiveAndGradient(tao, NULL, nmd_objective, &ctx));
  PetscCall(TaoSetEqualityConstraintsRoutine(tao, CE, nmd_equality, &ctx));
  PetscCall(TaoSetJacobianEqualityRoutine(tao, AE, AE, nmd_constant, &ctx));
  PetscCall(TaoSetInequalityConstraintsRoutine(tao, CI, nmd_inequality, &ctx));
  PetscCall(TaoSetJacobianInequalityRoutine(tao, AI, AI, nmd_constant, &ctx));
  PetscCall(TaoSetHessian(tao, H, H, nmd_constant, &ctx));
  PetscCall(TaoSetTolerances(tao, 1e-9, 0.0, 0.0));
  PetscCall(TaoSetConstraintTolerances(tao, 1e-10, 0.0));
  PetscCall(TaoSetMaximumIterations(tao, 1000));
  PetscCall(TaoSetMaximumFunctionEvaluations(tao, 1000000));
  PetscCall(TaoSetOptionsPrefix(tao, "nmd_"));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOPDIPM, &pdipm));
  if (pdipm) { /* a direct solve of the KKT system, unless overridden by -nmd_ksp_* / -nmd_pc_* */
    KSP ksp;
    PC  pc;
    PetscCall(TaoGetKSP(tao, &ksp));
    PetscCall(KSPGetPC(ksp, &pc));
    PetscCall(KSPSetType(ksp, KSPPREONLY));
    PetscCall(PCSetType(pc, PCCHOLESKY));
    PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
    PetscCall(KSPSetFromOptions(ksp));
  }
  PetscCall(TaoSolve(tao));
  PetscCall(TaoGetIterationNumber(tao, &its));
  PetscCall(TaoGetConvergedReason(tao, &why));
  {
    const PetscScalar *xs;
    double            *w = o + OUT_W, sum = 0, avg = 0;
    PetscCall(VecGetArrayRead(X, &xs));
    for (PetscInt j = 0; j < nt; j++) {
      w[j] = xs[j] < 1e-6 ? 0.0 : xs[j];
      sum += w[j];
    }
    PetscCall(VecRestoreArrayRead(X, &xs));
    PetscCheck(sum > 0, PETSC_COMM_SELF, BALLAST_ERR_NUMERIC, "every replicating weight vanished");
    for (PetscInt j = 0; j < nt; j++) {
      w[j] /= sum;
      avg += w[j] * years[j];
    }
    o[OUT_AVG] = avg;
    o[OUT_OBJ] = sqrt(BallastNMDMarginVariance(nt, C, c, ctx.vd, w)) / 100.0;
  }
  o[OUT_ITS] = (double)its;
  o[OUT_WHY] = (double)why;
  PetscCall(TaoDestroy(&tao));
  PetscCall(MatDestroy(&AE));
  PetscCall(MatDestroy(&AI));
  PetscCall(MatDestroy(&H));
  PetscCall(VecDestroy(&CE));
  PetscCall(VecDestroy(&CI));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&XL));
  PetscCall(VecDestroy(&XU));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ driver */
static PetscBool tao_solved(const BallastBehSegment *s) { return (PetscBool)(s->history_path && (s->model == BALLAST_BEH_PREPAYMENT || (s->model == BALLAST_BEH_DEPOSIT && !s->weights_fixed))); }

static const char *solver_name(const BallastBehSegment *s)
{
  return s->model == BALLAST_BEH_PREPAYMENT ? "prepayment S-curve (TAOBRGN, -prepay_tao_*)" : "replicating portfolio (TAOPDIPM, -nmd_tao_*)";
}

PetscErrorCode BallastBehaviourCalibrate(MPI_Comm comm, BallastBehaviour *b)
{
  PetscMPIInt    rank, size;
  double        *loc, *all;
  PetscInt       first = b->nseg, nfail = 0, K[2] = {0, 0}, its[2] = {0, 0}, conv[2] = {0, 0};
  PetscErrorCode fail_code = 0;
  char           msg[1024] = "", cur[1024] = "";
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscCalloc1(NOUT * (b->nseg + 1), &loc));
  PetscCall(PetscCalloc1(NOUT * (b->nseg + 1), &all));
  /* solver defaults in the options database unless the user set them (the command line wins):
   * J^T J as an explicit matrix (faster than the shell product; only an option in PETSc 3.18), and
   * block Jacobi (one block: ILU(0) of the 4 x 4 J^T J, an exact factorisation) for BRGN's
   * Gauss-Newton subsolver instead of PCLMVM's many Krylov iterations per step; MUMPS workspace */
  PetscCall(option_default("prepay_", "-tao_brgn_mat_explicit", "true"));
  PetscCall(option_default("prepay_tao_brgn_subsolver_", "-tao_bnk_pc_type", "bjacobi"));
  /* MUMPS' workspace estimate can be too small for the pivoting of a KKT system (FACTOR_OUTMEMORY) */
  PetscCall(option_default("nmd_", "-mat_mumps_icntl_14", "400"));
  /* every segment on its owner alone; a failure is recorded (segment, code, message) and the loop
   * goes on, so that every rank reaches the progress rounds and the agreement below */
  BallastProgress g; /* segments calibrated, summed over the ranks (include/ballast/progress.h) */
  int64_t         mine = 0, done = 0;
  for (PetscInt i = 0; i < b->nseg; i++)
    if (b->seg[i].history_path && BallastBehaviourOwner(b, i, size) == rank) mine++;
  PetscCall(BallastProgressBegin(comm, "calibrate", "segments", mine, &g));
  for (PetscInt i = 0; i < b->nseg; i++) {
    BallastBehSegment *s = &b->seg[i];
    double            *o = loc + i * NOUT;
    PetscErrorCode     ierr = 0;
    if (!s->history_path || BallastBehaviourOwner(b, i, size) != rank) continue;
    if (done) PetscCall(BallastProgressPoll(&g, done));
    done++;
    PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
    if (s->model == BALLAST_BEH_PREPAYMENT) ierr = calibrate_prepayment(s, o);
    else if (s->model == BALLAST_BEH_DEPOSIT) {
      if (!s->weights_fixed) ierr = calibrate_deposit(s, b->as_of, o);
      if (!ierr && !s->core_fixed) o[OUT_CORE] = PetscMin(s->core_cap, BallastNMDCoreEstimate(s->hist));
    } else if (s->model == BALLAST_BEH_EARLY_REDEMPTION) o[OUT_RATE] = BallastEarlyRedemptionEstimate(s->hist);
    PetscCall(PetscPopErrorHandler());
    if (!ierr) { /* a non-finite objective or parameter is a failure whatever TAO reports (a history value out of scale) */
      int k;
      for (k = 0; k < NOUT && isfinite(o[k]); k++) {}
      if (k < NOUT) {
        ierr = BALLAST_ERR_NUMERIC;
        PetscCall(PetscSNPrintf(cur, sizeof cur, "%s:%d: behaviour segment '%s': the %s calibration gave a non-finite %s; check the history %s for values out of scale", b->file, s->line, s->name,
                                tao_solved(s) ? solver_name(s) : "closed-form", k == OUT_OBJ ? "objective" : "parameter", s->history_path));
      }
    }
    if (!ierr && tao_solved(s) && o[OUT_WHY] <= 0 && !b->accept_nonconvergence) {
      ierr = BALLAST_ERR_NUMERIC;
      PetscCall(PetscSNPrintf(cur, sizeof cur,
                              "%s:%d: behaviour segment '%s': the %s calibration did not converge (%s after %d iterations); set "
                              "behaviour.accept_nonconvergence = true to accept the result, or tune the solver options",
                              b->file, s->line, s->name, solver_name(s), TaoConvergedReasons[(int)o[OUT_WHY]], (int)o[OUT_ITS]));
    } else if (ierr) {
      const char *text = NULL;
      char       *specific = NULL;
      PetscErrorMessage(ierr, &text, &specific);
      PetscCall(PetscSNPrintf(cur, sizeof cur, "%s:%d: behaviour segment '%s': the %s calibration failed: %s", b->file, s->line, s->name,
                              s->model == BALLAST_BEH_DEPOSIT && !s->weights_fixed ? solver_name(s) : (s->model == BALLAST_BEH_PREPAYMENT ? solver_name(s) : "closed-form"),
                              specific && specific[0] ? specific : (text ? text : "error")));
      /* a Ballast error class keeps its exit status (e.g. a history too short is input data);
       * anything else from PETSc/TAO inside a calibration is a numerical failure */
      if (ierr != BALLAST_ERR_INPUT && ierr != BALLAST_ERR_USAGE && ierr != BALLAST_ERR_IO) ierr = BALLAST_ERR_NUMERIC;
    }
    if (ierr) {
      nfail++;
      if (first == b->nseg) { /* this rank's first failure (configuration order) is the one it may report */
        first     = i;
        fail_code = ierr;
        PetscCall(PetscStrncpy(msg, cur, sizeof msg));
      }
    }
  }
  PetscCall(BallastProgressFinish(&g, done));
  /* the lowest-numbered failing segment is reported, by its owner, whatever the rank layout */
  {
    PetscInt gfirst, gfail;
    PetscCallMPI(MPI_Allreduce(&first, &gfirst, 1, MPIU_INT, MPI_MIN, comm));
    PetscCallMPI(MPI_Allreduce(&nfail, &gfail, 1, MPIU_INT, MPI_SUM, comm));
    if (gfirst < b->nseg) {
      char full[1200];
      if (first == gfirst && gfail > 1) PetscCall(PetscSNPrintf(full, sizeof full, "%s (and %" PetscInt_FMT " more failing segment%s)", msg, gfail - 1, gfail > 2 ? "s" : ""));
      else PetscCall(PetscSNPrintf(full, sizeof full, "%s", msg));
      PetscCall(PetscFree(loc));
      PetscCall(PetscFree(all));
      PetscCall(BallastAgreeError(comm, first == gfirst ? fail_code : 0, first == gfirst ? full : NULL));
    }
  }
  /* every rank gets every result: only the owner's entry is non-zero, so the sum is exact */
  PetscCallMPI(MPI_Allreduce(loc, all, (PetscMPIInt)(NOUT * b->nseg), MPI_DOUBLE, MPI_SUM, comm));
  for (PetscInt i = 0; i < b->nseg; i++) {
    BallastBehSegment *s = &b->seg[i];
    const double      *o = all + i * NOUT;
    if (s->model == BALLAST_BEH_PREPAYMENT && s->type == BALLAST_PREPAY_CONSTANT) {
      s->p[0] = s->cpr, s->p[1] = 0, s->p[2] = 0, s->p[3] = 0;
    }
    if (s->model == BALLAST_BEH_DEPOSIT && s->weights_fixed) {
      s->average_maturity = 0;
      for (PetscInt j = 0; j < s->ntenor; j++) s->average_maturity += s->weight[j] * BallastDepositTrancheYears(s->tenor_months[j], b->as_of);
    }
    if (!s->history_path) continue;
    if (s->model == BALLAST_BEH_PREPAYMENT) {
      for (int j = 0; j < NPAR; j++) s->p[j] = o[OUT_P + j];
      s->objective = o[OUT_OBJ];
    }
    if (s->model == BALLAST_BEH_DEPOSIT) {
      if (!s->core_fixed) s->core_share = o[OUT_CORE];
      if (!s->weights_fixed) {
        for (PetscInt j = 0; j < s->ntenor; j++) s->weight[j] = o[OUT_W + j];
        s->average_maturity = o[OUT_AVG];
        s->objective        = o[OUT_OBJ];
      }
    }
    if (s->model == BALLAST_BEH_EARLY_REDEMPTION) s->rate = o[OUT_RATE];
    if (tao_solved(s)) {
      int k = s->model == BALLAST_BEH_PREPAYMENT ? 0 : 1;
      TaoConvergedReason why = (TaoConvergedReason)(int)o[OUT_WHY];
      s->iterations = (PetscInt)o[OUT_ITS];
      s->converged  = (PetscBool)(why > 0);
      PetscCall(PetscStrncpy(s->reason, TaoConvergedReasons[why], sizeof s->reason));
      K[k]++;
      its[k] = PetscMax(its[k], s->iterations);
      conv[k] += s->converged;
    } else PetscCall(PetscStrncpy(s->reason, "estimated", sizeof s->reason));
  }
  PetscCall(PetscFree(loc));
  PetscCall(PetscFree(all));
  for (int k = 0; k < 2; k++)
    if (K[k])
      PetscCall(PetscInfo(NULL, "behaviour: %s calibration of %" PetscInt_FMT " segments, one solve each: %" PetscInt_FMT " converged, at most %" PetscInt_FMT " iterations\n",
                          k ? "replicating portfolio (TAOPDIPM, -nmd_tao_*)" : "prepayment S-curve (TAOBRGN, -prepay_tao_*)", K[k], conv[k], its[k]));
  PetscFunctionReturn(0);
}
