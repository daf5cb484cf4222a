#include <ballast/config.h>
#include "scenario_cfg.h"
#include "cfg_util.h"
#include "planning_cfg.h"
#include <stdio.h>
#include <inttypes.h>
#include <string.h>

/* Keys a configuration may hold, per group: anything else is an error (a misspelt key, or a
 * section nothing acts on, must never be ignored silently). Sections owned by other modules are
 * listed so they pass here and are checked by their parsers. Liquidity parameters are regime data
 * (the regime file's lcr, nsfr, liquidity sections): the run configuration has no `liquidity`. */
static const char *top_keys[]     = {"run", "input", "output", "regime", "scenarios", "discount_curves", "capital", "nii", "user_scenarios", "behaviour", "actions", "new_business", "limits", NULL};
static const char *run_keys[]     = {"name", "as_of", "reporting_currency", "group", "max_events_per_contract", NULL};
static const char *input_keys[]   = {"contracts", "curves", "fx", NULL};
static const char *output_keys[]  = {"dir", NULL};
static const char *capital_keys[] = {"tier1", "tier2", NULL};
static const char *nii_keys[]     = {"horizon_months", "margins", "reserves_rate", NULL};



/* " in group <name>" for a group below the root, "" for the root: this file's unknown-key suffix. */
static const char *in_group(const config_setting_t *g)
{
  static char buf[160];
  snprintf(buf, sizeof buf, "%s%s", config_setting_parent(g) ? " in group " : "", config_setting_parent(g) ? config_setting_name(g) : "");
  return buf;
}

/* Look up a member; *s = NULL if absent and not required. Type mismatch is an error. */
static PetscErrorCode member(MPI_Comm comm, const char *file, config_setting_t *grp, const char *key, int type, PetscBool required, config_setting_t **s)
{
  PetscFunctionBeginUser;
  *s = grp ? config_setting_get_member(grp, key) : NULL;
  if (!*s) {
    PetscCheck(!required, comm, BALLAST_ERR_USAGE, "%s:%d: missing required key '%s'%s%s", file, grp ? config_setting_source_line(grp) : 1, key,
               grp && config_setting_name(grp) ? " in group " : "", grp && config_setting_name(grp) ? config_setting_name(grp) : "");
    PetscFunctionReturn(0);
  }
  int t  = config_setting_type(*s);
  int ok = t == type || (type == CONFIG_TYPE_FLOAT && (t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64)) || (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64) ||
           (type == CONFIG_TYPE_ARRAY && t == CONFIG_TYPE_LIST);
  PetscCheck(ok, comm, BALLAST_ERR_USAGE, "%s:%d: key '%s' must be %s, not %s", file, config_setting_source_line(*s), key, BallastCfgTypeName(type), BallastCfgTypeName(t));
  PetscFunctionReturn(0);
}

static PetscErrorCode get_string(MPI_Comm comm, const char *file, config_setting_t *grp, const char *key, PetscBool required, char **out)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  *out = NULL;
  PetscCall(member(comm, file, grp, key, CONFIG_TYPE_STRING, required, &s));
  if (s) {
    const char *v = config_setting_get_string(s);
    PetscCheck(v && v[0], comm, BALLAST_ERR_USAGE, "%s:%d: key '%s' must not be empty", file, config_setting_source_line(s), key);
    PetscCall(PetscStrallocpy(v, out));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode get_double(MPI_Comm comm, const char *file, config_setting_t *grp, const char *key, PetscBool required, double *out)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(comm, file, grp, key, CONFIG_TYPE_FLOAT, required, &s));
  if (s) {
    int t = config_setting_type(s);
    *out  = t == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)config_setting_get_int64(s);
  }
  PetscFunctionReturn(0);
}

/* An array of strings (one string alone is accepted as a one-element list). */
static PetscErrorCode get_string_list(MPI_Comm comm, const char *file, config_setting_t *grp, const char *key, PetscBool required, PetscInt *n, char ***out)
{
  config_setting_t *s = grp ? config_setting_get_member(grp, key) : NULL;
  PetscFunctionBeginUser;
  *n   = 0;
  *out = NULL;
  if (s && config_setting_type(s) == CONFIG_TYPE_STRING) {
    PetscCall(PetscCalloc1(2, out));
    PetscCall(get_string(comm, file, grp, key, required, &(*out)[0]));
    *n = 1;
    PetscFunctionReturn(0);
  }
  PetscCall(member(comm, file, grp, key, CONFIG_TYPE_ARRAY, required, &s));
  if (!s) PetscFunctionReturn(0);
  int len = config_setting_length(s);
  PetscCheck(len > 0 || !required, comm, BALLAST_ERR_USAGE, "%s:%d: '%s' must not be empty", file, config_setting_source_line(s), key);
  PetscCall(PetscCalloc1(len + 1, out));
  for (int i = 0; i < len; i++) {
    config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    if (config_setting_type(e) != CONFIG_TYPE_STRING) { /* a failed list leaves nothing allocated */
      for (int k = 0; k < i; k++) PetscCall(PetscFree((*out)[k]));
      PetscCall(PetscFree(*out));
      SETERRQ(comm, BALLAST_ERR_USAGE, "%s:%d: '%s' must hold strings, element %d is %s", file, config_setting_source_line(s), key, i + 1,
              BallastCfgTypeName(config_setting_type(e)));
    }
    PetscCall(PetscStrallocpy(config_setting_get_string(e), &(*out)[i]));
  }
  *n = len;
  PetscFunctionReturn(0);
}

