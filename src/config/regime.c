/* Regime files (config/regimes/README.md): libconfig text -> the plain BallastRegime struct.
 * Every key is checked: unknown keys, wrong types, missing keys and bad values are
 * BALLAST_ERR_USAGE errors "file:line: ..." (libconfig 1.5 lookups fail silently on a type
 * mismatch, so each setting's type is checked before it is read). */
#include <ballast/regime.h>
#include <ballast/scenario.h>
#include "cfg_util.h"
#include "regime_sections.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The six names, NULL-terminated for check_keys (the same order as BallastRegScenario). */
static const char *reg_names[BALLAST_REG_COUNT + 1] = {"parallel_up", "parallel_down", "steepener", "flattener", "short_up", "short_down", NULL};

/* Top-level keys. Sections owned by other modules' regime parameters (deposit caps, LCR/NSFR
 * factors, run-off rates) are listed so that they pass here; their parsers (regime_sections.h)
 * check them at load time. */
static const char *top_keys[]      = {"name", "version", "source", "shocks", "scenarios", "lower_bound", "buckets", "key_tenors", "outlier_tests", "aggregation",
                                      "nmd", "lcr", "nsfr", "liquidity", NULL}; /* no parser reads a regime "behaviour" section: not accepted */
static const char *shocks_keys[]   = {"short_decay_years", "currencies", "default_currency", NULL};
static const char *scen_keys[]     = {"parallel", "short", "long", "prepayment_scalar", "term_deposit_scalar", NULL};
static const char *floor_none[]    = {"type", NULL};
static const char *floor_linear[]  = {"type", "at_zero_bp", "slope_bp_per_year", "max_bp", "below_bound", NULL};
static const char *bucket_keys[]   = {"upper", "midpoint_years", NULL};
static const char *test_keys[]     = {"name", "measure", "scenarios", "threshold_tier1", "gain_weight", NULL};
static const char *agg_keys[]      = {"loss_weight", "gain_weight", NULL};



/* What a group is called in messages: its name, "an entry of <list>" for a list element, or the file. */
static const char *where(const config_setting_t *g)
{
  static char       buf[128];
  const char       *n = g ? config_setting_name(g) : NULL;
  config_setting_t *p = g ? config_setting_parent(g) : NULL;
  if (n) return n;
  if (p && config_setting_name(p)) {
    snprintf(buf, sizeof buf, "an entry of %s", config_setting_name(p));
    return buf;
  }
  return "the file";
}


/* " in <where(g)>": the suffix of this file's unknown-key messages. */
static const char *in_where(const config_setting_t *g)
{
  static char buf[160];
  snprintf(buf, sizeof buf, " in %s", where(g));
  return buf;
}

static int is_number(int t) { return t == CONFIG_TYPE_FLOAT || t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64; }

static double number_of(const config_setting_t *s)
{
  return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)config_setting_get_int64(s);
}

/* Required member of `type` (CONFIG_TYPE_FLOAT accepts integers; CONFIG_TYPE_ARRAY accepts lists). */
static PetscErrorCode member(MPI_Comm comm, const char *file, config_setting_t *grp, const char *key, int type, PetscBool required, config_setting_t **s)
{
  PetscFunctionBeginUser;
  *s = config_setting_get_member(grp, key);
  if (!*s) {
    PetscCheck(!required, comm, BALLAST_ERR_USAGE, "%s:%d: missing required key '%s' in %s", file, BallastCfgLine(grp) ? BallastCfgLine(grp) : 1, key, where(grp));
    PetscFunctionReturn(0);
  }
  int t  = config_setting_type(*s);
  int ok = t == type || (type == CONFIG_TYPE_FLOAT && is_number(t)) || (type == CONFIG_TYPE_ARRAY && t == CONFIG_TYPE_LIST);
  PetscCheck(ok, comm, BALLAST_ERR_USAGE, "%s:%d: key '%s' must be %s, not %s", file, BallastCfgLine(*s), key, BallastCfgTypeName(type), BallastCfgTypeName(t));
  PetscFunctionReturn(0);
}

