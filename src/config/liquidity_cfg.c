/* Regime sections lcr, nsfr and liquidity (config/regimes/README.md, "Liquidity sections") ->
 * BallastLiquidityParams. The only place that reads them: every key is checked (unknown keys,
 * wrong types, missing keys, values out of range are BALLAST_ERR_USAGE "file:line: ..."), with
 * each setting's type checked before it is read (libconfig 1.5 lookups fail silently on a type
 * mismatch). BallastRegimeLoad parses them at load time into plain data (BallastRegime.liquidity);
 * BallastLiquidityParamsLoad hands out a copy. */
#include <ballast/liquidity.h>
#include "cfg_util.h"
#include "regime_sections.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  MPI_Comm    comm;
  const char *file;
} Ctx;





static int is_number(int t) { return t == CONFIG_TYPE_FLOAT || t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64; }

static double number_of(const config_setting_t *s)
{
  return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)config_setting_get_int64(s);
}

/* Required member of `type` (CONFIG_TYPE_FLOAT accepts integers; CONFIG_TYPE_ARRAY accepts lists). */
static PetscErrorCode member(Ctx *x, config_setting_t *grp, const char *key, int type, config_setting_t **s)
{
  PetscFunctionBeginUser;
  *s = config_setting_get_member(grp, key);
  PetscCheck(*s, x->comm, BALLAST_ERR_USAGE, "%s:%d: missing required key '%s' in %s", x->file, BallastCfgLine(grp) ? BallastCfgLine(grp) : 1, key, BallastCfgPath(grp));
  int t  = config_setting_type(*s);
  int ok = t == type || (type == CONFIG_TYPE_FLOAT && is_number(t)) || (type == CONFIG_TYPE_ARRAY && t == CONFIG_TYPE_LIST) ||
           (type == CONFIG_TYPE_INT && (t == CONFIG_TYPE_INT64));
  PetscCheck(ok, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.%s must be %s, not %s", x->file, BallastCfgLine(*s), BallastCfgPath(grp), key, BallastCfgTypeName(type), BallastCfgTypeName(t));
  PetscFunctionReturn(0);
}

/* A number in [lo, hi]. */
static PetscErrorCode get_range(Ctx *x, config_setting_t *grp, const char *key, double lo, double hi, double *v)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(x, grp, key, CONFIG_TYPE_FLOAT, &s));
  *v = number_of(s);
  PetscCheck(isfinite(*v) && *v >= lo && *v <= hi, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.%s must be in [%g, %g], got %g", x->file, BallastCfgLine(s), BallastCfgPath(grp), key, lo, hi, *v);
  PetscFunctionReturn(0);
}

static PetscErrorCode get_int(Ctx *x, config_setting_t *grp, const char *key, long lo, long hi, long *v)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(x, grp, key, CONFIG_TYPE_INT, &s));
  long long w = config_setting_get_int64(s);
  PetscCheck(w >= lo && w <= hi, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.%s must be an integer in [%ld, %ld], got %lld", x->file, BallastCfgLine(s), BallastCfgPath(grp), key, lo, hi, w);
  *v = (long)w;
  PetscFunctionReturn(0);
}

/* An array of exactly n numbers in [lo, hi] (n < 0: any length >= 1, returned in *len). */
static PetscErrorCode get_numbers(Ctx *x, config_setting_t *grp, const char *key, int n, double lo, double hi, double *v, int *len, config_setting_t **sout)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(x, grp, key, CONFIG_TYPE_ARRAY, &s));
  int m = config_setting_length(s);
  if (n >= 0) PetscCheck(m == n, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.%s must hold %d numbers, not %d", x->file, BallastCfgLine(s), BallastCfgPath(grp), key, n, m);
  else PetscCheck(m >= 1, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.%s must not be empty", x->file, BallastCfgLine(s), BallastCfgPath(grp), key);
  for (int i = 0; i < m; i++) {
    config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    PetscCheck(is_number(config_setting_type(e)), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.%s must hold numbers, element %d is %s", x->file, BallastCfgLine(s), BallastCfgPath(grp), key, i + 1,
               BallastCfgTypeName(config_setting_type(e)));
    double w = number_of(e);
    PetscCheck(isfinite(w) && w >= lo && w <= hi, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.%s element %d must be in [%g, %g], got %g", x->file, BallastCfgLine(s), BallastCfgPath(grp), key, i + 1, lo,
               hi, w);
    if (v) v[i] = w;
  }
  if (len) *len = m;
  if (sout) *sout = s;
  PetscFunctionReturn(0);
}

/* A group holding exactly the keys names[0..n-1] (all required), each a number in [0, 1]. */
static PetscErrorCode get_rates(Ctx *x, config_setting_t *parent, const char *key, int n, const char *(*name)(int), const char *const *extra, int nextra, double *v,
                                config_setting_t **gout)
{
  config_setting_t *g;
  const char       *allowed[32];
  PetscFunctionBeginUser;
  PetscCall(member(x, parent, key, CONFIG_TYPE_GROUP, &g));
  for (int k = 0; k < n; k++) allowed[k] = name(k);
  for (int k = 0; k < nextra; k++) allowed[n + k] = extra[k];
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, g, allowed, n + nextra, NULL, NULL));
  for (int k = 0; k < n; k++) PetscCall(get_range(x, g, name(k), 0.0, 1.0, &v[k]));
  if (gout) *gout = g;
  PetscFunctionReturn(0);
}

