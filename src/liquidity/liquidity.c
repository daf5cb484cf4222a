/* Liquidity consumers of the event stream: maturity ladders, counterbalancing capacity, survival
 * horizon, LCR and NSFR. Conventions in include/ballast/liquidity.h, definitions in
 * ../shared/spec/metrics.md, the category table in docs/liquidity.md. */
#include <ballast/liquidity.h>
#include <ballast/checkpoint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Category names (the regime file's keys) */
static const char *dep_names[BALLAST_LIQ_DEP_COUNT] = {"retail_stable", "retail_less_stable", "operational", "operational_insured",
                                                       "non_financial", "non_financial_insured", "financial", "other"};
static const char *in_names[BALLAST_LIQ_IN_COUNT]   = {"retail", "non_financial", "financial", "operational", "other", "derivatives"};
static const char *fac_names[BALLAST_LIQ_FAC_COUNT] = {"retail_credit", "retail_liquidity", "non_financial_credit", "non_financial_liquidity",
                                                       "financial_credit", "financial_liquidity", "other_credit", "other_liquidity"};
static const char *asf_names[BALLAST_LIQ_ASF_COUNT] = {"retail_stable", "retail_less_stable", "operational", "non_financial", "financial", "other"};
static const char *rsf_names[BALLAST_LIQ_RSF_COUNT] = {"cash", "level1", "level2a", "level2b", "central_bank", "financial", "operational_deposits", "loans_low_rw", "loans_high_rw", "equity"};

const char *BallastLiqDepositName(int k) { return k >= 0 && k < BALLAST_LIQ_DEP_COUNT ? dep_names[k] : NULL; }
const char *BallastLiqInflowName(int k) { return k >= 0 && k < BALLAST_LIQ_IN_COUNT ? in_names[k] : NULL; }
const char *BallastLiqFacilityName(int k) { return k >= 0 && k < BALLAST_LIQ_FAC_COUNT ? fac_names[k] : NULL; }
const char *BallastLiqASFName(int k) { return k >= 0 && k < BALLAST_LIQ_ASF_COUNT ? asf_names[k] : NULL; }
const char *BallastLiqRSFName(int k) { return k >= 0 && k < BALLAST_LIQ_RSF_COUNT ? rsf_names[k] : NULL; }

double BallastLiqCurveEval(const BallastLiqCurve *c, double d)
{
  if (!c->n || d <= 0) return 0.0;
  if (d >= c->day[c->n - 1]) return c->cum[c->n - 1];
  double d0 = 0.0, c0 = 0.0;
  for (PetscInt i = 0; i < c->n; i++) {
    if (d <= c->day[i]) return c0 + (c->cum[i] - c0) * (d - d0) / (c->day[i] - d0);
    d0 = c->day[i];
    c0 = c->cum[i];
  }
  return c0;
}

/* ---------------------------------------------------------------------------------------------
 * THE mapping from contract attributes to liquidity categories (docs/liquidity.md, one table). */
static int is_liability_role(int role) { return role == BALLAST_ROLE_RPL || role == BALLAST_ROLE_PFL || role == BALLAST_ROLE_PF || role == BALLAST_ROLE_SEL; }

void BallastLiquidityClassify(const BallastLiquidityParams *lp, const BallastTerms *t, const BallastAlm *a, BallastDate as_of, BallastLiqClass *cl)
{
  int ct = (int)t->contractType, cp = a->counterpartyType;
  int retail  = cp == BALLAST_CP_RETAIL || cp == BALLAST_CP_SME;
  int nonfin  = cp == BALLAST_CP_CORPORATE || cp == BALLAST_CP_SOVEREIGN || cp == BALLAST_CP_PSE || cp == BALLAST_CP_MDB; /* central banks apart */
  int cbank   = cp == BALLAST_CP_CENTRAL_BANK;
  int fin     = cp == BALLAST_CP_FINANCIAL;
  int oper    = a->operational != 0, insured = a->insured != 0, stable = a->depositStability == BALLAST_STAB_STABLE;
  int liq_fac = a->facilityType == BALLAST_FAC_LIQUIDITY;

  cl->nmd = 0;
  cl->hqla = BALLAST_HQLA_NONE;
  cl->cbc = cl->dep = cl->in = cl->fac = cl->asf = cl->rsf = -1;
  if (ct == BALLAST_CT_SWPPV || ct == BALLAST_CT_FXOUT) {
    cl->side = BALLAST_LIQ_DERIVATIVE;
    cl->in   = BALLAST_LIQ_IN_DERIVATIVES;
    return;
  }
  if (is_liability_role(t->contractRole)) {
    cl->side = BALLAST_LIQ_LIABILITY;
    cl->nmd  = ct == BALLAST_CT_UMP || ct == BALLAST_CT_CSH || (ct == BALLAST_CT_CLM && t->maturityDate == BALLAST_DATE_NONE);
    /* LCR run-off / stress deposit category: retail and SME by stability; otherwise operational
     * first, then the counterparty (central banks with the non-financial group, BCBS 238) */
    if (retail) cl->dep = stable ? BALLAST_LIQ_DEP_RETAIL_STABLE : BALLAST_LIQ_DEP_RETAIL_LESS_STABLE;
    else if (oper) cl->dep = insured ? BALLAST_LIQ_DEP_OPERATIONAL_INSURED : BALLAST_LIQ_DEP_OPERATIONAL;
    else if (nonfin || cbank) cl->dep = insured ? BALLAST_LIQ_DEP_NON_FINANCIAL_INSURED : BALLAST_LIQ_DEP_NON_FINANCIAL;
    else if (fin) cl->dep = BALLAST_LIQ_DEP_FINANCIAL;
    else cl->dep = BALLAST_LIQ_DEP_OTHER;
    /* NSFR: central banks with financial institutions (BCBS 295) */
    if (retail) cl->asf = stable ? BALLAST_LIQ_ASF_RETAIL_STABLE : BALLAST_LIQ_ASF_RETAIL_LESS_STABLE;
    else if (oper) cl->asf = BALLAST_LIQ_ASF_OPERATIONAL;
    else if (nonfin) cl->asf = BALLAST_LIQ_ASF_NON_FINANCIAL;
    else if (fin || cbank) cl->asf = BALLAST_LIQ_ASF_FINANCIAL;
    else cl->asf = BALLAST_LIQ_ASF_OTHER;
    return;
  }
  cl->side = BALLAST_LIQ_ASSET;
  int lvl  = a->hqlaLevel;
  int enc  = a->encumberedUntil != BALLAST_DATE_NONE && a->encumberedUntil > as_of;
  if (lvl != BALLAST_HQLA_NONE) {
    cl->cbc = lvl;
    if (!enc) cl->hqla = lvl;
  } else if (ct == BALLAST_CT_CSH) cl->cbc = 0; /* cash outside the HQLA stock: counterbalancing at face value */
  if (oper) cl->in = BALLAST_LIQ_IN_OPERATIONAL;
  else if (retail) cl->in = BALLAST_LIQ_IN_RETAIL;
  else if (nonfin) cl->in = BALLAST_LIQ_IN_NON_FINANCIAL;
  else if (fin || cbank) cl->in = BALLAST_LIQ_IN_FINANCIAL;
  else cl->in = BALLAST_LIQ_IN_OTHER;
  if (isfinite(a->undrawnCommitment) && a->undrawnCommitment > 0) {
    int grp = retail ? 0 : (nonfin || cbank) ? 1 : fin ? 2 : 3;
    cl->fac = 2 * grp + (liq_fac ? 1 : 0);
  }
  if (ct == BALLAST_CT_CSH) cl->rsf = BALLAST_LIQ_RSF_CASH;
  else if (lvl == BALLAST_HQLA_1) cl->rsf = BALLAST_LIQ_RSF_LEVEL1;
  else if (lvl == BALLAST_HQLA_2A) cl->rsf = BALLAST_LIQ_RSF_LEVEL2A;
  else if (lvl == BALLAST_HQLA_2B || lvl == BALLAST_HQLA_2B_RMBS) cl->rsf = BALLAST_LIQ_RSF_LEVEL2B;
  else if (ct == BALLAST_CT_STK) cl->rsf = BALLAST_LIQ_RSF_EQUITY;
  else if (oper) cl->rsf = BALLAST_LIQ_RSF_OPERATIONAL_DEPOSITS;
  else if (cbank) cl->rsf = BALLAST_LIQ_RSF_CENTRAL_BANK;
  else if (fin) cl->rsf = BALLAST_LIQ_RSF_FINANCIAL;
  else cl->rsf = (isfinite(a->riskWeight) && a->riskWeight <= lp->loan_risk_weight_threshold) ? BALLAST_LIQ_RSF_LOANS_LOW_RW : BALLAST_LIQ_RSF_LOANS_HIGH_RW;
}

