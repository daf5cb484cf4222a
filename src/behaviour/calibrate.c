/* Calibration of the behaviour segments with PETSc/TAO: every segment of one model kind is part of
 * ONE distributed problem on the communicator, a Vec laid out by segment owner (each rank owns the
 * parameters of its segments, BallastBehaviourOwner: contiguous blocks in configuration order, so
 * the global vector is in configuration order whatever the rank count). The problems are
 * separable, so the distributed solve costs what the segments cost, and one TaoSolve per kind
 * gives one convergence verdict, one iteration count and one set of solver options.
 *
 * Prepayment S-curves, TAOBRGN (bounded regularized Gauss-Newton; options -prepay_tao_*): residual
 * r_t = CPR(i_t) - cpr_t over every month of every calibrated S-curve segment, Jacobian block
 * diagonal (four columns per segment), bounds from the configuration. Internally the parameters are
 * scaled to x = (a, b, c / 100, 100 d), i.e. the incentive in percentage points, so that all four
 * are of order one (c is about 100-1000 per unit of decimal incentive).
 *
 * Replicating portfolios, TAOPDIPM (primal-dual interior point; options -nmd_tao_*; -nmd_tao_type
 * almm works too): minimise the sum over
 * segments of the variance of the margin sum_j w_j Y_j(t) - D(t) (squared percentage points: the
 * rates are scaled by 100 so that tolerances are meaningful), subject to bounds 0 <= w_j <= 1, one
 * equality constraint per segment sum_j w_j - 1 = 0 and one inequality constraint per segment
 * cap - sum_j w_j m_j >= 0 (average maturity in years; TAO's convention h(x) >= 0). The
 * objective is a convex quadratic (moments precomputed per segment by BallastNMDMoments); its
 * Hessian (2 C per segment, block diagonal) and the constraint Jacobians are constant and
 * assembled once. Why PDIPM rather than TAOALMM: ALMM's subproblems are solved by a first-order
 * quasi-Newton method whose limited memory cannot capture a thousand independent, ill-conditioned
 * blocks (the rolling yields of neighbouring tenors are nearly collinear): 1,000 segments ran
 * into DIVERGED_MAXFCN after 300 s. PDIPM takes Newton steps on the exact KKT system (direct
 * solve, MUMPS Cholesky with inertia correction, in parallel too): about 20 iterations whatever
 * the number of segments. Both solve the same constrained problem, so -nmd_tao_type almm remains
 * available for comparison. After the solve the weights are cleaned: values below 1e-6 (an
 * interior point leaves inactive bounds at about the barrier parameter, which differs in its last
 * digits between rank counts) are set to exactly 0 and the rest renormalised to sum 1. Then the
 * weights of 1 and 3 ranks agree to about 1e-11 relative, S-curves to 1e-14.
 *
 * Core shares and early-redemption rates have closed forms (no optimisation). */
#include <ballast/behaviour.h>
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
  PetscInt  nloc;      /* local calibrated S-curve segments */
  PetscInt *seg;       /* their indices in b */
  PetscInt *off;       /* [nloc + 1] local residual offsets */
  double   *inc, *obs;  /* incentive (percentage points) and observed CPR, concatenated */
} PrepCtx;

static inline double sigm(double z) { return 1.0 / (1.0 + exp(-z)); }

static PetscErrorCode prep_residual(Tao tao, Vec X, Vec F, void *ptr)
{
  PrepCtx           *ctx = (PrepCtx *)ptr;
  const PetscScalar *x;
  PetscScalar       *f;
  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(F, &f));
  for (PetscInt s = 0; s < ctx->nloc; s++) {
    const PetscScalar *p = x + NPAR * s;
    for (PetscInt t = ctx->off[s]; t < ctx->off[s + 1]; t++) f[t] = p[0] + p[1] * sigm(p[2] * (ctx->inc[t] - p[3])) - ctx->obs[t];
  }
  PetscCall(VecRestoreArray(F, &f));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