static const char *level_key(int l)
{
  static const char *k[BALLAST_LIQ_NLEVEL] = {"cash", "level1", "level2a", "level2b_rmbs", "level2b"};
  return l >= 0 && l < BALLAST_LIQ_NLEVEL ? k[l] : NULL;
}

/* A cumulative curve { days = [...]; cumulative = [...]; }. */
static PetscErrorCode get_curve(Ctx *x, config_setting_t *parent, const char *key, BallastLiqCurve *c)
{
  static const char *keys[] = {"days", "cumulative"};
  config_setting_t  *g, *sd, *sc;
  int                nd, nc;
  PetscFunctionBeginUser;
  PetscCall(member(x, parent, key, CONFIG_TYPE_GROUP, &g));
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, g, keys, 2, NULL, NULL));
  PetscCall(get_numbers(x, g, "days", -1, 1.0, 1e6, NULL, &nd, &sd));
  PetscCall(get_numbers(x, g, "cumulative", -1, 0.0, 1.0, NULL, &nc, &sc));
  PetscCheck(nd == nc, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: days has %d values, cumulative %d; they must pair up", x->file, BallastCfgLine(g), BallastCfgPath(g), nd, nc);
  c->n = nd;
  PetscCall(PetscMalloc2(nd, &c->day, nd, &c->cum));
  PetscCall(get_numbers(x, g, "days", nd, 1.0, 1e6, c->day, NULL, NULL));
  PetscCall(get_numbers(x, g, "cumulative", nd, 0.0, 1.0, c->cum, NULL, NULL));
  for (int i = 1; i < nd; i++) {
    PetscCheck(c->day[i] > c->day[i - 1], x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.days must be strictly increasing", x->file, BallastCfgLine(sd), BallastCfgPath(g));
    PetscCheck(c->cum[i] >= c->cum[i - 1], x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.cumulative must not decrease (a cumulative share)", x->file, BallastCfgLine(sc), BallastCfgPath(g));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_lcr(Ctx *x, config_setting_t *root, BallastLiquidityParams *lp)
{
  static const char *keys[]     = {"horizon_days", "hqla", "outflow_rates", "inflow_rates", "inflow_cap", "drawdown_rates", "significant_currency_share"};
  static const char *hqla_keys[] = {"haircuts", "level2_max_share", "level2b_max_share"};
  static const char *out_extra[] = {"derivatives", "other_contractual"};
  config_setting_t  *g, *h, *o;
  long               days = 0;
  PetscFunctionBeginUser;
  PetscCall(member(x, root, "lcr", CONFIG_TYPE_GROUP, &g));
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, g, keys, 7, NULL, NULL));
  PetscCall(get_int(x, g, "horizon_days", 1, 366, &days));
  lp->lcr_horizon_days = days;
  PetscCall(member(x, g, "hqla", CONFIG_TYPE_GROUP, &h));
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, h, hqla_keys, 3, NULL, NULL));
  PetscCall(get_rates(x, h, "haircuts", BALLAST_LIQ_NLEVEL, level_key, NULL, 0, lp->haircut, NULL));
  PetscCall(get_range(x, h, "level2_max_share", 0.0, 0.99, &lp->level2_max_share));
  PetscCall(get_range(x, h, "level2b_max_share", 0.0, 0.99, &lp->level2b_max_share));
  PetscCheck(lp->level2b_max_share <= lp->level2_max_share, x->comm, BALLAST_ERR_USAGE, "%s:%d: lcr.hqla.level2b_max_share must not exceed level2_max_share (Level 2B is part of Level 2)",
             x->file, BallastCfgLine(h));
  PetscCall(get_rates(x, g, "outflow_rates", BALLAST_LIQ_DEP_COUNT, BallastLiqDepositName, out_extra, 2, lp->outflow_rate, &o));
  PetscCall(get_range(x, o, "derivatives", 0.0, 1.0, &lp->outflow_rate_derivatives));
  PetscCall(get_range(x, o, "other_contractual", 0.0, 1.0, &lp->outflow_rate_other));
  PetscCall(get_rates(x, g, "inflow_rates", BALLAST_LIQ_IN_COUNT, BallastLiqInflowName, NULL, 0, lp->inflow_rate, NULL));
  PetscCall(get_range(x, g, "inflow_cap", 0.0, 1.0, &lp->inflow_cap));
  PetscCall(get_rates(x, g, "drawdown_rates", BALLAST_LIQ_FAC_COUNT, BallastLiqFacilityName, NULL, 0, lp->drawdown_rate, NULL));
  PetscCall(get_range(x, g, "significant_currency_share", 0.0, 1.0, &lp->significant_currency_share));
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_nsfr(Ctx *x, config_setting_t *root, BallastLiquidityParams *lp)
{
  static const char *keys[]      = {"band_months", "asf", "rsf"};
  static const char *asf_extra[] = {"capital"};
  static const char *rsf_extra[] = {"undrawn_facilities", "derivative_assets", "derivative_liabilities", "encumbered_6m_1y", "encumbered_1y", "loan_risk_weight_threshold"};
  config_setting_t  *g, *a, *r, *s;
  double             bm[2];
  const char        *allowed[32];
  PetscFunctionBeginUser;
  PetscCall(member(x, root, "nsfr", CONFIG_TYPE_GROUP, &g));
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, g, keys, 3, NULL, NULL));
  PetscCall(get_numbers(x, g, "band_months", 2, 1.0, 120.0, bm, NULL, &s));
  PetscCheck(bm[0] == floor(bm[0]) && bm[1] == floor(bm[1]) && bm[1] > bm[0], x->comm, BALLAST_ERR_USAGE, "%s:%d: nsfr.band_months must be two increasing whole numbers of months", x->file,
             BallastCfgLine(s));
  lp->band_months[0] = (int)bm[0];
  lp->band_months[1] = (int)bm[1];

  PetscCall(member(x, g, "asf", CONFIG_TYPE_GROUP, &a));
  for (int k = 0; k < BALLAST_LIQ_ASF_COUNT; k++) allowed[k] = BallastLiqASFName(k);
  allowed[BALLAST_LIQ_ASF_COUNT] = asf_extra[0];
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, a, allowed, BALLAST_LIQ_ASF_COUNT + 1, NULL, NULL));
  for (int k = 0; k < BALLAST_LIQ_ASF_COUNT; k++) PetscCall(get_numbers(x, a, BallastLiqASFName(k), 3, 0.0, 1.0, lp->asf[k], NULL, NULL));
  PetscCall(get_range(x, a, "capital", 0.0, 1.0, &lp->asf_capital));

  PetscCall(member(x, g, "rsf", CONFIG_TYPE_GROUP, &r));
  for (int k = 0; k < BALLAST_LIQ_RSF_COUNT; k++) allowed[k] = BallastLiqRSFName(k);
  for (int k = 0; k < 6; k++) allowed[BALLAST_LIQ_RSF_COUNT + k] = rsf_extra[k];
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, r, allowed, BALLAST_LIQ_RSF_COUNT + 6, NULL, NULL));
  for (int k = 0; k < BALLAST_LIQ_RSF_COUNT; k++) PetscCall(get_numbers(x, r, BallastLiqRSFName(k), 3, 0.0, 1.0, lp->rsf[k], NULL, NULL));
  PetscCall(get_range(x, r, "undrawn_facilities", 0.0, 1.0, &lp->rsf_undrawn));
  PetscCall(get_range(x, r, "derivative_assets", 0.0, 1.0, &lp->rsf_derivative_assets));
  PetscCall(get_range(x, r, "derivative_liabilities", 0.0, 1.0, &lp->rsf_derivative_liabilities));
  PetscCall(get_range(x, r, "encumbered_6m_1y", 0.0, 1.0, &lp->rsf_encumbered_6m_1y));
  PetscCall(get_range(x, r, "encumbered_1y", 0.0, 1.0, &lp->rsf_encumbered_1y));
  PetscCall(get_range(x, r, "loan_risk_weight_threshold", 0.0, 12.5, &lp->loan_risk_weight_threshold));
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_scenario(Ctx *x, config_setting_t *e, BallastLiqScenario *sc)
{
  static const char *keys[] = {"name", "deposit_runoff", "facility_drawdown", "inflow_rates", "haircut_add"};
  config_setting_t  *s, *g;
  const char        *allowed[32];
  PetscFunctionBeginUser;
  PetscCheck(config_setting_type(e) == CONFIG_TYPE_GROUP, x->comm, BALLAST_ERR_USAGE, "%s:%d: liquidity.scenarios element %d must be a group { }, not %s", x->file, BallastCfgLine(e),
             config_setting_index(e) + 1, BallastCfgTypeName(config_setting_type(e)));
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, e, keys, 5, NULL, NULL));
  PetscCall(member(x, e, "name", CONFIG_TYPE_STRING, &s));
  const char *nm = config_setting_get_string(s);
  PetscBool   good = nm[0] ? PETSC_TRUE : PETSC_FALSE;
  for (const char *p = nm; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.')) good = PETSC_FALSE;
  PetscCheck(good, x->comm, BALLAST_ERR_USAGE, "%s:%d: liquidity scenario name '%s' must be non-empty letters, digits, '_', '-', '.'", x->file, BallastCfgLine(s), nm);
  PetscCall(PetscStrallocpy(nm, &sc->name));

  PetscCall(member(x, e, "deposit_runoff", CONFIG_TYPE_GROUP, &g));
  for (int k = 0; k < BALLAST_LIQ_DEP_COUNT; k++) allowed[k] = BallastLiqDepositName(k);
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, g, allowed, BALLAST_LIQ_DEP_COUNT, NULL, NULL));
  for (int k = 0; k < BALLAST_LIQ_DEP_COUNT; k++) PetscCall(get_curve(x, g, BallastLiqDepositName(k), &sc->runoff[k]));

  PetscCall(member(x, e, "facility_drawdown", CONFIG_TYPE_GROUP, &g));
  for (int k = 0; k < BALLAST_LIQ_FAC_COUNT; k++) allowed[k] = BallastLiqFacilityName(k);
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, g, allowed, BALLAST_LIQ_FAC_COUNT, NULL, NULL));
  for (int k = 0; k < BALLAST_LIQ_FAC_COUNT; k++) PetscCall(get_curve(x, g, BallastLiqFacilityName(k), &sc->drawdown[k]));

  PetscCall(get_rates(x, e, "inflow_rates", BALLAST_LIQ_IN_COUNT, BallastLiqInflowName, NULL, 0, sc->inflow_rate, NULL));
  PetscCall(get_rates(x, e, "haircut_add", BALLAST_LIQ_NLEVEL, level_key, NULL, 0, sc->haircut_add, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_liquidity(Ctx *x, config_setting_t *root, BallastLiquidityParams *lp)
{
  static const char *keys[] = {"ladder_bucket_end_days", "scenarios"};
  config_setting_t  *g, *s, *l;
  int                n;
  PetscFunctionBeginUser;
  PetscCall(member(x, root, "liquidity", CONFIG_TYPE_GROUP, &g));
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, g, keys, 2, NULL, NULL));
  PetscCall(get_numbers(x, g, "ladder_bucket_end_days", -1, 1.0, 36600.0, NULL, &n, &s));
  double *v;
  PetscCall(PetscMalloc1(n, &v));
  PetscCall(get_numbers(x, g, "ladder_bucket_end_days", n, 1.0, 36600.0, v, NULL, NULL));
  PetscCall(PetscMalloc1(n, &lp->bucket_end));
  lp->nbucket = n;
  for (int i = 0; i < n; i++) {
    lp->bucket_end[i] = (PetscInt)v[i];
    PetscBool bad = (PetscBool)(v[i] != floor(v[i]) || (i > 0 && v[i] <= v[i - 1]));
    if (bad) PetscCall(PetscFree(v));
    PetscCheck(!bad, x->comm, BALLAST_ERR_USAGE, "%s:%d: liquidity.ladder_bucket_end_days must be whole days, strictly increasing (element %d)", x->file, BallastCfgLine(s), i + 1);
  }
  PetscCall(PetscFree(v));
  PetscCheck(lp->bucket_end[n - 1] >= lp->lcr_horizon_days, x->comm, BALLAST_ERR_USAGE, "%s:%d: the ladder (to day %" PetscInt_FMT ") must reach the LCR horizon (%" PetscInt_FMT " days)",
             x->file, BallastCfgLine(s), lp->bucket_end[n - 1], lp->lcr_horizon_days);

  PetscCall(member(x, g, "scenarios", CONFIG_TYPE_LIST, &l));
  int ns = config_setting_length(l);
  PetscCheck(ns >= 1, x->comm, BALLAST_ERR_USAGE, "%s:%d: liquidity.scenarios must define at least one stress scenario", x->file, BallastCfgLine(l));
  PetscCall(PetscCalloc1(ns, &lp->scen));
  for (int i = 0; i < ns; i++) {
    lp->nscen = i + 1; /* what is allocated is freed by Destroy, also after an error */
    config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
    PetscCall(parse_scenario(x, e, &lp->scen[i]));
    for (int j = 0; j < i; j++)
      PetscCheck(strcmp(lp->scen[j].name, lp->scen[i].name), x->comm, BALLAST_ERR_USAGE, "%s:%d: liquidity scenario '%s' defined twice", x->file, BallastCfgLine(e), lp->scen[i].name);
  }
  PetscFunctionReturn(0);
}