/* ---------------------------------------------------------------------------------------------
 * Accumulator layout. Per portfolio (doubles):                                  units
 *   CIN  [c][b]        contractual inflows                                     currency c, >= 0
 *   COUT [c][b]        contractual outflows                                    currency c, >= 0
 *   SOUT [c][b]        contractual outflows of contracts without run-off       currency c, >= 0
 *   SIN  [c][i][b]     contractual inflows by inflow category (not CBC)        currency c, >= 0
 *   RUN  [c][k]        non-maturity liability balances by deposit category     currency c, >= 0
 *   UND  [c][f]        undrawn commitments by facility category                currency c, >= 0
 *   LCRC [c][l | OUT | IN] HQLA stock by level (market value), 30-day outflows
 *                      (after run-off rates), inflows (after inflow rates)     currency c, >= 0
 *   LIAB [c]           liability notionals (currency significance)             reporting
 *   LCRT [l | OUT | IN] the same as LCRC for the whole bank; derivatives net
 *                      per contract across currencies                          reporting
 *   NSFR [ASF, RSF, DERIV_NET, DERIV_NEG] weighted ASF and RSF; derivative
 *                      PV summed (signed) and negative PVs (>= 0)              reporting
 *   CBC  [l]           counterbalancing stock free at the as-of date (market value) reporting
 * Daily profiles (int64 cents of the reporting currency, exact): DOUT[d], DIN[i][d], REL[l][d]
 * (HQLA whose encumbrance ends on day d), d = 0..H. */
enum { O_CIN, O_COUT, O_SOUT, O_SIN, O_RUN, O_UND, O_LCRC, O_LIAB, O_LCRT, O_NSFR, O_CBC, O_END };
#define KL (BALLAST_LIQ_NLEVEL + 2)
#define K_OUT BALLAST_LIQ_NLEVEL
#define K_IN (BALLAST_LIQ_NLEVEL + 1)
enum { N_ASF, N_RSF, N_DNET, N_DNEG, N_COUNT };

static inline double *blk(BallastLiquidity *acc, PetscInt p, int part) { return acc->acc + p * acc->nw + acc->off[part]; }
static inline int64_t cents(double x) { return (int64_t)llround(x * 100.0); }
static inline int64_t *dout(BallastLiquidity *acc) { return acc->dayc; }
static inline int64_t *din(BallastLiquidity *acc, int i) { return acc->dayc + (1 + i) * (acc->H + 1); }
static inline int64_t *drel(BallastLiquidity *acc, int l) { return acc->dayc + (1 + BALLAST_LIQ_IN_COUNT + l) * (acc->H + 1); }
static inline PetscInt nday_total(const BallastLiquidity *acc) { return (1 + BALLAST_LIQ_IN_COUNT + BALLAST_LIQ_NLEVEL) * (acc->H + 1); }

static PetscInt bucket_search(const BallastLiquidityParams *lp, PetscInt d)
{
  for (PetscInt b = 0; b < lp->nbucket; b++)
    if (d <= lp->bucket_end[b]) return b;
  return lp->nbucket;
}

/* The ladder bucket of day d (> 0) by the table (no search per event). */
static inline PetscInt bucket_of(const BallastLiquidity *acc, PetscInt d) { return d <= acc->H ? (PetscInt)acc->bucket_of_day[d] : acc->lp->nbucket; }

PetscErrorCode BallastLiquidityCreate(const BallastLiquidityParams *lp, const BallastLiquiditySetup *s, BallastLiquidity *acc)
{
  PetscInt C = s->nccy, L = lp->nscen;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(acc, sizeof(*acc)));
  PetscCheck(C > 0 && s->nport >= 0 && s->fx, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "liquidity setup: no currencies or FX rates");
  acc->lp = lp;
  acc->s  = *s;
  acc->nb = lp->nbucket + 1;
  acc->H  = lp->bucket_end[lp->nbucket - 1];
  PetscCall(PetscMalloc1(acc->H + 1, &acc->bucket_of_day));
  for (PetscInt d = 0; d <= acc->H; d++) acc->bucket_of_day[d] = (int32_t)bucket_search(lp, d);
  PetscInt B = acc->nb, size[O_END] = {C * B, C * B, C * B, C * BALLAST_LIQ_IN_COUNT * B, C * BALLAST_LIQ_DEP_COUNT, C * BALLAST_LIQ_FAC_COUNT, C * KL, C, KL, N_COUNT, BALLAST_LIQ_NLEVEL};
  for (int k = 0; k < O_END; k++) {
    acc->off[k] = acc->nw;
    acc->nw += size[k];
  }
  acc->nact = s->nact > 0 ? s->nact : 1;
  PetscCall(PetscCalloc1(acc->nact * s->nport * acc->nw + 1, &acc->acc));
  PetscCall(PetscCalloc1(acc->nact * nday_total(acc), &acc->day));
  acc->dayc = acc->day;
  PetscCall(PetscCalloc1(acc->nact, &acc->mact));
  for (PetscInt a = 0; a < acc->nact; a++) {
    BallastLiquidityMetrics *m = BallastLiquidityGetMetrics(acc, a);
    PetscCall(PetscCalloc3(C * B, &m->inflow, C * B, &m->outflow, C * B, &m->gap_cum));
    PetscCall(PetscCalloc3(L * C * B, &m->s_inflow, L * C * B, &m->s_outflow, L * C * B, &m->s_gap_cum));
    PetscCall(PetscCalloc2(L, &m->cbc, L, &m->survival_days));
    PetscCall(PetscCalloc5(C, &m->lcr_c, C, &m->hqla_c, C, &m->out_c, C, &m->in_c, C, &m->significant));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastLiquidityDestroy(BallastLiquidity *acc)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(acc->acc));
  PetscCall(PetscFree(acc->day));
  PetscCall(PetscFree(acc->bucket_of_day));
  for (PetscInt a = 0; a < acc->nact && acc->mact; a++) {
    BallastLiquidityMetrics *m = BallastLiquidityGetMetrics(acc, a);
    PetscCall(PetscFree3(m->inflow, m->outflow, m->gap_cum));
    PetscCall(PetscFree3(m->s_inflow, m->s_outflow, m->s_gap_cum));
    PetscCall(PetscFree2(m->cbc, m->survival_days));
    PetscCall(PetscFree5(m->lcr_c, m->hqla_c, m->out_c, m->in_c, m->significant));
  }
  PetscCall(PetscFree(acc->mact));
  PetscCall(PetscMemzero(acc, sizeof(*acc)));
  PetscFunctionReturn(0);
}