static PetscErrorCode get_number(MPI_Comm comm, const char *file, config_setting_t *grp, const char *key, double *v)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(comm, file, grp, key, CONFIG_TYPE_FLOAT, PETSC_TRUE, &s));
  *v = number_of(s);
  PetscCheck(isfinite(*v), comm, BALLAST_ERR_USAGE, "%s:%d: key '%s' must be finite", file, BallastCfgLine(s), key);
  PetscFunctionReturn(0);
}

static PetscErrorCode get_string(MPI_Comm comm, const char *file, config_setting_t *grp, const char *key, char **out)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(comm, file, grp, key, CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  const char *v = config_setting_get_string(s);
  PetscCheck(v && v[0], comm, BALLAST_ERR_USAGE, "%s:%d: key '%s' must not be empty", file, BallastCfgLine(s), key);
  PetscCall(PetscStrallocpy(v, out));
  PetscFunctionReturn(0);
}

/* An array of tenors, strictly increasing in nominal length. */
static PetscErrorCode get_tenors(MPI_Comm comm, const char *file, config_setting_t *grp, const char *key, PetscInt *n, BallastRegimeTenor **out)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(comm, file, grp, key, CONFIG_TYPE_ARRAY, PETSC_TRUE, &s));
  int len = config_setting_length(s);
  PetscCheck(len > 0, comm, BALLAST_ERR_USAGE, "%s:%d: '%s' must not be empty", file, BallastCfgLine(s), key);
  PetscCall(PetscCalloc1(len, out));
  *n = len;
  for (int i = 0; i < len; i++) {
    config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    PetscCheck(config_setting_type(e) == CONFIG_TYPE_STRING, comm, BALLAST_ERR_USAGE, "%s:%d: '%s' must hold tenors as strings (\"3M\"), element %d is %s", file,
               BallastCfgLine(s), key, i + 1, BallastCfgTypeName(config_setting_type(e)));
    const char *txt = config_setting_get_string(e);
    PetscCheck(!BallastRegimeTenorParse(txt, &(*out)[i]), comm, BALLAST_ERR_USAGE, "%s:%d: '%s' element %d: '%s' is not a tenor (ON or a positive number followed by D, W, M or Y)",
               file, BallastCfgLine(s), key, i + 1, txt);
    PetscCheck(i == 0 || BallastTenorNominalYears(&(*out)[i]) > BallastTenorNominalYears(&(*out)[i - 1]), comm, BALLAST_ERR_USAGE,
               "%s:%d: '%s' must be strictly increasing: '%s' does not come after '%s'", file, BallastCfgLine(s), key, txt, (*out)[i - 1].text);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_shocks(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r)
{
  config_setting_t *g, *c, *s;
  PetscFunctionBeginUser;
  PetscCall(member(comm, f, root, "shocks", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(BallastCfgCheckKeys(comm, f, g, shocks_keys, -1, NULL, in_where(g)));
  PetscCall(get_number(comm, f, g, "short_decay_years", &r->short_decay));
  PetscCall(member(comm, f, g, "short_decay_years", CONFIG_TYPE_FLOAT, PETSC_TRUE, &s));
  PetscCheck(r->short_decay > 0, comm, BALLAST_ERR_USAGE, "%s:%d: shocks.short_decay_years must be positive", f, BallastCfgLine(s));
  PetscCall(member(comm, f, g, "currencies", CONFIG_TYPE_GROUP, PETSC_TRUE, &c));
  int n = config_setting_length(c);
  PetscCheck(n > 0, comm, BALLAST_ERR_USAGE, "%s:%d: shocks.currencies lists no currency", f, BallastCfgLine(c));
  PetscCall(PetscCalloc1(n, &r->shock));
  r->ncurrencies = n;
  for (int i = 0; i < n; i++) {
    config_setting_t *e    = config_setting_get_elem(c, (unsigned)i);
    const char       *code = config_setting_name(e);
    size_t            len  = strlen(code);
    PetscCheck(len == 3 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z' && code[2] >= 'A' && code[2] <= 'Z', comm, BALLAST_ERR_USAGE,
               "%s:%d: shocks.currencies: '%s' is not an ISO 4217 currency code (three capital letters)", f, BallastCfgLine(e), code);
    PetscCheck(config_setting_type(e) == CONFIG_TYPE_ARRAY && config_setting_length(e) == 3, comm, BALLAST_ERR_USAGE,
               "%s:%d: shocks.currencies.%s must be an array [parallel_bp, short_bp, long_bp], not %s%s", f, BallastCfgLine(e), code, BallastCfgTypeName(config_setting_type(e)),
               config_setting_type(e) == CONFIG_TYPE_ARRAY ? " of another length" : "");
    double v[3];
    for (int k = 0; k < 3; k++) {
      config_setting_t *x = config_setting_get_elem(e, (unsigned)k);
      PetscCheck(is_number(config_setting_type(x)), comm, BALLAST_ERR_USAGE, "%s:%d: shocks.currencies.%s must hold numbers (bp)", f, BallastCfgLine(e), code);
      v[k] = number_of(x);
      PetscCheck(isfinite(v[k]) && v[k] >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: shocks.currencies.%s: shock sizes must be >= 0 bp (the scenario coefficients carry the sign), got %g", f,
                 BallastCfgLine(e), code, v[k]);
    }
    for (int j = 0; j < i; j++) PetscCheck(strcmp(r->shock[j].code, code), comm, BALLAST_ERR_USAGE, "%s:%d: currency %s listed twice", f, BallastCfgLine(e), code);
    PetscCall(PetscStrncpy(r->shock[i].code, code, sizeof r->shock[i].code));
    r->shock[i].parallel = v[0] * 1e-4;
    r->shock[i].shrt     = v[1] * 1e-4;
    r->shock[i].lng      = v[2] * 1e-4;
  }
  r->default_currency = -1;
  PetscCall(member(comm, f, g, "default_currency", CONFIG_TYPE_STRING, PETSC_FALSE, &s));
  if (s) {
    const char *d = config_setting_get_string(s);
    for (PetscInt i = 0; i < r->ncurrencies; i++)
      if (!strcmp(r->shock[i].code, d)) r->default_currency = i;
    PetscCheck(r->default_currency >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: shocks.default_currency '%s' is not listed in shocks.currencies", f, BallastCfgLine(s), d);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_scenarios(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r)
{
  config_setting_t *g, *e;
  PetscFunctionBeginUser;
  PetscCall(member(comm, f, root, "scenarios", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(BallastCfgCheckKeys(comm, f, g, reg_names, -1, NULL, in_where(g)));
  for (int i = 0; i < BALLAST_REG_COUNT; i++) {
    BallastRegimeScenario *sc = &r->scenario[i];
    PetscCall(member(comm, f, g, reg_names[i], CONFIG_TYPE_GROUP, PETSC_TRUE, &e));
    PetscCall(BallastCfgCheckKeys(comm, f, e, scen_keys, -1, NULL, in_where(e)));
    PetscCall(get_number(comm, f, e, "parallel", &sc->parallel));
    PetscCall(get_number(comm, f, e, "short", &sc->shrt));
    PetscCall(get_number(comm, f, e, "long", &sc->lng));
    PetscCall(get_number(comm, f, e, "prepayment_scalar", &sc->prepayment_scalar));
    PetscCall(get_number(comm, f, e, "term_deposit_scalar", &sc->term_deposit_scalar));
    PetscCheck(sc->prepayment_scalar >= 0 && sc->term_deposit_scalar >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: scenarios.%s: behavioural scalars must be >= 0", f, BallastCfgLine(e),
               reg_names[i]);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_floor(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r)
{
  config_setting_t *g, *s;
  char             *type, *below;
  PetscFunctionBeginUser;
  PetscCall(member(comm, f, root, "lower_bound", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(get_string(comm, f, g, "type", &type));
  PetscCall(member(comm, f, g, "type", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  PetscBool none = (PetscBool)!strcmp(type, "none"), linear = (PetscBool)!strcmp(type, "linear");
  PetscCall(PetscFree(type));
  PetscCheck(none || linear, comm, BALLAST_ERR_USAGE, "%s:%d: lower_bound.type '%s' must be \"none\" or \"linear\"", f, BallastCfgLine(s), config_setting_get_string(s));
  if (none) {
    PetscCall(BallastCfgCheckKeys(comm, f, g, floor_none, -1, NULL, in_where(g)));
    r->floor.type = BALLAST_FLOOR_NONE;
    PetscFunctionReturn(0);
  }
  PetscCall(BallastCfgCheckKeys(comm, f, g, floor_linear, -1, NULL, in_where(g)));
  r->floor.type = BALLAST_FLOOR_LINEAR;
  PetscCall(get_number(comm, f, g, "at_zero_bp", &r->floor.at_zero));
  PetscCall(get_number(comm, f, g, "slope_bp_per_year", &r->floor.slope));
  PetscCall(get_number(comm, f, g, "max_bp", &r->floor.max));
  r->floor.at_zero *= 1e-4;
  r->floor.slope *= 1e-4;
  r->floor.max *= 1e-4;
  PetscCall(get_string(comm, f, g, "below_bound", &below));
  PetscCall(member(comm, f, g, "below_bound", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  if (!strcmp(below, "unfloored")) r->floor.below = BALLAST_FLOOR_BELOW_UNFLOORED;
  else if (!strcmp(below, "observed")) r->floor.below = BALLAST_FLOOR_BELOW_OBSERVED;
  else {
    PetscCall(PetscFree(below));
    SETERRQ(comm, BALLAST_ERR_USAGE, "%s:%d: lower_bound.below_bound '%s' must be \"unfloored\" or \"observed\"", f, BallastCfgLine(s), config_setting_get_string(s));
  }
  PetscCall(PetscFree(below));
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_buckets(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r)
{
  config_setting_t *g, *m;
  PetscInt          nup;
  PetscFunctionBeginUser;
  PetscCall(member(comm, f, root, "buckets", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(BallastCfgCheckKeys(comm, f, g, bucket_keys, -1, NULL, in_where(g)));
  PetscCall(get_tenors(comm, f, g, "upper", &nup, &r->bucket_upper));
  PetscCall(member(comm, f, g, "midpoint_years", CONFIG_TYPE_ARRAY, PETSC_TRUE, &m));
  int nm = config_setting_length(m);
  PetscCheck(nm == nup + 1, comm, BALLAST_ERR_USAGE, "%s:%d: buckets.midpoint_years has %d values; expected %" PetscInt_FMT " (one per bucket: the upper bounds plus the open-ended last bucket)", f,
             BallastCfgLine(m), nm, nup + 1);
  r->nbuckets = nm;
  PetscCall(PetscCalloc1(nm, &r->bucket_mid));
  for (int i = 0; i < nm; i++) {
    config_setting_t *e = config_setting_get_elem(m, (unsigned)i);
    PetscCheck(is_number(config_setting_type(e)), comm, BALLAST_ERR_USAGE, "%s:%d: buckets.midpoint_years must hold numbers (years), element %d is %s", f, BallastCfgLine(m), i + 1,
               BallastCfgTypeName(config_setting_type(e)));
    r->bucket_mid[i] = number_of(e);
    PetscCheck(isfinite(r->bucket_mid[i]) && r->bucket_mid[i] > 0 && (i == 0 || r->bucket_mid[i] > r->bucket_mid[i - 1]), comm, BALLAST_ERR_USAGE,
               "%s:%d: buckets.midpoint_years must be positive and strictly increasing (element %d: %g)", f, BallastCfgLine(m), i + 1, r->bucket_mid[i]);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_tests(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r)
{
  config_setting_t *l, *s;
  PetscFunctionBeginUser;
  PetscCall(member(comm, f, root, "outlier_tests", CONFIG_TYPE_LIST, PETSC_TRUE, &l));
  int n = config_setting_length(l);
  PetscCall(PetscCalloc1(n + 1, &r->test));
  for (int i = 0; i < n; i++) {
    config_setting_t   *e = config_setting_get_elem(l, (unsigned)i);
    BallastOutlierTest *t = &r->test[i];
    char               *meas;
    PetscCheck(config_setting_type(e) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: outlier_tests element %d must be a group { }, not %s", f, BallastCfgLine(e), i + 1,
               BallastCfgTypeName(config_setting_type(e)));
    PetscCall(BallastCfgCheckKeys(comm, f, e, test_keys, -1, NULL, in_where(e)));
    r->ntests = i + 1;
    PetscCall(get_string(comm, f, e, "name", &t->name));
    PetscCall(get_string(comm, f, e, "measure", &meas));
    PetscCall(member(comm, f, e, "measure", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
    PetscBool eve = (PetscBool)!strcmp(meas, "delta_eve"), nii = (PetscBool)!strcmp(meas, "delta_nii");
    PetscCall(PetscFree(meas));
    PetscCheck(eve || nii, comm, BALLAST_ERR_USAGE, "%s:%d: outlier_tests '%s': measure '%s' must be \"delta_eve\" or \"delta_nii\"", f, BallastCfgLine(s), t->name, config_setting_get_string(s));
    t->measure = eve ? BALLAST_MEASURE_DELTA_EVE : BALLAST_MEASURE_DELTA_NII;
    PetscCall(member(comm, f, e, "scenarios", CONFIG_TYPE_ARRAY, PETSC_TRUE, &s));
    int ns = config_setting_length(s);
    PetscCheck(ns > 0, comm, BALLAST_ERR_USAGE, "%s:%d: outlier_tests '%s': scenarios must not be empty", f, BallastCfgLine(s), t->name);
    PetscCall(PetscCalloc1(ns, &t->scenarios));
    t->nscenarios = ns;
    for (int k = 0; k < ns; k++) {
      config_setting_t *x = config_setting_get_elem(s, (unsigned)k);
      int               id = config_setting_type(x) == CONFIG_TYPE_STRING ? BallastRegScenarioFind(config_setting_get_string(x)) : -1;
      PetscCheck(id >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: outlier_tests '%s': scenarios element %d must name a regulatory scenario (parallel_up, parallel_down, steepener, flattener, short_up, short_down)", f,
                 BallastCfgLine(s), t->name, k + 1);
      t->scenarios[k] = (BallastRegScenario)id;
    }
    PetscCall(get_number(comm, f, e, "threshold_tier1", &t->threshold_tier1));
    PetscCall(get_number(comm, f, e, "gain_weight", &t->gain_weight));
    PetscCheck(t->threshold_tier1 > 0 && t->threshold_tier1 < 1, comm, BALLAST_ERR_USAGE, "%s:%d: outlier_tests '%s': threshold_tier1 is a fraction of Tier 1 in (0, 1), got %g", f,
               BallastCfgLine(e), t->name, t->threshold_tier1);
    PetscCheck(t->gain_weight >= 0 && t->gain_weight <= 1, comm, BALLAST_ERR_USAGE, "%s:%d: outlier_tests '%s': gain_weight must be in [0, 1], got %g", f, BallastCfgLine(e), t->name,
               t->gain_weight);
  }
  PetscFunctionReturn(0);
}

/* Runs a section parser under the return error handler and keeps its outcome: status and
 * message (the section's error is returned later by the loader that needs the section). */
static PetscErrorCode keep_error(PetscErrorCode ierr, PetscErrorCode *status, char *msg, size_t mlen)
{
  const char *text = NULL;
  char       *spec = NULL;
  PetscFunctionBeginUser;
  *status = ierr;
  if (!ierr) PetscFunctionReturn(0);
  PetscErrorMessage(ierr, &text, &spec);
  PetscCall(PetscSNPrintf(msg, mlen, "%s", spec && spec[0] ? spec : (text ? text : "failed")));
  PetscFunctionReturn(0);
}

static PetscErrorCode section_liquidity(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r)
{
  BallastLiquidityParams *lp;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&lp));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PetscErrorCode ierr = BallastCfgLiquidityParse(comm, f, root, lp);
  PetscCall(PetscPopErrorHandler());
  PetscCall(keep_error(ierr, &r->liquidity_status, r->liquidity_error, sizeof r->liquidity_error));
  if (ierr) {
    PetscCall(BallastLiquidityParamsDestroy(lp));
    PetscCall(PetscFree(lp));
  }
  r->liquidity = lp;
  PetscFunctionReturn(0);
}

static PetscErrorCode section_nmd(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r)
{
  BallastNMDCaps *caps;
  PetscFunctionBeginUser;
  PetscCall(PetscNew(&caps));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PetscErrorCode ierr = BallastCfgNMDCapsParse(comm, f, root, caps);
  PetscCall(PetscPopErrorHandler());
  PetscCall(keep_error(ierr, &r->nmd_status, r->nmd_error, sizeof r->nmd_error));
  if (ierr) PetscCall(PetscFree(caps));
  r->nmd = caps;
  PetscFunctionReturn(0);
}

static PetscErrorCode regime_parse(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r);

PetscErrorCode BallastRegimeLoad(MPI_Comm comm, const char *path, BallastRegime *r)
{
  char             *bytes;
  size_t            len;
  config_t         *doc;
  const char       *f = path;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(r, sizeof(*r)));
  r->default_currency = -1;
  PetscCall(PetscStrallocpy(path, &r->path));
  PetscCall(BallastReadBcastAs(comm, path, BALLAST_ERR_USAGE, &bytes, &len)); /* a configuration file: exit 2 */
  PetscCall(BallastSHA256Buffer(bytes, len, r->sha256));
  PetscCall(PetscNew(&doc));
  config_init(doc);
  int okparse = config_read_string(doc, bytes);
  PetscCall(PetscFree(bytes));
  PetscErrorCode ierr = okparse == CONFIG_TRUE ? regime_parse(comm, f, config_root_setting(doc), r) : 0;
  /* the document lives only during the load */
  int  eline = config_error_line(doc);
  char etext[256];
  PetscCall(PetscSNPrintf(etext, sizeof etext, "%s", config_error_text(doc) ? config_error_text(doc) : "syntax error"));
  config_destroy(doc);
  PetscCall(PetscFree(doc));
  PetscCheck(okparse == CONFIG_TRUE, comm, BALLAST_ERR_USAGE, "%s:%d: %s", f, eline, etext);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* Every section of the regime document into r (the caller owns the document). */
static PetscErrorCode regime_parse(MPI_Comm comm, const char *f, config_setting_t *root, BallastRegime *r)
{
  config_setting_t *g;

  PetscFunctionBeginUser;
  PetscCall(BallastCfgCheckKeys(comm, f, root, top_keys, -1, NULL, in_where(root)));
  PetscCall(get_string(comm, f, root, "name", &r->name));
  PetscCall(get_string(comm, f, root, "version", &r->version));
  PetscCall(get_string(comm, f, root, "source", &r->source));
  PetscCall(parse_shocks(comm, f, root, r));
  PetscCall(parse_scenarios(comm, f, root, r));
  PetscCall(parse_floor(comm, f, root, r));
  PetscCall(parse_buckets(comm, f, root, r));
  PetscCall(get_tenors(comm, f, root, "key_tenors", &r->nkey, &r->key_tenor));
  PetscCall(parse_tests(comm, f, root, r));
  PetscCall(member(comm, f, root, "aggregation", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(BallastCfgCheckKeys(comm, f, g, agg_keys, -1, NULL, in_where(g)));
  PetscCall(get_number(comm, f, g, "loss_weight", &r->loss_weight));
  PetscCall(get_number(comm, f, g, "gain_weight", &r->gain_weight));
  PetscCheck(r->loss_weight >= 0 && r->gain_weight >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: aggregation weights must be >= 0", f, BallastCfgLine(g));
  PetscCall(section_liquidity(comm, f, root, r));
  PetscCall(section_nmd(comm, f, root, r));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastRegimeDestroy(BallastRegime *r)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(r->path));
  PetscCall(PetscFree(r->name));
  PetscCall(PetscFree(r->version));
  PetscCall(PetscFree(r->source));
  PetscCall(PetscFree(r->shock));
  PetscCall(PetscFree(r->bucket_upper));
  PetscCall(PetscFree(r->bucket_mid));
  PetscCall(PetscFree(r->key_tenor));
  for (PetscInt i = 0; r->test && i < r->ntests; i++) {
    PetscCall(PetscFree(r->test[i].name));
    PetscCall(PetscFree(r->test[i].scenarios));
  }
  PetscCall(PetscFree(r->test));
  if (r->liquidity) {
    PetscCall(BallastLiquidityParamsDestroy(r->liquidity));
    PetscCall(PetscFree(r->liquidity));
  }
  PetscCall(PetscFree(r->nmd));
  PetscCall(PetscMemzero(r, sizeof(*r)));
  PetscFunctionReturn(0);
}