/* Called by BallastRegimeLoad on the regime's document (regime_sections.h). */
PetscErrorCode BallastCfgLiquidityParse(MPI_Comm comm, const char *file, config_setting_t *root, BallastLiquidityParams *lp)
{
  Ctx x;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(lp, sizeof(*lp)));
  x.comm = comm;
  x.file = file ? file : "regime";
  PetscCall(PetscStrallocpy(x.file, &lp->path));
  PetscCall(parse_lcr(&x, root, lp));
  PetscCall(parse_nsfr(&x, root, lp));
  PetscCall(parse_liquidity(&x, root, lp));
  PetscFunctionReturn(0);
}

static PetscErrorCode curve_copy(const BallastLiqCurve *a, BallastLiqCurve *b)
{
  PetscFunctionBeginUser;
  b->n = a->n;
  PetscCall(PetscMalloc2(a->n, &b->day, a->n, &b->cum));
  PetscCall(PetscArraycpy(b->day, a->day, a->n));
  PetscCall(PetscArraycpy(b->cum, a->cum, a->n));
  PetscFunctionReturn(0);
}

/* The regime parsed these sections at load time (plain data in r->liquidity); a section that was
 * absent or bad gives now the error it gave then, naming the regime file and line. */
PetscErrorCode BallastLiquidityParamsLoad(MPI_Comm comm, const BallastRegime *r, BallastLiquidityParams *lp)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(lp, sizeof(*lp)));
  PetscCheck(r && (r->liquidity || r->liquidity_status), comm, BALLAST_ERR_USAGE, "liquidity parameters: no regime document loaded");
  PetscCheck(!r->liquidity_status, comm, r->liquidity_status, "%s", r->liquidity_error);
  const BallastLiquidityParams *a = r->liquidity;
  *lp                             = *a;
  lp->path                        = NULL;
  lp->bucket_end                  = NULL;
  lp->scen                        = NULL;
  PetscCall(PetscStrallocpy(a->path, &lp->path));
  PetscCall(PetscMalloc1(a->nbucket, &lp->bucket_end));
  PetscCall(PetscArraycpy(lp->bucket_end, a->bucket_end, a->nbucket));
  PetscCall(PetscCalloc1(a->nscen, &lp->scen));
  for (PetscInt i = 0; i < a->nscen; i++) {
    const BallastLiqScenario *sa = &a->scen[i];
    BallastLiqScenario       *sb = &lp->scen[i];
    *sb                          = *sa;
    PetscCall(PetscStrallocpy(sa->name, &sb->name));
    for (int k = 0; k < BALLAST_LIQ_DEP_COUNT; k++) PetscCall(curve_copy(&sa->runoff[k], &sb->runoff[k]));
    for (int k = 0; k < BALLAST_LIQ_FAC_COUNT; k++) PetscCall(curve_copy(&sa->drawdown[k], &sb->drawdown[k]));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastLiquidityParamsDestroy(BallastLiquidityParams *lp)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(lp->path));
  PetscCall(PetscFree(lp->bucket_end));
  for (PetscInt i = 0; lp->scen && i < lp->nscen; i++) {
    BallastLiqScenario *sc = &lp->scen[i];
    PetscCall(PetscFree(sc->name));
    for (int k = 0; k < BALLAST_LIQ_DEP_COUNT; k++) PetscCall(PetscFree2(sc->runoff[k].day, sc->runoff[k].cum));
    for (int k = 0; k < BALLAST_LIQ_FAC_COUNT; k++) PetscCall(PetscFree2(sc->drawdown[k].day, sc->drawdown[k].cum));
  }
  PetscCall(PetscFree(lp->scen));
  PetscCall(PetscMemzero(lp, sizeof(*lp)));
  PetscFunctionReturn(0);
}