/* Start a contract from its terms and ALM attributes (the consumer's begin and the store-based
 * BallastLiquidityContractBegin). */
static PetscErrorCode contract_begin(BallastLiquidity *acc, const BallastTerms *terms, const BallastAlm *alm, const char *id, PetscInt p, PetscInt c, PetscInt action, double w)
{
  const BallastLiquiditySetup *s = &acc->s;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&acc->cur, sizeof acc->cur));
  PetscCheck(action >= 0 && action < acc->nact, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "liquidity: contract %s: action slot %" PetscInt_FMT " out of range", id, action);
  acc->err    = 0;
  acc->cur.id = id;
  acc->cur.p  = action * s->nport + p;
  acc->cur.c  = c;
  acc->cur.w  = w;
  acc->dayc   = acc->day + action * nday_total(acc);
  PetscCheck(p >= 0 && p < s->nport, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "liquidity: contract %s: portfolio index %" PetscInt_FMT " out of range", acc->cur.id, acc->cur.p);
  PetscCheck(acc->cur.c >= 0 && acc->cur.c < s->nccy && isfinite(s->fx[acc->cur.c]), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "liquidity: contract %s: currency without FX rate", acc->cur.id);
  acc->cur.t   = *terms;
  acc->cur.alm = *alm;
  BallastLiquidityClassify(acc->lp, &acc->cur.t, alm, s->as_of, &acc->cur.cl);
  const BallastTerms *t = &acc->cur.t;
  acc->cur.ccy[0]       = (int32_t)acc->cur.c;
  acc->cur.ccy[1]       = -1;
  acc->cur.notional     = (isfinite(t->notionalPrincipal) && !(t->initialExchangeDate != BALLAST_DATE_NONE && t->initialExchangeDate > s->as_of)) ? fabs(t->notionalPrincipal) : 0.0;
  acc->cur.six          = BallastDateAddMonths(s->as_of, acc->lp->band_months[0]);
  acc->cur.one          = BallastDateAddMonths(s->as_of, acc->lp->band_months[1]);
  /* a security in the counterbalancing capacity within the horizon is counted there at market
   * value, so its own flows are not stressed inflows (no double count) */
  BallastDate enc             = alm->encumberedUntil;
  acc->cur.no_stress_inflows = acc->cur.cl.cbc >= 0 && (enc == BALLAST_DATE_NONE || enc - s->as_of <= acc->H);
  /* a forward start settling inside the LCR window counts as settled for the LCR (docs/liquidity.md
   * "Contracts settling inside the LCR window") */
  acc->cur.fwd       = acc->cur.cl.side != BALLAST_LIQ_DERIVATIVE && t->initialExchangeDate != BALLAST_DATE_NONE && t->initialExchangeDate > s->as_of;
  acc->cur.settle30  = acc->cur.fwd && t->initialExchangeDate - s->as_of <= acc->lp->lcr_horizon_days;
  acc->cur.df_settle = 1.0;
  acc->cur.on                = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastLiquidityContractBegin(BallastLiquidity *acc, BallastContracts cs, PetscInt i)
{
  BallastTerms t;
  PetscFunctionBeginUser;
  PetscCheck(i >= 0 && i < cs->n, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "liquidity: contract index %" PetscInt_FMT " out of range", i);
  BallastContractsGetTerms(cs, i, &t);
  PetscCall(contract_begin(acc, &t, &cs->alm[i], BallastContractsID(cs, i), cs->alm[i].portfolio, cs->currency[i], 0, 1.0));
  PetscFunctionReturn(0);
}

/* One event into the contractual views (ladder, NSFR residual maturity, LCR horizon) and/or the
 * stressed ladder (docs/liquidity.md, "Which stream each quantity takes"). */
enum { VIEW_CONTRACTUAL = 1, VIEW_STRESSED = 2 };
static void sink(BallastLiquidity *acc, const BallastEvent *ev, PetscInt d, int views)
{
  const BallastLiquidityParams *lp = acc->lp;
  double                       x   = ev->payoff;
  if (!acc->cur.on || d <= 0 || x == 0.0 || !isfinite(x)) return;
  int32_t c = ev->currency;
  int     k = c == acc->cur.ccy[0] ? 0 : (acc->cur.ccy[1] < 0 || c == acc->cur.ccy[1]) ? 1 : -1;
  if (k < 0 || c < 0 || c >= acc->s.nccy || !isfinite(acc->s.fx[c])) {
    acc->err = 1;
    snprintf(acc->errmsg, sizeof acc->errmsg, "event in a currency (id %d) without FX rate or a third currency", (int)c);
    return;
  }
  acc->cur.ccy[k]          = c;
  const BallastLiqClass *cl = &acc->cur.cl;
  PetscInt               p = acc->cur.p, B = acc->nb, b = bucket_of(acc, d);
  double                 fx = acc->s.fx[c], w = acc->cur.w;
  /* contractual ladder: every flow (weighted: a management action's old version counts -1) */
  if (views & VIEW_CONTRACTUAL) {
    if (x > 0) blk(acc, p, O_CIN)[c * B + b] += w * x;
    else blk(acc, p, O_COUT)[c * B + b] -= w * x;
  }
  /* stressed ladder: non-maturity liabilities run off by category (from the balance, in Reduce);
   * other outflows contractual; inflows by category, not from the counterbalancing stock and
   * not on liabilities (funding not yet received is not counted on) */
  if ((views & VIEW_STRESSED) && !cl->nmd) {
    if (x < 0) {
      blk(acc, p, O_SOUT)[c * B + b] -= w * x;
      if (d <= acc->H) dout(acc)[d] += (int64_t)w * cents(-x * fx);
    } else if (cl->in >= 0 && !acc->cur.no_stress_inflows) {
      blk(acc, p, O_SIN)[(c * BALLAST_LIQ_IN_COUNT + cl->in) * B + b] += w * x;
      if (d <= acc->H) din(acc, cl->in)[d] += (int64_t)w * cents(x * fx);
    }
  }
  if (!(views & VIEW_CONTRACTUAL)) return;
  if (acc->cur.fwd && ev->type == BALLAST_EV_IED) acc->cur.xchg[k] += x; /* the price of a forward start */
  /* NSFR residual maturity (contractual, CRR Art 428j): principal falling due in the first two bands */
  if (ev->type == BALLAST_EV_PR || ev->type == BALLAST_EV_MD || ev->type == BALLAST_EV_PP) {
    if (ev->date < acc->cur.six) acc->cur.princ_band[0] += fabs(x);
    else if (ev->date < acc->cur.one) acc->cur.princ_band[1] += fabs(x);
  }
  /* LCR horizon */
  if (d <= lp->lcr_horizon_days) {
    int interest = ev->type == BALLAST_EV_IP || ev->type == BALLAST_EV_IPFX || ev->type == BALLAST_EV_IPFL;
    if (cl->side == BALLAST_LIQ_DERIVATIVE) acc->cur.net30[k] += x;
    else if (acc->cur.settle30 && ev->type == BALLAST_EV_IED) { /* an exchange within the stock, not a flow (ContractEnd) */ }
    else if (x > 0) acc->cur.in30[k] += x;
    else if (interest) acc->cur.out30_int[k] -= x;
    else acc->cur.out30_princ[k] -= x;
  }
}

