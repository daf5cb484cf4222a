/* The run configuration's `user_scenarios` list -> BallastScenarioDef (see scenario_cfg.h). */
#include "scenario_cfg.h"
#include "cfg_util.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *common_keys[]   = {"name", "type", "floor", "prepayment_scalar", "term_deposit_scalar", NULL};
static const char *parallel_keys[] = {"shift_bp", NULL};
static const char *tenor_keys[]    = {"tenors", "shifts_bp", NULL};
static const char *curves_keys[]   = {"file", NULL};
static const char *ramp_keys[]     = {"shift_bp", "ramp_months", NULL};


static int is_number(int t) { return t == CONFIG_TYPE_FLOAT || t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64; }
static double number_of(const config_setting_t *s) { return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)config_setting_get_int64(s); }


/* Member `key` of entry e with the expected type (CONFIG_TYPE_FLOAT accepts integers); NULL if absent and optional. */
static PetscErrorCode member(MPI_Comm comm, const char *file, config_setting_t *e, const char *sname, const char *key, int type, PetscBool required, config_setting_t **s)
{
  PetscFunctionBeginUser;
  *s = config_setting_get_member(e, key);
  if (!*s) {
    PetscCheck(!required, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': missing required key '%s'", file, config_setting_source_line(e), sname, key);
    PetscFunctionReturn(0);
  }
  int t  = config_setting_type(*s);
  int ok = t == type || (type == CONFIG_TYPE_FLOAT && is_number(t));
  PetscCheck(ok, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': key '%s' must be %s, not %s", file, config_setting_source_line(*s), sname, key, BallastCfgTypeName(type), BallastCfgTypeName(t));
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_one(MPI_Comm comm, const char *file, const char *dir, config_setting_t *e, BallastScenarioDef *d)
{
  config_setting_t *s, *ts, *ss;
  const char       *name, *type;
  PetscFunctionBeginUser;
  PetscCheck(config_setting_type(e) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: user_scenarios: each entry must be a group { name = ...; type = ...; }, not %s", file,
             config_setting_source_line(e), BallastCfgTypeName(config_setting_type(e)));
  PetscCall(member(comm, file, e, "?", "name", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  name = config_setting_get_string(s);
  PetscCheck(name[0], comm, BALLAST_ERR_USAGE, "%s:%d: user scenario name must not be empty", file, config_setting_source_line(s));
  for (const char *p = name; *p; p++)
    PetscCheck(isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.', comm, BALLAST_ERR_USAGE,
               "%s:%d: user scenario name '%s': use letters, digits, '_', '-' or '.'", file, config_setting_source_line(s), name);
  PetscCheck(strcmp(name, "base") && BallastRegScenarioFind(name) < 0, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario name '%s' is reserved (base and the regulatory scenarios)", file,
             config_setting_source_line(s), name);
  PetscCall(member(comm, file, e, name, "type", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  type = config_setting_get_string(s);
  const char *const *own = !strcmp(type, "parallel") ? parallel_keys : !strcmp(type, "tenor_shifts") ? tenor_keys : !strcmp(type, "curves") ? curves_keys : !strcmp(type, "ramp") ? ramp_keys : NULL;
  PetscCheck(own, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': type '%s' must be \"parallel\", \"tenor_shifts\", \"curves\" or \"ramp\"", file, config_setting_source_line(s), name, type);
  {
    const char *allowed[16];
    char        pre[160], suf[64];
    int         na = 0;
    for (int k = 0; common_keys[k]; k++) allowed[na++] = common_keys[k];
    for (int k = 0; own[k]; k++) allowed[na++] = own[k];
    snprintf(pre, sizeof pre, "user scenario '%s': ", name);
    snprintf(suf, sizeof suf, " for type %s", type);
    PetscCall(BallastCfgCheckKeys(comm, file, e, allowed, na, pre, suf));
  }

  if (own == parallel_keys) {
    PetscCall(member(comm, file, e, name, "shift_bp", CONFIG_TYPE_FLOAT, PETSC_TRUE, &s));
    PetscCheck(isfinite(number_of(s)), comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': shift_bp must be finite", file, config_setting_source_line(s), name);
    PetscCall(BallastScenarioDefParallel(name, number_of(s), d));
  } else if (own == ramp_keys) {
    config_setting_t *m;
    PetscCall(member(comm, file, e, name, "shift_bp", CONFIG_TYPE_FLOAT, PETSC_TRUE, &s));
    PetscCheck(isfinite(number_of(s)), comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': shift_bp must be finite", file, config_setting_source_line(s), name);
    PetscCall(member(comm, file, e, name, "ramp_months", CONFIG_TYPE_INT, PETSC_TRUE, &m));
    long long rm = config_setting_get_int64(m);
    PetscCheck(rm >= 1 && rm <= 1200, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': ramp_months %lld must be an integer from 1 to 1200", file, config_setting_source_line(m), name, rm);
    PetscCall(BallastScenarioDefRamp(name, number_of(s), (PetscInt)rm, d));
  } else if (own == tenor_keys) {
    PetscCall(member(comm, file, e, name, "tenors", CONFIG_TYPE_ARRAY, PETSC_TRUE, &ts));
    PetscCall(member(comm, file, e, name, "shifts_bp", CONFIG_TYPE_ARRAY, PETSC_TRUE, &ss));
    int nt = config_setting_length(ts), line = config_setting_source_line(ts);
    PetscCheck(nt > 0, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': tenors must not be empty", file, line, name);
    PetscCheck(config_setting_length(ss) == nt, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': %d tenors but %d shifts_bp", file, config_setting_source_line(ss), name, nt,
               config_setting_length(ss));
    const char **tx;
    double      *bp;
    PetscCall(PetscMalloc2(nt, &tx, nt, &bp));
    PetscBool bad = PETSC_FALSE;
    char      why[256] = "";
    for (int i = 0; i < nt && !bad; i++) {
      config_setting_t  *t = config_setting_get_elem(ts, (unsigned)i), *v = config_setting_get_elem(ss, (unsigned)i);
      BallastRegimeTenor tn, prev;
      if (config_setting_type(t) != CONFIG_TYPE_STRING || BallastRegimeTenorParse(config_setting_get_string(t), &tn)) {
        bad = PETSC_TRUE;
        PetscCall(PetscSNPrintf(why, sizeof why, "tenors element %d is not a tenor such as \"1Y\" (ON or a positive number followed by D, W, M or Y)", i + 1));
      } else if (i > 0 && (BallastRegimeTenorParse(tx[i - 1], &prev), BallastTenorNominalYears(&tn) <= BallastTenorNominalYears(&prev))) {
        bad = PETSC_TRUE;
        PetscCall(PetscSNPrintf(why, sizeof why, "tenors must be strictly increasing: '%s' does not come after '%s'", tn.text, tx[i - 1]));
      } else if (!is_number(config_setting_type(v)) || !isfinite(number_of(v))) {
        bad = PETSC_TRUE;
        PetscCall(PetscSNPrintf(why, sizeof why, "shifts_bp element %d must be a finite number (bp)", i + 1));
        line = config_setting_source_line(ss);
      } else {
        tx[i] = config_setting_get_string(t);
        bp[i] = number_of(v);
      }
    }
    if (!bad) PetscCall(BallastScenarioDefTenorShifts(name, nt, tx, bp, d));
    PetscCall(PetscFree2(tx, bp));
    PetscCheck(!bad, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': %s", file, line, name, why);
  } else {
    char *path;
    PetscCall(member(comm, file, e, name, "file", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
    PetscCheck(config_setting_get_string(s)[0], comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': file must not be empty", file, config_setting_source_line(s), name);
    PetscCall(BallastPathResolve(dir ? dir : ".", config_setting_get_string(s), &path));
    PetscCall(BallastScenarioDefCurves(name, path, d));
    PetscCall(PetscFree(path));
  }

  PetscCall(member(comm, file, e, name, "floor", CONFIG_TYPE_BOOL, PETSC_FALSE, &s));
  if (s) d->floor = config_setting_get_bool(s) ? PETSC_TRUE : PETSC_FALSE;
  PetscCheck(!(d->floor && d->kind == BALLAST_SCENARIO_RAMP), comm, BALLAST_ERR_USAGE,
             "%s:%d: user scenario '%s': floor = true is not available for a ramp (the shift is exact between pillars; a lower bound would break it)", file, BallastCfgLine(s), name);
  const char *sk[2] = {"prepayment_scalar", "term_deposit_scalar"};
  double     *sv[2] = {&d->prepayment_scalar, &d->term_deposit_scalar};
  for (int i = 0; i < 2; i++) {
    PetscCall(member(comm, file, e, name, sk[i], CONFIG_TYPE_FLOAT, PETSC_FALSE, &s));
    if (!s) continue;
    *sv[i] = number_of(s);
    PetscCheck(isfinite(*sv[i]) && *sv[i] >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s': %s must be a number >= 0", file, config_setting_source_line(s), name, sk[i]);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioDefsParse(MPI_Comm comm, const char *file, const char *dir, config_setting_t *list, PetscInt *n, BallastScenarioDef **defs)
{
  PetscFunctionBeginUser;
  *n    = 0;
  *defs = NULL;
  if (!list) PetscFunctionReturn(0);
  PetscCheck(config_setting_type(list) == CONFIG_TYPE_LIST, comm, BALLAST_ERR_USAGE, "%s:%d: user_scenarios must be a list ( { ... }, ... ), not %s", file,
             config_setting_source_line(list), BallastCfgTypeName(config_setting_type(list)));
  int len = config_setting_length(list);
  PetscCall(PetscCalloc1(len + 1, defs));
  for (int i = 0; i < len; i++) {
    config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
    *n = i + 1; /* counted first: the caller's destroy frees what a failed parse_one allocated */
    PetscCall(parse_one(comm, file, dir, e, &(*defs)[i]));
    PetscCheck(BallastScenarioDefsFind(i, *defs, (*defs)[i].name) < 0, comm, BALLAST_ERR_USAGE, "%s:%d: user scenario '%s' defined twice", file, config_setting_source_line(e), (*defs)[i].name);
  }
  PetscFunctionReturn(0);
}