static PetscErrorCode prep_jacobian(Tao tao, Vec X, Mat J, Mat Jpre, void *ptr)
{
  PrepCtx           *ctx = (PrepCtx *)ptr;
  const PetscScalar *x;
  PetscInt           r0, c0;
  PetscFunctionBeginUser;
  (void)tao;
  (void)Jpre;
  PetscCall(MatGetOwnershipRange(J, &r0, NULL));
  PetscCall(MatGetOwnershipRangeColumn(J, &c0, NULL));
  PetscCall(VecGetArrayRead(X, &x));
  for (PetscInt s = 0; s < ctx->nloc; s++) {
    const PetscScalar *p      = x + NPAR * s;
    PetscInt           col[4] = {c0 + NPAR * s, c0 + NPAR * s + 1, c0 + NPAR * s + 2, c0 + NPAR * s + 3};
    for (PetscInt t = ctx->off[s]; t < ctx->off[s + 1]; t++) {
      double      z = p[2] * (ctx->inc[t] - p[3]), sg = sigm(z), ds = sg * (1 - sg);
      PetscScalar v[4] = {1.0, sg, p[1] * ds * (ctx->inc[t] - p[3]), -p[1] * ds * p[2]};
      PetscInt    row  = r0 + t;
      PetscCall(MatSetValues(J, 1, &row, 4, col, v, INSERT_VALUES));
    }
  }
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCall(MatAssemblyBegin(J, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(J, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

static void scale_in(const double p[4], double x[4]) { x[0] = p[0], x[1] = p[1], x[2] = p[2] / 100.0, x[3] = 100.0 * p[3]; }
static void scale_out(const double x[4], double p[4]) { p[0] = x[0], p[1] = x[1], p[2] = 100.0 * x[2], p[3] = x[3] / 100.0; }

/* Collective. out[i * NOUT + k]: the owner's results of segment i (others leave zeros). */
#define NOUT (NPAR + BALLAST_BEH_MAX_TENORS + 4)

static PetscErrorCode calibrate_prepayment(MPI_Comm comm, BallastBehaviour *b, double *out, PetscInt *its, TaoConvergedReason *reason, PetscInt *K)
{
  PetscMPIInt rank, size;
  PrepCtx     ctx;
  PetscInt    nres = 0;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMemzero(&ctx, sizeof ctx));
  *K = 0;
  for (PetscInt i = 0; i < b->nseg; i++)
    if (b->seg[i].model == BALLAST_BEH_PREPAYMENT && b->seg[i].history_path) {
      (*K)++;
      if (BallastBehaviourOwner(b, i, size) == rank) {
        ctx.nloc++;
        nres += b->seg[i].hist->n;
      }
    }
  if (!*K) PetscFunctionReturn(0);
  PetscCall(PetscMalloc2(ctx.nloc, &ctx.seg, ctx.nloc + 1, &ctx.off));
  PetscCall(PetscMalloc2(nres, &ctx.inc, nres, &ctx.obs));
  ctx.nloc = 0;
  ctx.off[0] = 0;
  for (PetscInt i = 0; i < b->nseg; i++)
    if (b->seg[i].model == BALLAST_BEH_PREPAYMENT && b->seg[i].history_path && BallastBehaviourOwner(b, i, size) == rank) {
      const BallastBehHistory *h = b->seg[i].hist;
      PetscInt                 o = ctx.off[ctx.nloc];
      for (PetscInt t = 0; t < h->n; t++) {
        ctx.inc[o + t] = 100.0 * (h->contract_rate[t] - h->market_rate[t]);
        ctx.obs[o + t] = h->cpr[t];
      }
      ctx.seg[ctx.nloc]     = i;
      ctx.off[ctx.nloc + 1] = o + h->n;
      ctx.nloc++;
    }

  Vec  X, XL, XU, R;
  Mat  J;
  Tao  tao;
  PetscScalar *x, *xl, *xu;
  PetscCall(VecCreateMPI(comm, NPAR * ctx.nloc, PETSC_DETERMINE, &X));
  PetscCall(VecDuplicate(X, &XL));
  PetscCall(VecDuplicate(X, &XU));
  PetscCall(VecCreateMPI(comm, nres, PETSC_DETERMINE, &R));
  PetscCall(MatCreateAIJ(comm, nres, NPAR * ctx.nloc, PETSC_DETERMINE, PETSC_DETERMINE, NPAR, NULL, 0, NULL, &J));
  PetscCall(MatSetOption(J, MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  /* initial guess from the data (deterministic): a = lowest CPR, b = range, c = 100 per unit
   * (1 per percentage point), d = mean incentive; clamped into the bounds */
  PetscCall(VecGetArray(X, &x));
  PetscCall(VecGetArray(XL, &xl));
  PetscCall(VecGetArray(XU, &xu));
  for (PetscInt s = 0; s < ctx.nloc; s++) {
    const BallastBehSegment *sg = &b->seg[ctx.seg[s]];
    double lo = 1, hi = 0, mi = 0, p0[4], lw[4], up[4];
    for (PetscInt t = ctx.off[s]; t < ctx.off[s + 1]; t++) {
      lo = PetscMin(lo, ctx.obs[t]);
      hi = PetscMax(hi, ctx.obs[t]);
      mi += ctx.inc[t];
    }
    mi /= (double)(ctx.off[s + 1] - ctx.off[s]);
    p0[0] = lo, p0[1] = hi - lo, p0[2] = 100.0, p0[3] = mi / 100.0;
    scale_in(sg->lower, lw);
    scale_in(sg->upper, up);
    scale_in(p0, x + NPAR * s);
    for (int k = 0; k < NPAR; k++) {
      xl[NPAR * s + k] = lw[k];
      xu[NPAR * s + k] = up[k];
      x[NPAR * s + k]  = PetscMin(PetscMax(x[NPAR * s + k], lw[k]), up[k]);
    }
  }
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(VecRestoreArray(XL, &xl));
  PetscCall(VecRestoreArray(XU, &xu));

  PetscCall(TaoCreate(comm, &tao));
  PetscCall(TaoSetType(tao, TAOBRGN));
  PetscCall(TaoSetSolution(tao, X));
  PetscCall(TaoSetVariableBounds(tao, XL, XU));
  PetscCall(TaoSetResidualRoutine(tao, R, prep_residual, &ctx));
  PetscCall(TaoSetJacobianResidualRoutine(tao, J, J, prep_jacobian, &ctx));
  PetscCall(TaoSetTolerances(tao, 1e-10, 0.0, 0.0));
  PetscCall(TaoSetMaximumIterations(tao, 500));
  PetscCall(TaoSetOptionsPrefix(tao, "prepay_"));
  /* default: J^T J as an explicit (block-diagonal AIJ) matrix, 4x faster than the shell product
   * for a thousand segments; only an option in PETSc 3.18, so it is a default of the options
   * database that the command line overrides (-prepay_tao_brgn_mat_explicit false) */
  PetscCall(option_default("prepay_", "-tao_brgn_mat_explicit", "true"));
  /* BRGN's Gauss-Newton subsolver (TAOBNLS) keeps PETSc's own prefix unless given ours; its
   * default preconditioner (PCLMVM) needs ~1,600 Krylov iterations per step on a thousand
   * segments, while block Jacobi (ILU(0) on the block-diagonal J^T J of each rank: an exact
   * factorisation, since a segment's 4x4 block never straddles ranks) needs one: 8.7 s -> 0.5 s */
  {
    Tao sub;
    PetscCall(TaoBRGNGetSubsolver(tao, &sub));
    PetscCall(TaoSetOptionsPrefix(sub, "prepay_tao_brgn_subsolver_"));
    PetscCall(option_default("prepay_tao_brgn_subsolver_", "-tao_bnk_pc_type", "bjacobi"));
  }
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(TaoSolve(tao));
  PetscCall(TaoGetIterationNumber(tao, its));
  PetscCall(TaoGetConvergedReason(tao, reason));

  /* results of the local segments, fit quality from the final residual */
  const PetscScalar *xs;
  PetscCall(prep_residual(tao, X, R, &ctx));
  const PetscScalar *r;
  PetscCall(VecGetArrayRead(X, &xs));
  PetscCall(VecGetArrayRead(R, &r));
  for (PetscInt s = 0; s < ctx.nloc; s++) {
    double *o = out + ctx.seg[s] * NOUT, ss = 0;
    scale_out(xs + NPAR * s, o);
    for (PetscInt t = ctx.off[s]; t < ctx.off[s + 1]; t++) ss += r[t] * r[t];
    o[NPAR + BALLAST_BEH_MAX_TENORS + 3] = sqrt(ss / (double)(ctx.off[s + 1] - ctx.off[s]));
  }
  PetscCall(VecRestoreArrayRead(R, &r));
  PetscCall(VecRestoreArrayRead(X, &xs));
  PetscCall(TaoDestroy(&tao));
  PetscCall(MatDestroy(&J));
  PetscCall(VecDestroy(&R));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&XL));
  PetscCall(VecDestroy(&XU));
  PetscCall(PetscFree2(ctx.inc, ctx.obs));
  PetscCall(PetscFree2(ctx.seg, ctx.off));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ deposits: TAOPDIPM */
typedef struct {
  MPI_Comm  comm;
  PetscInt  nloc;     /* local calibrated deposit segments */
  PetscInt *seg;      /* their indices in b */
  PetscInt *off;      /* [nloc + 1] local variable offsets */
  double  **C, **c, *vd;
} NmdCtx;

static PetscErrorCode nmd_objective(Tao tao, Vec X, PetscReal *f, Vec G, void *ptr)
{
  NmdCtx            *ctx = (NmdCtx *)ptr;
  const PetscScalar *x;
  PetscScalar       *g;
  double             fl = 0;
  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(G, &g));
  for (PetscInt s = 0; s < ctx->nloc; s++) {
    PetscInt           nt = ctx->off[s + 1] - ctx->off[s];
    const PetscScalar *w  = x + ctx->off[s];
    const double      *C = ctx->C[s], *c = ctx->c[s];
    double             fs = ctx->vd[s];
    for (PetscInt j = 0; j < nt; j++) {
      double cw = 0;
      for (PetscInt k = 0; k < nt; k++) cw += C[j * nt + k] * w[k];
      fs += w[j] * cw - 2.0 * c[j] * w[j];
      g[ctx->off[s] + j] = 2.0 * (cw - c[j]);
    }
    fl += fs;
  }
  PetscCall(VecRestoreArray(G, &g));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscCallMPI(MPI_Allreduce(&fl, f, 1, MPIU_REAL, MPIU_SUM, ctx->comm));
  PetscFunctionReturn(0);
}

/* ce_s = sum_j w_j - 1 */
static PetscErrorCode nmd_equality(Tao tao, Vec X, Vec CE, void *ptr)
{
  NmdCtx            *ctx = (NmdCtx *)ptr;
  const PetscScalar *x;
  PetscScalar       *ce;
  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(CE, &ce));
  for (PetscInt s = 0; s < ctx->nloc; s++) {
    double sum = 0;
    for (PetscInt j = ctx->off[s]; j < ctx->off[s + 1]; j++) sum += x[j];
    ce[s] = sum - 1.0;
  }
  PetscCall(VecRestoreArray(CE, &ce));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

/* ci_s = cap_s - sum_j w_j m_j >= 0 (years); the caps and tenors are in the Jacobian's rows */
typedef struct {
  NmdCtx *base;
  double *cap;     /* [nloc] */
  double *years;   /* [local variables] tenor in years */
} NmdIneq;

static PetscErrorCode nmd_inequality(Tao tao, Vec X, Vec CI, void *ptr)
{
  NmdIneq           *q   = (NmdIneq *)ptr;
  NmdCtx            *ctx = q->base;
  const PetscScalar *x;
  PetscScalar       *ci;
  PetscFunctionBeginUser;
  (void)tao;
  PetscCall(VecGetArrayRead(X, &x));
  PetscCall(VecGetArray(CI, &ci));
  for (PetscInt s = 0; s < ctx->nloc; s++) {
    double m = 0;
    for (PetscInt j = ctx->off[s]; j < ctx->off[s + 1]; j++) m += x[j] * q->years[j];
    ci[s] = q->cap[s] - m;
  }
  PetscCall(VecRestoreArray(CI, &ci));
  PetscCall(VecRestoreArrayRead(X, &x));
  PetscFunctionReturn(0);
}

/* The constraint Jacobians are constant: assembled once before the solve. */
static PetscErrorCode nmd_jacobian_constant(Tao tao, Vec X, Mat A, Mat P, void *ptr)
{
  PetscFunctionBeginUser;
  (void)tao, (void)X, (void)A, (void)P, (void)ptr;
  PetscFunctionReturn(0);
}

/* The objective's Hessian is constant (2 C per segment, block diagonal): assembled once. */
static PetscErrorCode nmd_hessian_constant(Tao tao, Vec X, Mat H, Mat P, void *ptr)
{
  PetscFunctionBeginUser;
  (void)tao, (void)X, (void)H, (void)P, (void)ptr;
  PetscFunctionReturn(0);
}

static PetscErrorCode calibrate_deposits(MPI_Comm comm, BallastBehaviour *b, double *out, PetscInt *its, TaoConvergedReason *reason, PetscInt *K)
{
  PetscMPIInt rank, size;
  NmdCtx      ctx;
  NmdIneq     q;
  PetscInt    nvar = 0;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMemzero(&ctx, sizeof ctx));
  ctx.comm = comm;
  *K       = 0;
  for (PetscInt i = 0; i < b->nseg; i++)
    if (b->seg[i].model == BALLAST_BEH_DEPOSIT && b->seg[i].history_path && !b->seg[i].weights_fixed) {
      (*K)++;
      if (BallastBehaviourOwner(b, i, size) == rank) {
        ctx.nloc++;
        nvar += b->seg[i].ntenor;
      }
    }
  if (!*K) PetscFunctionReturn(0);
  PetscCall(PetscMalloc5(ctx.nloc, &ctx.seg, ctx.nloc + 1, &ctx.off, ctx.nloc, &ctx.C, ctx.nloc, &ctx.c, ctx.nloc, &ctx.vd));
  PetscCall(PetscMalloc2(ctx.nloc, &q.cap, nvar, &q.years));
  q.base   = &ctx;
  ctx.nloc = 0;
  ctx.off[0] = 0;
  for (PetscInt i = 0; i < b->nseg; i++) {
    BallastBehSegment *s = &b->seg[i];
    if (!(s->model == BALLAST_BEH_DEPOSIT && s->history_path && !s->weights_fixed && BallastBehaviourOwner(b, i, size) == rank)) continue;
    PetscInt l = ctx.nloc, nt = s->ntenor;
    PetscCall(PetscMalloc2(nt * nt, &ctx.C[l], nt, &ctx.c[l]));
    PetscCall(BallastNMDMoments(s->hist, nt, s->tenor_months, ctx.C[l], ctx.c[l], &ctx.vd[l], NULL));
    ctx.seg[l]     = i;
    ctx.off[l + 1] = ctx.off[l] + nt;
    q.cap[l]       = s->maturity_cap;
    for (PetscInt j = 0; j < nt; j++) q.years[ctx.off[l] + j] = s->tenor_months[j] / 12.0;
    ctx.nloc++;
  }

  Vec      X, XL, XU, CE, CI;
  Mat      AE, AI, H;
  Tao      tao;
  PetscInt  c0, r0;
  PetscBool pdipm;
  PetscCall(VecCreateMPI(comm, nvar, PETSC_DETERMINE, &X));
  PetscCall(VecDuplicate(X, &XL));
  PetscCall(VecDuplicate(X, &XU));
  PetscCall(VecSet(XL, 0.0));
  PetscCall(VecSet(XU, 1.0));
  PetscCall(VecCreateMPI(comm, ctx.nloc, PETSC_DETERMINE, &CE));
  PetscCall(VecDuplicate(CE, &CI));
  PetscCall(MatCreateAIJ(comm, ctx.nloc, nvar, PETSC_DETERMINE, PETSC_DETERMINE, BALLAST_BEH_MAX_TENORS, NULL, 0, NULL, &AE));
  PetscCall(MatCreateAIJ(comm, ctx.nloc, nvar, PETSC_DETERMINE, PETSC_DETERMINE, BALLAST_BEH_MAX_TENORS, NULL, 0, NULL, &AI));
  PetscCall(MatCreateAIJ(comm, nvar, nvar, PETSC_DETERMINE, PETSC_DETERMINE, BALLAST_BEH_MAX_TENORS, NULL, 0, NULL, &H));
  PetscCall(MatGetOwnershipRange(AE, &r0, NULL));
  PetscCall(MatGetOwnershipRangeColumn(AE, &c0, NULL));
  PetscScalar *x;
  PetscCall(VecGetArray(X, &x));
  for (PetscInt s = 0; s < ctx.nloc; s++) {
    PetscInt    nt = ctx.off[s + 1] - ctx.off[s], row = r0 + s, col[BALLAST_BEH_MAX_TENORS];
    PetscScalar one[BALLAST_BEH_MAX_TENORS], mneg[BALLAST_BEH_MAX_TENORS];
    for (PetscInt j = 0; j < nt; j++) {
      col[j]  = c0 + ctx.off[s] + j;
      one[j]  = 1.0;
      mneg[j] = -q.years[ctx.off[s] + j];
      x[ctx.off[s] + j] = 1.0 / nt; /* start: equal weights */
    }
    PetscCall(MatSetValues(AE, 1, &row, nt, col, one, INSERT_VALUES));
    for (PetscInt j = 0; j < nt; j++) {
      PetscScalar hrow[BALLAST_BEH_MAX_TENORS];
      for (PetscInt k = 0; k < nt; k++) hrow[k] = 2.0 * ctx.C[s][j * nt + k];
      PetscCall(MatSetValues(H, 1, &col[j], nt, col, hrow, INSERT_VALUES));
    }
    PetscCall(MatSetValues(AI, 1, &row, nt, col, mneg, INSERT_VALUES));
  }
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(MatAssemblyBegin(AE, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(AE, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyBegin(AI, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(AI, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyBegin(H, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(H, MAT_FINAL_ASSEMBLY));
  PetscCall(MatSetOption(H, MAT_SYMMETRIC, PETSC_TRUE));

  PetscCall(TaoCreate(comm, &tao));
  PetscCall(TaoSetType(tao, TAOPDIPM));
  PetscCall(TaoSetSolution(tao, X));
  PetscCall(TaoSetVariableBounds(tao, XL, XU));
  PetscCall(TaoSetObjectiveAndGradient(tao, NULL, nmd_objective, &ctx));
  PetscCall(TaoSetEqualityConstraintsRoutine(tao, CE, nmd_equality, &ctx));
  PetscCall(TaoSetJacobianEqualityRoutine(tao, AE, AE, nmd_jacobian_constant, &ctx));
  PetscCall(TaoSetInequalityConstraintsRoutine(tao, CI, nmd_inequality, &q));
  PetscCall(TaoSetJacobianInequalityRoutine(tao, AI, AI, nmd_jacobian_constant, &q));
  PetscCall(TaoSetHessian(tao, H, H, nmd_hessian_constant, &ctx));
  PetscCall(TaoSetTolerances(tao, 1e-9, 0.0, 0.0));
  PetscCall(TaoSetConstraintTolerances(tao, 1e-10, 0.0));
  PetscCall(TaoSetMaximumIterations(tao, 1000));
  PetscCall(TaoSetMaximumFunctionEvaluations(tao, 1000000));
  PetscCall(TaoSetOptionsPrefix(tao, "nmd_"));
  /* MUMPS' workspace estimate is too small for the pivoting the KKT systems of a few hundred
   * segments need (FACTOR_OUTMEMORY): allow 400 % more unless set (-nmd_mat_mumps_icntl_14) */
  PetscCall(option_default("nmd_", "-mat_mumps_icntl_14", "400"));
  PetscCall(TaoSetFromOptions(tao));
  PetscCall(PetscObjectTypeCompare((PetscObject)tao, TAOPDIPM, &pdipm));
  if (pdipm) { /* the KKT system is indefinite: a direct solve (MUMPS in parallel), unless overridden by -nmd_ksp_* / -nmd_pc_* */
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
  PetscCall(TaoGetIterationNumber(tao, its));
  PetscCall(TaoGetConvergedReason(tao, reason));

  const PetscScalar *xs;
  PetscCall(VecGetArrayRead(X, &xs));
  for (PetscInt s = 0; s < ctx.nloc; s++) {
    PetscInt nt = ctx.off[s + 1] - ctx.off[s];
    double  *o = out + ctx.seg[s] * NOUT, *w = o + NPAR, sum = 0, avg = 0;
    for (PetscInt j = 0; j < nt; j++) {
      w[j] = xs[ctx.off[s] + j] < 1e-6 ? 0.0 : xs[ctx.off[s] + j];
      sum += w[j];
    }
    for (PetscInt j = 0; j < nt; j++) {
      w[j] /= sum;
      avg += w[j] * q.years[ctx.off[s] + j];
    }
    o[NPAR + BALLAST_BEH_MAX_TENORS + 1] = avg;
    o[NPAR + BALLAST_BEH_MAX_TENORS + 3] = sqrt(BallastNMDMarginVariance(nt, ctx.C[s], ctx.c[s], ctx.vd[s], w)) / 100.0;
  }
  PetscCall(VecRestoreArrayRead(X, &xs));
  PetscCall(TaoDestroy(&tao));
  PetscCall(MatDestroy(&AE));
  PetscCall(MatDestroy(&AI));
  PetscCall(MatDestroy(&H));
  PetscCall(VecDestroy(&CE));
  PetscCall(VecDestroy(&CI));
  PetscCall(VecDestroy(&X));
  PetscCall(VecDestroy(&XL));
  PetscCall(VecDestroy(&XU));
  for (PetscInt s = 0; s < ctx.nloc; s++) PetscCall(PetscFree2(ctx.C[s], ctx.c[s]));
  PetscCall(PetscFree2(q.cap, q.years));
  PetscCall(PetscFree5(ctx.seg, ctx.off, ctx.C, ctx.c, ctx.vd));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ driver */
PetscErrorCode BallastBehaviourCalibrate(MPI_Comm comm, BallastBehaviour *b)
{
  PetscMPIInt        rank, size;
  double            *loc, *all;
  PetscInt           its[2] = {0, 0}, K[2] = {0, 0};
  TaoConvergedReason why[2] = {TAO_CONTINUE_ITERATING, TAO_CONTINUE_ITERATING};
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscCalloc1(NOUT * (b->nseg + 1), &loc));
  PetscCall(PetscCalloc1(NOUT * (b->nseg + 1), &all));
  PetscCall(calibrate_prepayment(comm, b, loc, &its[0], &why[0], &K[0]));
  PetscCall(calibrate_deposits(comm, b, loc, &its[1], &why[1], &K[1]));
  /* closed forms on the owner: core shares, early redemption rates */
  for (PetscInt i = 0; i < b->nseg; i++) {
    BallastBehSegment *s = &b->seg[i];
    double            *o = loc + i * NOUT;
    if (!s->history_path || BallastBehaviourOwner(b, i, size) != rank) continue;
    if (s->model == BALLAST_BEH_DEPOSIT && !s->core_fixed) o[NPAR + BALLAST_BEH_MAX_TENORS] = PetscMin(s->core_cap, BallastNMDCoreEstimate(s->hist));
    if (s->model == BALLAST_BEH_EARLY_REDEMPTION) o[NPAR + BALLAST_BEH_MAX_TENORS + 2] = BallastEarlyRedemptionEstimate(s->hist);
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
      for (PetscInt j = 0; j < s->ntenor; j++) s->average_maturity += s->weight[j] * s->tenor_months[j] / 12.0;
    }
    if (!s->history_path) continue;
    int k = s->model == BALLAST_BEH_PREPAYMENT ? 0 : 1;
    if (s->model == BALLAST_BEH_PREPAYMENT) {
      for (int j = 0; j < NPAR; j++) s->p[j] = o[j];
      s->objective = o[NPAR + BALLAST_BEH_MAX_TENORS + 3];
    }
    if (s->model == BALLAST_BEH_DEPOSIT) {
      if (!s->core_fixed) s->core_share = o[NPAR + BALLAST_BEH_MAX_TENORS];
      if (!s->weights_fixed) {
        for (PetscInt j = 0; j < s->ntenor; j++) s->weight[j] = o[NPAR + j];
        s->average_maturity = o[NPAR + BALLAST_BEH_MAX_TENORS + 1];
        s->objective        = o[NPAR + BALLAST_BEH_MAX_TENORS + 3];
      }
    }
    if (s->model == BALLAST_BEH_EARLY_REDEMPTION) s->rate = o[NPAR + BALLAST_BEH_MAX_TENORS + 2];
    PetscBool tao_solved = (PetscBool)(s->model == BALLAST_BEH_PREPAYMENT || (s->model == BALLAST_BEH_DEPOSIT && !s->weights_fixed));
    if (tao_solved) {
      s->iterations = its[k];
      s->converged  = (PetscBool)(why[k] > 0);
      PetscCall(PetscStrncpy(s->reason, TaoConvergedReasons[why[k]], sizeof s->reason));
    } else PetscCall(PetscStrncpy(s->reason, "estimated", sizeof s->reason));
  }
  PetscCall(PetscFree(loc));
  PetscCall(PetscFree(all));
  for (int k = 0; k < 2; k++) {
    const char *what = k ? "replicating portfolio (TAOPDIPM, -nmd_tao_*)" : "prepayment S-curve (TAOBRGN, -prepay_tao_*)";
    if (!K[k]) continue;
    PetscCall(PetscInfo(NULL, "behaviour: %s calibration of %" PetscInt_FMT " segments: %s after %" PetscInt_FMT " iterations\n", what, K[k], TaoConvergedReasons[why[k]], its[k]));
    PetscCheck(why[k] > 0 || b->accept_nonconvergence, comm, BALLAST_ERR_NUMERIC,
               "%s: the %s calibration of %" PetscInt_FMT " behaviour segments did not converge (%s after %" PetscInt_FMT
               " iterations); set behaviour.accept_nonconvergence = true to accept the result, or tune the solver options",
               b->file, what, K[k], TaoConvergedReasons[why[k]], its[k]);
  }
  PetscFunctionReturn(0);
}