void BallastLiquiditySink(void *ctx, const BallastEvent *ev)
{
  BallastLiquidity *acc = (BallastLiquidity *)ctx;
  sink(acc, ev, ev->date - acc->s.as_of, VIEW_CONTRACTUAL | VIEW_STRESSED);
}

PetscErrorCode BallastLiquidityContractEnd(BallastLiquidity *acc, double pv_base)
{
  const BallastLiquidityParams *lp = acc->lp;
  const BallastLiqClass        *cl = &acc->cur.cl;
  const BallastTerms           *t  = &acc->cur.t;
  PetscInt                      p = acc->cur.p, c = acc->cur.c;
  const double                 *fx = acc->s.fx;
  double                       *lcrc = blk(acc, p, O_LCRC), *lcrt = blk(acc, p, O_LCRT), *nsfr = blk(acc, p, O_NSFR);
  PetscFunctionBeginUser;
  PetscCheck(acc->cur.on, PETSC_COMM_SELF, PETSC_ERR_ORDER, "BallastLiquidityContractEnd without BallastLiquidityContractBegin");
  acc->cur.on = 0;
  PetscCheck(!acc->err, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "liquidity: contract %s: %s", acc->cur.id, acc->errmsg);
  int    ct = (int)t->contractType;
  double N  = acc->cur.notional, w = acc->cur.w;
  /* market value (contract currency, >= 0 for assets): the base PV; cash at face value; a
   * contract without a projected PV (equity) at its notional */
  double mv = pv_base;
  if (ct == BALLAST_CT_CSH || !isfinite(mv) || (ct == BALLAST_CT_STK && mv == 0.0)) mv = N;
  if (ct == BALLAST_CT_STK) N = mv; /* equity: no notional of its own, the balance is the value */

  if (cl->side == BALLAST_LIQ_DERIVATIVE) {
    double tot = 0.0;
    for (int k = 0; k < 2; k++) {
      if (acc->cur.ccy[k] < 0) continue;
      double net = acc->cur.net30[k];
      double *lk = &lcrc[acc->cur.ccy[k] * KL];
      if (net > 0) lk[K_IN] += w * net * lp->inflow_rate[BALLAST_LIQ_IN_DERIVATIVES];
      else lk[K_OUT] -= w * net * lp->outflow_rate_derivatives;
      tot += net * fx[acc->cur.ccy[k]];
    }
    /* the whole bank: a contract's legs net across currencies (simultaneous exchange) */
    if (tot > 0) lcrt[K_IN] += w * tot * lp->inflow_rate[BALLAST_LIQ_IN_DERIVATIVES];
    else lcrt[K_OUT] -= w * tot * lp->outflow_rate_derivatives;
    if (isfinite(pv_base)) {
      nsfr[N_DNET] += w * pv_base * fx[c];
      if (pv_base < 0) nsfr[N_DNEG] -= w * pv_base * fx[c];
    }
    PetscFunctionReturn(0);
  }

  /* settled inside the LCR window: the cash of the initial exchange (paid < 0, received > 0) moves
   * the Level 1 stock at its base value on the as-of date; a security bought enters the stock at
   * the value of its flows after settlement (the base PV plus the price paid, discounted) */
  double mv_stock = mv; /* a forward purchase: the value of the security after settlement */
  for (int k = 0; k < 2 && acc->cur.fwd; k++) {
    if (acc->cur.ccy[k] < 0 || acc->cur.xchg[k] == 0.0) continue;
    double x = acc->cur.xchg[k] * acc->cur.df_settle;
    if (acc->cur.settle30) {
      lcrc[acc->cur.ccy[k] * KL + BALLAST_HQLA_1] += w * x;
      lcrt[BALLAST_HQLA_1] += w * x * fx[acc->cur.ccy[k]];
    }
    if (acc->cur.ccy[k] == c && x < 0) mv_stock -= x;
  }

  /* NSFR balance split by residual maturity band: principal falling due in each band, the rest
   * beyond; non-maturity liabilities entirely in the first band */
  double n[3];
  if (cl->nmd) n[0] = N, n[1] = n[2] = 0.0;
  else {
    n[0] = PetscMin(N, acc->cur.princ_band[0]);
    n[1] = PetscMin(N - n[0], acc->cur.princ_band[1]);
    n[2] = N - n[0] - n[1];
  }

  if (cl->side == BALLAST_LIQ_LIABILITY) {
    double rate = lp->outflow_rate[cl->dep];
    for (int k = 0; k < 2; k++) {
      if (acc->cur.ccy[k] < 0) continue;
      /* liabilities falling due within the horizon run off with their interest at the category
       * rate; interest on funding due later is another contractual outflow */
      double out = acc->cur.out30_princ[k] > 0 ? (acc->cur.out30_princ[k] + acc->cur.out30_int[k]) * rate : acc->cur.out30_int[k] * lp->outflow_rate_other;
      lcrc[acc->cur.ccy[k] * KL + K_OUT] += w * out;
      lcrt[K_OUT] += w * out * fx[acc->cur.ccy[k]];
    }
    if (cl->nmd) blk(acc, p, O_RUN)[c * BALLAST_LIQ_DEP_COUNT + cl->dep] += w * N;
    blk(acc, p, O_LIAB)[c] += w * N * fx[c];
    nsfr[N_ASF] += w * (n[0] * lp->asf[cl->asf][0] + n[1] * lp->asf[cl->asf][1] + n[2] * lp->asf[cl->asf][2]) * fx[c];
    PetscFunctionReturn(0);
  }

  /* assets */
  if (cl->hqla != BALLAST_HQLA_NONE) {
    double v = acc->cur.settle30 ? mv_stock : mv; /* settling after the window: only its (forward) value */
    lcrc[c * KL + cl->hqla] += w * v;
    lcrt[cl->hqla] += w * v * fx[c];
  }
  /* counterbalancing capacity: free now, or from the day its encumbrance ends (within the horizon) */
  BallastDate enc = acc->cur.alm.encumberedUntil;
  if (cl->cbc >= 0) {
    /* a security bought forward joins the capacity on its settlement day at its value then (its
     * price is a contractual outflow of the stressed ladder on that day) */
    BallastDate from = enc;
    if (acc->cur.fwd && (from == BALLAST_DATE_NONE || from < t->initialExchangeDate)) from = t->initialExchangeDate;
    double      v    = acc->cur.fwd ? mv_stock : mv;
    if (from == BALLAST_DATE_NONE || from <= acc->s.as_of) blk(acc, p, O_CBC)[cl->cbc] += w * v * fx[c];
    else if (from - acc->s.as_of <= acc->H) drel(acc, cl->cbc)[from - acc->s.as_of] += (int64_t)w * cents(v * fx[c]);
  }
  for (int k = 0; k < 2; k++) {
    if (acc->cur.ccy[k] < 0) continue;
    /* contracts in the HQLA stock generate no inflows; asset-side payments (disbursements) are
     * other contractual outflows */
    double in  = cl->hqla == BALLAST_HQLA_NONE ? acc->cur.in30[k] * lp->inflow_rate[cl->in] : 0.0;
    double out = (acc->cur.out30_princ[k] + acc->cur.out30_int[k]) * lp->outflow_rate_other;
    lcrc[acc->cur.ccy[k] * KL + K_IN] += w * in;
    lcrc[acc->cur.ccy[k] * KL + K_OUT] += w * out;
    lcrt[K_IN] += w * in * fx[acc->cur.ccy[k]];
    lcrt[K_OUT] += w * out * fx[acc->cur.ccy[k]];
  }
  /* committed facilities granted: LCR drawdown within the horizon, stressed drawdown curves, NSFR */
  if (cl->fac >= 0) {
    double u = acc->cur.alm.undrawnCommitment, o = u * lp->drawdown_rate[cl->fac];
    lcrc[c * KL + K_OUT] += w * o;
    lcrt[K_OUT] += w * o * fx[c];
    blk(acc, p, O_UND)[c * BALLAST_LIQ_FAC_COUNT + cl->fac] += w * u;
    nsfr[N_RSF] += w * u * lp->rsf_undrawn * fx[c];
  }
  /* NSFR required stable funding; encumbrance: < 6M as unencumbered, 6-12M at least the
   * 6-12M factor, >= 1Y the >= 1Y factor (BCBS 295) */
  double f[3];
  for (int j = 0; j < 3; j++) {
    f[j] = lp->rsf[cl->rsf][j];
    if (enc != BALLAST_DATE_NONE && enc > acc->s.as_of) {
      if (enc >= acc->cur.one) f[j] = lp->rsf_encumbered_1y;
      else if (enc >= acc->cur.six) f[j] = PetscMax(f[j], lp->rsf_encumbered_6m_1y);
    }
  }
  nsfr[N_RSF] += w * (n[0] * f[0] + n[1] * f[1] + n[2] * f[2]) * fx[c];
  PetscFunctionReturn(0);
}