static PetscErrorCode resolve(const char *dir, char **p)
{
  char *r;
  PetscFunctionBeginUser;
  if (!*p) PetscFunctionReturn(0);
  PetscCall(BallastPathResolve(dir, *p, &r));
  PetscCall(PetscFree(*p));
  *p = r;
  PetscFunctionReturn(0);
}

static PetscErrorCode config_load(MPI_Comm comm, const char *path, BallastConfig *cfg)
{
  char             *bytes;
  size_t            len;
  config_t         *doc;
  config_setting_t *root, *g, *s;
  const char       *f = path;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(cfg, sizeof(*cfg)));
  PetscCall(PetscStrallocpy(path, &cfg->path));
  PetscCall(BallastDirname(path, &cfg->dir));
  PetscCall(BallastReadBcastAs(comm, path, BALLAST_ERR_USAGE, &bytes, &len)); /* a configuration file: exit 2 */
  PetscCall(BallastSHA256Buffer(bytes, len, cfg->sha256));
  PetscCall(PetscNew(&doc));
  config_init(doc);
  cfg->doc = doc;
  int okparse = config_read_string(doc, bytes);
  PetscCall(PetscFree(bytes));
  PetscCheck(okparse == CONFIG_TRUE, comm, BALLAST_ERR_USAGE, "%s:%d: %s", f, config_error_line(doc), config_error_text(doc));
  root = config_root_setting(doc);
  PetscCall(BallastCfgCheckKeys(comm, f, root, top_keys, -1, NULL, in_group(root)));

  PetscCall(member(comm, f, root, "run", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(BallastCfgCheckKeys(comm, f, g, run_keys, -1, NULL, in_group(g)));
  PetscCall(get_string(comm, f, g, "name", PETSC_TRUE, &cfg->name));
  char *asof;
  PetscCall(get_string(comm, f, g, "as_of", PETSC_TRUE, &asof));
  int bad = BallastDateParse(asof, &cfg->as_of);
  PetscCall(PetscFree(asof));
  PetscCall(member(comm, f, g, "as_of", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  PetscCheck(!bad, comm, BALLAST_ERR_USAGE, "%s:%d: run.as_of '%s' is not a date YYYY-MM-DD", f, config_setting_source_line(s), config_setting_get_string(s));
  PetscCall(get_string(comm, f, g, "reporting_currency", PETSC_TRUE, &cfg->reporting_currency));
  PetscCall(get_string(comm, f, g, "group", PETSC_FALSE, &cfg->group));
  if (!cfg->group) PetscCall(PetscStrallocpy("GROUP", &cfg->group));
  {
    /* the bound on the work per contract (docs/operations.md): an integer >= 1 */
    config_setting_t *mx = config_setting_get_member(g, "max_events_per_contract");
    cfg->max_events_per_contract = 100000;
    if (mx) {
      int t = config_setting_type(mx);
      PetscCheck(t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64, comm, BALLAST_ERR_USAGE, "%s:%d: run.max_events_per_contract must be an integer (a number of events)", f, config_setting_source_line(mx));
      cfg->max_events_per_contract = (int64_t)config_setting_get_int64(mx);
      PetscCheck(cfg->max_events_per_contract >= 1, comm, BALLAST_ERR_USAGE, "%s:%d: run.max_events_per_contract = %" PRId64 ": must be at least 1", f, config_setting_source_line(mx), cfg->max_events_per_contract);
    }
  }

  PetscCall(member(comm, f, root, "input", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(BallastCfgCheckKeys(comm, f, g, input_keys, -1, NULL, in_group(g)));
  PetscCall(get_string_list(comm, f, g, "contracts", PETSC_TRUE, &cfg->ncontract_files, &cfg->contract_files));
  for (PetscInt i = 0; i < cfg->ncontract_files; i++) PetscCall(resolve(cfg->dir, &cfg->contract_files[i]));
  PetscCall(get_string(comm, f, g, "curves", PETSC_TRUE, &cfg->curves));
  PetscCall(get_string(comm, f, g, "fx", PETSC_TRUE, &cfg->fx));
  PetscCall(resolve(cfg->dir, &cfg->curves));
  PetscCall(resolve(cfg->dir, &cfg->fx));

  PetscCall(member(comm, f, root, "output", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(BallastCfgCheckKeys(comm, f, g, output_keys, -1, NULL, in_group(g)));
  PetscCall(get_string(comm, f, g, "dir", PETSC_TRUE, &cfg->output_dir));
  PetscCall(resolve(cfg->dir, &cfg->output_dir));

  PetscCall(get_string(comm, f, root, "regime", PETSC_FALSE, &cfg->regime));
  PetscCall(resolve(cfg->dir, &cfg->regime));

  /* scenarios: "base" first, then as configured (duplicates are an error) */
  char   **sc;
  PetscInt nsc;
  PetscCall(get_string_list(comm, f, root, "scenarios", PETSC_FALSE, &nsc, &sc));
  PetscCall(PetscCalloc1(nsc + 2, &cfg->scenarios));
  PetscCall(PetscStrallocpy("base", &cfg->scenarios[0]));
  cfg->nscenarios = 1;
  PetscInt dup = -1;
  for (PetscInt i = 0; i < nsc && dup < 0; i++)
    for (PetscInt j = 0; j < i; j++)
      if (!strcmp(sc[i], sc[j])) dup = i;
  /* hand the names to cfg before any error, so that nothing is left behind */
  for (PetscInt i = 0; i < nsc; i++) {
    if (strcmp(sc[i], "base")) cfg->scenarios[cfg->nscenarios++] = sc[i];
    else PetscCall(PetscFree(sc[i]));
  }
  PetscCall(PetscFree(sc));
  if (dup >= 0) { /* two names: the setting is an array, which holds the name */
    PetscCall(member(comm, f, root, "scenarios", CONFIG_TYPE_ARRAY, PETSC_TRUE, &s));
    SETERRQ(comm, BALLAST_ERR_USAGE, "%s:%d: scenario '%s' listed twice", f, config_setting_source_line(s), config_setting_get_string_elem(s, (int)dup));
  }

  PetscCall(member(comm, f, root, "discount_curves", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  int nd = config_setting_length(g);
  PetscCall(PetscCalloc2(nd + 1, &cfg->discount_ccy, nd + 1, &cfg->discount_curve));
  for (int i = 0; i < nd; i++) {
    config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
    PetscCheck(config_setting_type(e) == CONFIG_TYPE_STRING, comm, BALLAST_ERR_USAGE, "%s:%d: discount_curves.%s must be a string (a curveID)", f,
               config_setting_source_line(e), config_setting_name(e));
    PetscCall(PetscStrallocpy(config_setting_name(e), &cfg->discount_ccy[i]));
    PetscCall(PetscStrallocpy(config_setting_get_string(e), &cfg->discount_curve[i]));
    cfg->ndiscount = i + 1; /* BallastConfigDestroy frees what a failed load copied */
  }

  cfg->tier1 = cfg->tier2 = 0;
  PetscCall(member(comm, f, root, "capital", CONFIG_TYPE_GROUP, PETSC_FALSE, &g));
  if (g) {
    PetscCall(BallastCfgCheckKeys(comm, f, g, capital_keys, -1, NULL, in_group(g)));
    PetscCall(get_double(comm, f, g, "tier1", PETSC_FALSE, &cfg->tier1));
    PetscCall(get_double(comm, f, g, "tier2", PETSC_FALSE, &cfg->tier2));
    PetscCheck(cfg->tier1 >= 0 && cfg->tier2 >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: capital amounts must not be negative", f, config_setting_source_line(g));
    /* a configured Tier 1 is a denominator (outlier tests, capital ratios): zero gives NaN ratios */
    config_setting_t *t1 = config_setting_get_member(g, "tier1");
    PetscCheck(!t1 || cfg->tier1 > 0, comm, BALLAST_ERR_USAGE, "%s:%d: capital.tier1 = %g: Tier 1 capital must be positive (the outlier tests divide by it)", f, config_setting_source_line(t1), cfg->tier1);
  }
  {
    BallastScenarioDef *defs = NULL;
    PetscErrorCode      ierr = BallastScenarioDefsParse(comm, f, cfg->dir, config_setting_get_member(root, "user_scenarios"), &cfg->nuser, &defs);
    cfg->user                = defs; /* also after an error: BallastConfigDestroy frees the parsed ones */
    PetscCall(ierr);
  }
  /* the behaviour segments' names, for the contracts' behaviourSegment check (the section itself
   * is parsed and checked by BallastBehaviourLoad) */
  {
    config_setting_t *b = config_setting_get_member(root, "behaviour");
    config_setting_t *l = b && config_setting_is_group(b) ? config_setting_get_member(b, "segments") : NULL;
    int               n = l && (config_setting_is_list(l) || config_setting_is_array(l)) ? config_setting_length(l) : 0;
    PetscCall(PetscCalloc1(n + 1, &cfg->segment_names));
    for (int i = 0; i < n; i++) {
      const char *nm = NULL;
      config_setting_t *e = config_setting_get_elem(l, (unsigned)i);
      if (e && config_setting_is_group(e) && config_setting_lookup_string(e, "name", &nm) == CONFIG_TRUE && nm)
        PetscCall(PetscStrallocpy(nm, &cfg->segment_names[cfg->nsegment_names++]));
    }
  }
  cfg->nii_horizon_months = 12;
  PetscCall(member(comm, f, root, "nii", CONFIG_TYPE_GROUP, PETSC_FALSE, &g));
  if (g) {
    PetscCall(BallastCfgCheckKeys(comm, f, g, nii_keys, -1, NULL, in_group(g)));
    PetscCall(member(comm, f, g, "horizon_months", CONFIG_TYPE_INT, PETSC_FALSE, &s));
    if (s) {
      long long h = config_setting_get_int64(s);
      PetscCheck(h >= 1 && h <= 120, comm, BALLAST_ERR_USAGE, "%s:%d: nii.horizon_months %lld must be between 1 and 120", f, config_setting_source_line(s), h);
      cfg->nii_horizon_months = (PetscInt)h;
    }
  }
  PetscCall(BallastPlanningParse(comm, f, cfg->dir, cfg->as_of, root, &cfg->planning));
  PetscFunctionReturn(0);
}

/* A failed load frees what it allocated (cfg is left zeroed, so that a BallastConfigDestroy after
 * it is harmless). */
PetscErrorCode BallastConfigLoad(MPI_Comm comm, const char *path, BallastConfig *cfg)
{
  PetscErrorCode ierr;
  PetscFunctionBeginUser;
  ierr = config_load(comm, path, cfg);
  if (ierr) PetscCall(BallastConfigDestroy(cfg));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

const char *BallastConfigDiscountCurve(const BallastConfig *cfg, const char *ccy)
{
  for (PetscInt i = 0; i < cfg->ndiscount; i++)
    if (!strcmp(cfg->discount_ccy[i], ccy)) return cfg->discount_curve[i];
  return NULL;
}

PetscErrorCode BallastConfigDestroy(BallastConfig *cfg)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(cfg->path));
  PetscCall(PetscFree(cfg->dir));
  PetscCall(PetscFree(cfg->name));
  PetscCall(PetscFree(cfg->reporting_currency));
  PetscCall(PetscFree(cfg->group));
  for (PetscInt i = 0; i < cfg->ncontract_files; i++) {
    PetscCall(PetscFree(cfg->contract_files[i]));
    if (cfg->contract_sha) PetscCall(PetscFree(cfg->contract_sha[i]));
  }
  PetscCall(PetscFree(cfg->contract_files));
  PetscCall(PetscFree(cfg->contract_sha));
  PetscCall(PetscFree(cfg->contracts_store));
  PetscCall(PetscFree(cfg->curves));
  PetscCall(PetscFree(cfg->fx));
  PetscCall(PetscFree(cfg->output_dir));
  PetscCall(PetscFree(cfg->regime));
  for (PetscInt i = 0; i < cfg->nscenarios; i++) PetscCall(PetscFree(cfg->scenarios[i]));
  PetscCall(PetscFree(cfg->scenarios));
  for (PetscInt i = 0; i < cfg->ndiscount; i++) {
    PetscCall(PetscFree(cfg->discount_ccy[i]));
    PetscCall(PetscFree(cfg->discount_curve[i]));
  }
  PetscCall(PetscFree2(cfg->discount_ccy, cfg->discount_curve));
  for (PetscInt i = 0; i < cfg->nsegment_names; i++) PetscCall(PetscFree(cfg->segment_names[i]));
  PetscCall(PetscFree(cfg->segment_names));
  if (cfg->user) {
    BallastScenarioDef *defs = (BallastScenarioDef *)cfg->user;
    PetscCall(BallastScenarioDefsDestroy(cfg->nuser, &defs));
  }
  PetscCall(BallastPlanningDestroy(&cfg->planning));
  if (cfg->doc) {
    config_destroy((config_t *)cfg->doc);
    PetscCall(PetscFree(cfg->doc));
  }
  PetscCall(PetscMemzero(cfg, sizeof(*cfg)));
  PetscFunctionReturn(0);
}