/* The consumer (projection.h): the base scenario only, every contract (equity too), both
 * streams told apart by their label (docs/liquidity.md, "Which stream each quantity takes"):
 *   - the contractual stream feeds the contractual ladder, the LCR's 30-day flows and the NSFR's
 *     residual maturities whatever behaviour the run applies, and the stressed ladder except for
 *     a liability whose early redemption (or prepayment) filter makes its behavioural outflows;
 *   - the behavioural stream feeds the stressed ladder for those liabilities only: deposits
 *     (slotting) and cash are run off by the liquidity scenarios from their balances, and a
 *     prepayment inflow is not counted on in a stress;
 * the driver's base PV as the market value of securities. */
static unsigned liq_subscribe(void *ctx, PetscInt v)
{
  (void)ctx;
  return v == 0 ? BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS | BALLAST_TAKE_CONTRACTUAL | BALLAST_TAKE_UNPROJECTED : 0;
}

static PetscErrorCode liq_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastLiquidity *acc = (BallastLiquidity *)ctx;
  (void)var;
  PetscFunctionBeginUser;
  PetscCall(contract_begin(acc, &pc->t, pc->alm, pc->id, pc->p, pc->c, pc->action, pc->weight));
  acc->cur.stress_behavioural = acc->cur.cl.side == BALLAST_LIQ_LIABILITY && (pc->behavioural == BALLAST_FILTER_EARLY_REDEMPTION || pc->behavioural == BALLAST_FILTER_PREPAYMENT);
  PetscFunctionReturn(0);
}

static void liq_event(void *ctx, const BallastEvent *ev, int label)
{
  BallastLiquidity *acc = (BallastLiquidity *)ctx;
  /* the driver's events carry their day (BallastEvent.day): no date arithmetic here */
  if (BALLAST_LABEL_STREAM(label) == BALLAST_STREAM_CONTRACTUAL) sink(acc, ev, ev->day, VIEW_CONTRACTUAL | (acc->cur.stress_behavioural ? 0 : VIEW_STRESSED));
  else if (acc->cur.stress_behavioural) sink(acc, ev, ev->day, VIEW_STRESSED);
}

static PetscErrorCode liq_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  BallastLiquidity *acc = (BallastLiquidity *)ctx;
  if (acc->cur.fwd && pc->kdisc >= 0) acc->cur.df_settle = BallastDFTableGet(var->df, pc->kdisc, pc->t.initialExchangeDate);
  return BallastLiquidityContractEnd(acc, var->pv);
}

static PetscErrorCode liq_merge(void *ctx, MPI_Comm comm) { return BallastLiquidityReduce(comm, (BallastLiquidity *)ctx); }

/* Checkpoint: portfolio p's blocks of acc [nact][nport][nw]; the totals are the daily profiles
 * [nact][...] (int64 cents summed over every portfolio: exact in any order). */
static PetscErrorCode liq_pack(void *ctx, PetscInt p, void *buf, size_t *size)
{
  BallastLiquidity *acc = (BallastLiquidity *)ctx;
  PetscInt          NA = acc->nact, nd = nday_total(acc);
  PetscFunctionBeginUser;
  *size = p < 0 ? sizeof(int64_t) * (size_t)(NA * nd) : sizeof(double) * (size_t)(NA * acc->nw);
  if (!buf) PetscFunctionReturn(0);
  if (p < 0) {
    memcpy(buf, acc->day, *size);
    PetscFunctionReturn(0);
  }
  unsigned char *cur = (unsigned char *)buf;
  BallastPackDoubles(&cur, acc->acc + p * acc->nw, NA, acc->s.nport * acc->nw, acc->nw);
  PetscFunctionReturn(0);
}

static PetscErrorCode liq_unpack(void *ctx, PetscInt p, const void *buf, size_t size)
{
  BallastLiquidity *acc = (BallastLiquidity *)ctx;
  size_t            want;
  PetscFunctionBeginUser;
  PetscCall(liq_pack(ctx, p, NULL, &want));
  PetscCheck(size == want, PETSC_COMM_SELF, BALLAST_ERR_IO, "liquidity: %zu bytes for portfolio %" PetscInt_FMT ", expected %zu", size, p, want);
  if (p < 0) {
    const unsigned char *cur = (const unsigned char *)buf;
    for (PetscInt k = 0; k < acc->nact * nday_total(acc); k++) {
      int64_t x;
      memcpy(&x, cur + k * sizeof x, sizeof x);
      acc->day[k] += x;
    }
    PetscFunctionReturn(0);
  }
  const unsigned char *cur = (const unsigned char *)buf;
  BallastUnpackDoubles(&cur, acc->acc + p * acc->nw, acc->nact, acc->s.nport * acc->nw, acc->nw);
  PetscFunctionReturn(0);
}

void BallastLiquidityConsumer(BallastLiquidity *acc, BallastConsumer *c)
{
  *c        = (BallastConsumer){.name = "liquidity", .ctx = acc, .subscribe = liq_subscribe, .begin = liq_begin, .event = liq_event, .end = liq_end, .merge = liq_merge};
  c->pack   = liq_pack;
  c->unpack = liq_unpack;
}

/* ---------------------------------------------------------------------------------------------
 * Reduction and metrics */

/* HQLA after haircuts and the Level 2 caps (BCBS 238 Annex 1): Adj15 and Adj40 with the ratios
 * derived from the maximum shares (15/85, 15/60, 2/3 for 15 % and 40 %). mv by level (>= 0). */
static double hqla_capped(const BallastLiquidityParams *lp, const double *mv)
{
  double L1  = mv[BALLAST_HQLA_1] * (1 - lp->haircut[BALLAST_HQLA_1]);
  double L2A = mv[BALLAST_HQLA_2A] * (1 - lp->haircut[BALLAST_HQLA_2A]);
  double L2B = mv[BALLAST_HQLA_2B_RMBS] * (1 - lp->haircut[BALLAST_HQLA_2B_RMBS]) + mv[BALLAST_HQLA_2B] * (1 - lp->haircut[BALLAST_HQLA_2B]);
  double s2 = lp->level2_max_share, s2b = lp->level2b_max_share;
  double adj15 = PetscMax(PetscMax(L2B - s2b / (1 - s2b) * (L1 + L2A), L2B - s2b / (1 - s2) * L1), 0.0);
  double adj40 = PetscMax(L2A + L2B - adj15 - s2 / (1 - s2) * L1, 0.0);
  return L1 + L2A + L2B - adj15 - adj40;
}

/* hqla / (out - min(in, cap out)); +inf with no net outflows and a positive stock, NaN for 0/0 */
static double ratio(double num, double den) { return den > 0 ? num / den : num > 0 ? INFINITY : NAN; }

static void lcr_of(const BallastLiquidityParams *lp, const double *v, double *hqla, double *out, double *in, double *lcr)
{
  *hqla = hqla_capped(lp, v);
  *out  = v[K_OUT];
  *in   = v[K_IN];
  *lcr  = ratio(*hqla, *out - PetscMin(*in, lp->inflow_cap * *out));
}

static void compute(BallastLiquidity *acc, const double *T, const int64_t *D, BallastLiquidityMetrics *m)
{
  const BallastLiquidityParams *lp = acc->lp;
  PetscInt                      C = acc->s.nccy, B = acc->nb, L = lp->nscen, H = acc->H;
  const double                 *fx = acc->s.fx;
  const double *cin = T + acc->off[O_CIN], *cout = T + acc->off[O_COUT], *sout = T + acc->off[O_SOUT], *sin = T + acc->off[O_SIN];
  const double *run = T + acc->off[O_RUN], *und = T + acc->off[O_UND], *lcrc = T + acc->off[O_LCRC], *liab = T + acc->off[O_LIAB];
  const double *lcrt = T + acc->off[O_LCRT], *nsfr = T + acc->off[O_NSFR], *cbc = T + acc->off[O_CBC];

  /* contractual ladder */
  for (PetscInt c = 0; c < C; c++) {
    double g = 0;
    for (PetscInt b = 0; b < B; b++) {
      m->inflow[c * B + b]  = cin[c * B + b];
      m->outflow[c * B + b] = cout[c * B + b];
      g += cin[c * B + b] - cout[c * B + b];
      m->gap_cum[c * B + b] = g;
    }
  }
  /* stressed ladders: run-off and drawdown increments per bucket from the cumulative curves */
  for (PetscInt l = 0; l < L; l++) {
    const BallastLiqScenario *sc = &lp->scen[l];
    for (PetscInt c = 0; c < C; c++) {
      double g = 0;
      for (PetscInt b = 0; b < B; b++) {
        double e0 = b == 0 ? 0.0 : (double)lp->bucket_end[b - 1], e1 = b < lp->nbucket ? (double)lp->bucket_end[b] : INFINITY;
        double o = sout[c * B + b], in = 0.0;
        for (int k = 0; k < BALLAST_LIQ_DEP_COUNT; k++) o += run[c * BALLAST_LIQ_DEP_COUNT + k] * (BallastLiqCurveEval(&sc->runoff[k], e1) - BallastLiqCurveEval(&sc->runoff[k], e0));
        for (int k = 0; k < BALLAST_LIQ_FAC_COUNT; k++) o += und[c * BALLAST_LIQ_FAC_COUNT + k] * (BallastLiqCurveEval(&sc->drawdown[k], e1) - BallastLiqCurveEval(&sc->drawdown[k], e0));
        for (int k = 0; k < BALLAST_LIQ_IN_COUNT; k++) in += sc->inflow_rate[k] * sin[(c * BALLAST_LIQ_IN_COUNT + k) * B + b];
        PetscInt ix        = (l * C + c) * B + b;
        m->s_outflow[ix] = o;
        m->s_inflow[ix]  = in;
        g += in - o;
        m->s_gap_cum[ix] = g;
      }
    }
  }
  /* counterbalancing capacity and survival horizon (reporting currency) */
  double runR[BALLAST_LIQ_DEP_COUNT] = {0}, undR[BALLAST_LIQ_FAC_COUNT] = {0};
  for (PetscInt c = 0; c < C; c++) {
    for (int k = 0; k < BALLAST_LIQ_DEP_COUNT; k++) runR[k] += run[c * BALLAST_LIQ_DEP_COUNT + k] * fx[c];
    for (int k = 0; k < BALLAST_LIQ_FAC_COUNT; k++) undR[k] += und[c * BALLAST_LIQ_FAC_COUNT + k] * fx[c];
  }
  for (PetscInt l = 0; l < L; l++) {
    const BallastLiqScenario *sc = &lp->scen[l];
    double                    w[BALLAST_LIQ_NLEVEL], stock[BALLAST_LIQ_NLEVEL], cap = 0, net = 0;
    for (int v = 0; v < BALLAST_LIQ_NLEVEL; v++) {
      w[v]     = PetscMax(0.0, 1.0 - lp->haircut[v] - sc->haircut_add[v]);
      stock[v] = cbc[v];
      cap += w[v] * stock[v];
    }
    m->cbc[l]           = cap;
    m->survival_days[l] = (double)H;
    for (PetscInt d = 1; d <= H; d++) {
      net += (double)D[d] / 100.0; /* contractual outflows */
      for (int k = 0; k < BALLAST_LIQ_IN_COUNT; k++) net -= sc->inflow_rate[k] * (double)D[(1 + k) * (H + 1) + d] / 100.0;
      for (int k = 0; k < BALLAST_LIQ_DEP_COUNT; k++)
        if (runR[k] != 0) net += runR[k] * (BallastLiqCurveEval(&sc->runoff[k], (double)d) - BallastLiqCurveEval(&sc->runoff[k], (double)(d - 1)));
      for (int k = 0; k < BALLAST_LIQ_FAC_COUNT; k++)
        if (undR[k] != 0) net += undR[k] * (BallastLiqCurveEval(&sc->drawdown[k], (double)d) - BallastLiqCurveEval(&sc->drawdown[k], (double)(d - 1)));
      cap = 0;
      for (int v = 0; v < BALLAST_LIQ_NLEVEL; v++) {
        stock[v] += (double)D[(1 + BALLAST_LIQ_IN_COUNT + v) * (H + 1) + d] / 100.0;
        cap += w[v] * stock[v];
      }
      if (net > cap) {
        m->survival_days[l] = (double)d;
        break;
      }
    }
  }
  /* LCR: the bank and each currency */
  for (int v = 0; v < BALLAST_LIQ_NLEVEL; v++) m->hqla_level[v] = lcrt[v];
  lcr_of(lp, lcrt, &m->hqla, &m->lcr_outflows, &m->lcr_inflows, &m->lcr);
  double liab_tot = 0;
  for (PetscInt c = 0; c < C; c++) liab_tot += liab[c];
  for (PetscInt c = 0; c < C; c++) {
    lcr_of(lp, &lcrc[c * KL], &m->hqla_c[c], &m->out_c[c], &m->in_c[c], &m->lcr_c[c]);
    m->significant[c] = (liab_tot > 0 && liab[c] >= lp->significant_currency_share * liab_tot) ? 1.0 : 0.0;
  }
  /* NSFR: capital at its ASF factor; derivatives net (assets) and the add-on on liabilities */
  m->asf  = nsfr[N_ASF] + (acc->s.tier1 + acc->s.tier2) * lp->asf_capital;
  m->rsf  = nsfr[N_RSF] + PetscMax(nsfr[N_DNET], 0.0) * lp->rsf_derivative_assets + nsfr[N_DNEG] * lp->rsf_derivative_liabilities;
  m->nsfr = ratio(m->asf, m->rsf);
}

PetscErrorCode BallastLiquidityReduce(MPI_Comm comm, BallastLiquidity *acc)
{
  PetscMPIInt rank;
  PetscInt    P = acc->s.nport, nw = acc->nw, nd = nday_total(acc), C = acc->s.nccy, B = acc->nb, L = acc->lp->nscen, NA = acc->nact;
  double     *all = NULL, *T;
  int64_t    *D   = NULL;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  /* management actions: slot 0 (the balance sheet) into every action's slot, on each rank before
   * the merge (owner-only partials; the daily profiles are integers: exact) */
  for (PetscInt a = 1; a < NA; a++) {
    for (PetscInt k = 0; k < P * nw; k++) acc->acc[a * P * nw + k] += acc->acc[k];
    for (PetscInt k = 0; k < nd; k++) acc->day[a * nd + k] += acc->day[k];
  }
  if (rank == 0) PetscCall(PetscMalloc1(NA * P * nw + 1, &all));
  if (rank == 0) PetscCall(PetscMalloc1(NA * nd, &D));
  /* only a portfolio's owner holds non-zero values: the sums are exact */
  PetscCallMPI(MPI_Reduce(acc->acc, all, (PetscMPIInt)(NA * P * nw), MPI_DOUBLE, MPI_SUM, 0, comm));
  PetscCallMPI(MPI_Reduce(acc->day, D, (PetscMPIInt)(NA * nd), MPI_INT64_T, MPI_SUM, 0, comm));
  PetscCall(PetscCalloc1(nw, &T));
  for (PetscInt a = 0; a < NA; a++) {
    BallastLiquidityMetrics *m = BallastLiquidityGetMetrics(acc, a);
    if (rank == 0) {
      for (PetscInt k = 0; k < nw; k++) T[k] = 0.0;
      for (PetscInt p = 0; p < P; p++) /* portfolio order */
        for (PetscInt k = 0; k < nw; k++) T[k] += all[(a * P + p) * nw + k];
      compute(acc, T, D + a * nd, m);
    }
    /* every rank holds the results */
    PetscCallMPI(MPI_Bcast(m->inflow, (PetscMPIInt)(C * B), MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->outflow, (PetscMPIInt)(C * B), MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->gap_cum, (PetscMPIInt)(C * B), MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->s_inflow, (PetscMPIInt)(L * C * B), MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->s_outflow, (PetscMPIInt)(L * C * B), MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->s_gap_cum, (PetscMPIInt)(L * C * B), MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->cbc, (PetscMPIInt)L, MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->survival_days, (PetscMPIInt)L, MPI_DOUBLE, 0, comm));
    double sc[10 + BALLAST_LIQ_NLEVEL] = {m->lcr, m->hqla, m->lcr_outflows, m->lcr_inflows, m->nsfr, m->asf, m->rsf};
    for (int v = 0; v < BALLAST_LIQ_NLEVEL; v++) sc[10 + v] = m->hqla_level[v];
    PetscCallMPI(MPI_Bcast(sc, 10 + BALLAST_LIQ_NLEVEL, MPI_DOUBLE, 0, comm));
    m->lcr = sc[0], m->hqla = sc[1], m->lcr_outflows = sc[2], m->lcr_inflows = sc[3], m->nsfr = sc[4], m->asf = sc[5], m->rsf = sc[6];
    for (int v = 0; v < BALLAST_LIQ_NLEVEL; v++) m->hqla_level[v] = sc[10 + v];
    PetscCallMPI(MPI_Bcast(m->lcr_c, (PetscMPIInt)C, MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->hqla_c, (PetscMPIInt)C, MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->out_c, (PetscMPIInt)C, MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->in_c, (PetscMPIInt)C, MPI_DOUBLE, 0, comm));
    PetscCallMPI(MPI_Bcast(m->significant, (PetscMPIInt)C, MPI_DOUBLE, 0, comm));
  }
  PetscCall(PetscFree(T));
  PetscCall(PetscFree(all));
  PetscCall(PetscFree(D));
  acc->reduced = 1;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastLiquidityAddResults(BallastLiquidity *acc, BallastResults res)
{
  const BallastLiquidityParams *lp = acc->lp;
  BallastLiquidityMetrics       m;
  PetscInt                      B = acc->nb, L = lp->nscen, C = acc->s.nccy, NA = acc->nact;
  double                       *ends;
  const char                  **names;
  PetscBool                     has;
  PetscFunctionBeginUser;
  PetscCheck(acc->reduced, PETSC_COMM_SELF, PETSC_ERR_ORDER, "BallastLiquidityAddResults before BallastLiquidityReduce");
  PetscCall(PetscMalloc1(B, &ends));
  for (PetscInt b = 0; b < lp->nbucket; b++) ends[b] = (double)lp->bucket_end[b];
  ends[lp->nbucket] = INFINITY; /* "beyond" */
  PetscCall(BallastResultsAddDimValues(res, "ladder_bucket", "ladder_bucket_end_day", B, ends, "last day of the ladder bucket after the as-of date (inclusive; Infinity = beyond)", "days"));
  PetscCall(PetscFree(ends));
  PetscCall(PetscMalloc1(L + 1, &names));
  for (PetscInt l = 0; l < L; l++) names[l] = lp->scen[l].name;
  PetscCall(BallastResultsAddDimLabels(res, "liquidity_scenario", "liquidity_scenario_name", L, names, "liquidity stress scenario"));
  PetscCall(PetscFree(names));
  PetscCall(BallastResultsHasDim(res, "action", &has));
  if (!has) {
    const char *none = "none";
    PetscCall(BallastResultsAddDimLabels(res, "action", "action_name", NA, NA > 1 ? (const char **)acc->s.action_names : &none, "management action (index 0 = no action)"));
  }
  /* every action's metrics side by side, action slowest; ladders and survival carry the action
   * dimension only when actions are configured (interfaces.md) */
  PetscCall(PetscMemzero(&m, sizeof m));
  PetscCall(PetscMalloc3(NA * C * B, &m.inflow, NA * C * B, &m.outflow, NA * C * B, &m.gap_cum));
  PetscCall(PetscMalloc3(NA * L * C * B, &m.s_inflow, NA * L * C * B, &m.s_outflow, NA * L * C * B, &m.s_gap_cum));
  PetscCall(PetscMalloc2(NA * L, &m.cbc, NA * L, &m.survival_days));
  PetscCall(PetscMalloc5(NA * C, &m.lcr_c, NA * C, &m.hqla_c, NA * C, &m.out_c, NA * C, &m.in_c, NA * C, &m.significant));
  double *lcr, *hqla, *lout, *lin, *nsfr, *asf, *rsf;
  PetscCall(PetscMalloc7(NA, &lcr, NA, &hqla, NA, &lout, NA, &lin, NA, &nsfr, NA, &asf, NA, &rsf));
  for (PetscInt a = 0; a < NA; a++) {
    const BallastLiquidityMetrics *x = BallastLiquidityGetMetrics(acc, a);
    PetscCall(PetscArraycpy(m.inflow + a * C * B, x->inflow, C * B));
    PetscCall(PetscArraycpy(m.outflow + a * C * B, x->outflow, C * B));
    PetscCall(PetscArraycpy(m.gap_cum + a * C * B, x->gap_cum, C * B));
    PetscCall(PetscArraycpy(m.s_inflow + a * L * C * B, x->s_inflow, L * C * B));
    PetscCall(PetscArraycpy(m.s_outflow + a * L * C * B, x->s_outflow, L * C * B));
    PetscCall(PetscArraycpy(m.s_gap_cum + a * L * C * B, x->s_gap_cum, L * C * B));
    PetscCall(PetscArraycpy(m.cbc + a * L, x->cbc, L));
    PetscCall(PetscArraycpy(m.survival_days + a * L, x->survival_days, L));
    PetscCall(PetscArraycpy(m.lcr_c + a * C, x->lcr_c, C));
    PetscCall(PetscArraycpy(m.hqla_c + a * C, x->hqla_c, C));
    PetscCall(PetscArraycpy(m.out_c + a * C, x->out_c, C));
    PetscCall(PetscArraycpy(m.in_c + a * C, x->in_c, C));
    lcr[a] = x->lcr, hqla[a] = x->hqla, lout[a] = x->lcr_outflows, lin[a] = x->lcr_inflows, nsfr[a] = x->nsfr, asf[a] = x->asf, rsf[a] = x->rsf;
  }
  PetscCall(PetscArraycpy(m.significant, acc->m.significant, C));
  int         xa    = NA > 1; /* leading action dimension */
  const char *cb0[] = {"action", "currency", "ladder_bucket"}, *lcb0[] = {"action", "liquidity_scenario", "currency", "ladder_bucket"}, *l10[] = {"action", "liquidity_scenario"};
  const char **cb = cb0 + !xa, **lcb = lcb0 + !xa, **l1 = l10 + !xa;
  PetscInt    ncb = 2 + xa, nlcb = 3 + xa, nl1 = 1 + xa;
  const char *a1[]  = {"action"};
  const char *ac[]  = {"action", "currency"};
  const char *c1[]  = {"currency"};
  const char *ccy   = "currency of the currency dimension (currency_code)";
  char        rep[64];
  PetscCall(PetscSNPrintf(rep, sizeof rep, "%s", acc->s.reporting_currency ? acc->s.reporting_currency : "reporting currency"));
  PetscCall(BallastResultsAddVar(res, "liquidity_inflow", ncb, cb, m.inflow, "contractual cash inflows (principal and interest) in the ladder bucket, positive", ccy));
  PetscCall(BallastResultsAddVar(res, "liquidity_outflow", ncb, cb, m.outflow, "contractual cash outflows (principal and interest) in the ladder bucket, positive", ccy));
  PetscCall(BallastResultsAddVar(res, "liquidity_gap_cumulative", ncb, cb, m.gap_cum, "cumulative contractual gap: inflows minus outflows to the bucket's end", ccy));
  PetscCall(BallastResultsAddVar(res, "liquidity_stressed_inflow", nlcb, lcb, m.s_inflow, "stressed cash inflows in the ladder bucket (behavioural ladder), positive", ccy));
  PetscCall(BallastResultsAddVar(res, "liquidity_stressed_outflow", nlcb, lcb, m.s_outflow, "stressed cash outflows in the ladder bucket: deposit run-off, facility drawdowns, contractual outflows, positive", ccy));
  PetscCall(BallastResultsAddVar(res, "liquidity_stressed_gap_cumulative", nlcb, lcb, m.s_gap_cum, "cumulative stressed gap: inflows minus outflows to the bucket's end", ccy));
  PetscCall(BallastResultsAddVar(res, "counterbalancing_capacity", nl1, l1, m.cbc, "counterbalancing capacity at the as-of date: unencumbered HQLA and cash at market value after the scenario's haircuts", rep));
  PetscCall(BallastResultsAddVar(res, "survival_days", nl1, l1, m.survival_days, "first day on which the cumulative stressed net outflow exceeds the counterbalancing capacity (the ladder's horizon if never)", "days"));
  PetscCall(BallastResultsAddVar(res, "lcr", 1, a1, lcr, "liquidity coverage ratio: HQLA / (outflows - min(inflows, cap * outflows))", "1"));
  PetscCall(BallastResultsAddVar(res, "hqla", 1, a1, hqla, "stock of high-quality liquid assets after haircuts and Level 2 caps", rep));
  PetscCall(BallastResultsAddVar(res, "lcr_outflows", 1, a1, lout, "LCR cash outflows over the horizon after run-off and drawdown rates", rep));
  PetscCall(BallastResultsAddVar(res, "lcr_inflows", 1, a1, lin, "LCR cash inflows over the horizon after inflow rates, before the cap", rep));
  PetscCall(BallastResultsAddVar(res, "nsfr", 1, a1, nsfr, "net stable funding ratio: ASF / RSF", "1"));
  PetscCall(BallastResultsAddVar(res, "asf", 1, a1, asf, "available stable funding (regulatory capital included)", rep));
  PetscCall(BallastResultsAddVar(res, "rsf", 1, a1, rsf, "required stable funding", rep));
  PetscCall(BallastResultsAddVar(res, "lcr_by_currency", 2, ac, m.lcr_c, "liquidity coverage ratio in the currency", "1"));
  PetscCall(BallastResultsAddVar(res, "hqla_by_currency", 2, ac, m.hqla_c, "HQLA in the currency after haircuts and Level 2 caps", ccy));
  PetscCall(BallastResultsAddVar(res, "lcr_outflows_by_currency", 2, ac, m.out_c, "LCR cash outflows in the currency", ccy));
  PetscCall(BallastResultsAddVar(res, "lcr_inflows_by_currency", 2, ac, m.in_c, "LCR cash inflows in the currency, before the cap", ccy));
  PetscCall(BallastResultsAddVar(res, "lcr_significant_currency", 1, c1, m.significant, "1 if liabilities in the currency reach the regime's significance share of all liabilities", "1"));
  PetscCall(PetscFree3(m.inflow, m.outflow, m.gap_cum));
  PetscCall(PetscFree3(m.s_inflow, m.s_outflow, m.s_gap_cum));
  PetscCall(PetscFree2(m.cbc, m.survival_days));
  PetscCall(PetscFree5(m.lcr_c, m.hqla_c, m.out_c, m.in_c, m.significant));
  PetscCall(PetscFree7(lcr, hqla, lout, lin, nsfr, asf, rsf));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastLiquiditySummary(MPI_Comm comm, BallastLiquidity *acc)
{
  BallastLiquidityMetrics *m = &acc->m;
  PetscFunctionBeginUser;
  PetscCheck(acc->reduced, comm, PETSC_ERR_ORDER, "BallastLiquiditySummary before BallastLiquidityReduce");
  PetscCall(PetscPrintf(comm, "liquidity: LCR %.1f %% (HQLA %.6g, outflows %.6g, inflows %.6g), NSFR %.1f %% (ASF %.6g, RSF %.6g)\n", 100 * m->lcr, m->hqla, m->lcr_outflows,
                        m->lcr_inflows, 100 * m->nsfr, m->asf, m->rsf));
  for (PetscInt c = 0; c < acc->s.nccy; c++)
    if (m->significant[c] > 0) {
      char id[32];
      PetscCall(PetscSNPrintf(id, sizeof id, "id %" PetscInt_FMT, c));
      PetscCall(PetscPrintf(comm, "liquidity: LCR in significant currency %s: %.1f %%\n", acc->s.currency_codes ? acc->s.currency_codes[c] : id, 100 * m->lcr_c[c]));
    }
  for (PetscInt l = 0; l < acc->lp->nscen; l++)
    PetscCall(PetscPrintf(comm, "liquidity: scenario %-16s counterbalancing capacity %.6g, survival %s%.0f days\n", acc->lp->scen[l].name, m->cbc[l],
                          m->survival_days[l] >= (double)acc->H ? ">= " : "", m->survival_days[l]));
  PetscFunctionReturn(0);
}
