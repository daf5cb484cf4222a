/* The run configuration's `behaviour` section, the regime's `nmd` caps and the segment histories
 * they name -> BallastBehaviour (include/ballast/behaviour.h; format in docs/behaviour.md).
 * Every key is checked (unknown keys, wrong types, missing keys, values out of range are
 * BALLAST_ERR_USAGE "file:line: ..."), each setting's type before it is read (libconfig 1.5 lookups
 * fail silently on a type mismatch). Histories are small CSV files read by the owner rank of their
 * segment only (a thousand segments are read in parallel); the fields are split by the CSV
 * tokenizer of src/io (BallastCSVSplit). History errors are BALLAST_ERR_INPUT "file:line: ...",
 * agreed by every rank with the message of the lowest failing rank. */
#include <ballast/behaviour.h>
#include <ballast/io.h>
#include "cfg_util.h"
#include "regime_sections.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  MPI_Comm    comm;
  const char *file;
} Ctx;




static int    is_number(int t) { return t == CONFIG_TYPE_FLOAT || t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64; }
static double number_of(const config_setting_t *s) { return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)config_setting_get_int64(s); }

/* Member `key` of `type` (CONFIG_TYPE_FLOAT accepts integers, CONFIG_TYPE_ARRAY accepts lists); NULL when absent and optional. */
static PetscErrorCode member(Ctx *x, config_setting_t *grp, const char *key, int type, PetscBool required, config_setting_t **s)
{
  PetscFunctionBeginUser;
  *s = config_setting_get_member(grp, key);
  if (!*s) {
    PetscCheck(!required, x->comm, BALLAST_ERR_USAGE, "%s:%d: missing required key '%s' in %s", x->file, BallastCfgLine(grp) ? BallastCfgLine(grp) : 1, key, BallastCfgPath(grp));
    PetscFunctionReturn(0);
  }
  int t  = config_setting_type(*s);
  int ok = t == type || (type == CONFIG_TYPE_FLOAT && is_number(t)) || (type == CONFIG_TYPE_ARRAY && t == CONFIG_TYPE_LIST);
  PetscCheck(ok, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s must be %s, not %s", x->file, BallastCfgLine(*s), BallastCfgPath(*s), BallastCfgTypeName(type), BallastCfgTypeName(t));
  PetscFunctionReturn(0);
}

/* A number in [lo, hi]; *v untouched when absent and optional. */
static PetscErrorCode get_number(Ctx *x, config_setting_t *grp, const char *key, PetscBool required, double lo, double hi, double *v, PetscBool *set)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(x, grp, key, CONFIG_TYPE_FLOAT, required, &s));
  if (set) *set = s ? PETSC_TRUE : PETSC_FALSE;
  if (!s) PetscFunctionReturn(0);
  double d = number_of(s);
  PetscCheck(isfinite(d) && d >= lo && d <= hi, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s must be a number in [%g, %g], got %g", x->file, BallastCfgLine(s), BallastCfgPath(s), lo, hi, d);
  *v = d;
  PetscFunctionReturn(0);
}

/* Numbers of an array of exactly n (n = 0: any length up to max; *len gets it). */
static PetscErrorCode get_numbers(Ctx *x, config_setting_t *grp, const char *key, int n, int max, double *v, int *len, PetscBool *set)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(x, grp, key, CONFIG_TYPE_ARRAY, PETSC_FALSE, &s));
  *set = s ? PETSC_TRUE : PETSC_FALSE;
  if (!s) PetscFunctionReturn(0);
  int l = config_setting_length(s);
  PetscCheck(n ? l == n : (l > 0 && l <= max), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s must hold %s%d numbers, not %d", x->file, BallastCfgLine(s), BallastCfgPath(s), n ? "" : "1 to ", n ? n : max, l);
  for (int i = 0; i < l; i++) {
    config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    PetscCheck(is_number(config_setting_type(e)) && isfinite(number_of(e)), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s element %d must be a number, not %s", x->file, BallastCfgLine(s), BallastCfgPath(s),
               i + 1, BallastCfgTypeName(config_setting_type(e)));
    v[i] = number_of(e);
  }
  if (len) *len = l;
  PetscFunctionReturn(0);
}

static const char *model_names[]  = {"prepayment", "deposit", "early_redemption", NULL};
static const char *nmd_names[]    = {"retail_transactional", "retail_non_transactional", "wholesale", NULL};
static const char *beh_keys[]     = {"accept_nonconvergence", "segments", NULL};
static const char *prepay_keys[]  = {"name", "model", "type", "cpr", "history", "a", "b", "c", "d", "lower", "upper", NULL};
static const char *deposit_keys[] = {"name", "model", "category", "tenors", "weights", "beta", "rate_floor", "core_share", "history", NULL};
static const char *redeem_keys[]  = {"name", "model", "rate", "history", NULL};
static const char *nmd_keys[]     = {"retail_transactional", "retail_non_transactional", "wholesale", NULL};
static const char *cap_keys[]     = {"core_share_max", "average_maturity_max_years", NULL};


/* S-curve calibration bounds (a, b, c, d) unless configured: CPRs in [0, 1], a steepness up to
 * 5000 per unit of incentive (50 per percentage point) and a midpoint within +-10 percentage points. */
static const double default_lower[4] = {0.0, 0.0, 1.0, -0.10};
static const double default_upper[4] = {1.0, 1.0, 5000.0, 0.10};

/* Called by BallastRegimeLoad on the regime's document (regime_sections.h). */
PetscErrorCode BallastCfgNMDCapsParse(MPI_Comm comm, const char *file, config_setting_t *root, BallastNMDCaps *caps)
{
  Ctx               x = {comm, file ? file : "regime"};
  config_setting_t *g, *e;
  PetscFunctionBeginUser;
  PetscCall(member(&x, root, "nmd", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(BallastCfgCheckKeys(x.comm, x.file, g, nmd_keys, -1, NULL, NULL));
  for (int k = 0; k < BALLAST_NMD_NCAT; k++) {
    PetscCall(member(&x, g, nmd_names[k], CONFIG_TYPE_GROUP, PETSC_TRUE, &e));
    PetscCall(BallastCfgCheckKeys(x.comm, x.file, e, cap_keys, -1, NULL, NULL));
    PetscCall(get_number(&x, e, "core_share_max", PETSC_TRUE, 0.0, 1.0, &caps->core_share_max[k], NULL));
    PetscCall(get_number(&x, e, "average_maturity_max_years", PETSC_TRUE, 0.0, 50.0, &caps->average_maturity_max[k], NULL));
  }
  PetscFunctionReturn(0);
}

/* The regime parsed its nmd section at load time (plain data in regime->nmd); an absent or bad
 * section gives now the error it gave then, naming the regime file and line. */
PetscErrorCode BallastNMDCapsLoad(MPI_Comm comm, const BallastRegime *regime, BallastNMDCaps *caps)
{
  PetscFunctionBeginUser;
  PetscCheck(regime && (regime->nmd || regime->nmd_status), comm, BALLAST_ERR_USAGE, "deposit behaviour segments need a regime file with an nmd section (run configuration key 'regime')");
  PetscCheck(!regime->nmd_status, comm, regime->nmd_status, "%s", regime->nmd_error);
  *caps = *regime->nmd;
  PetscFunctionReturn(0);
}

static PetscErrorCode lookup_name(Ctx *x, config_setting_t *grp, const char *key, const char *const *names, int *id)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(x, grp, key, CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  const char *v = config_setting_get_string(s);
  char        list[256] = "";
  *id               = -1;
  for (int k = 0; names[k]; k++) {
    if (!strcmp(v, names[k])) *id = k;
    strncat(list, k ? ", " : "", sizeof list - strlen(list) - 1);
    strncat(list, names[k], sizeof list - strlen(list) - 1);
  }
  PetscCheck(*id >= 0, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s '%s' must be one of %s", x->file, BallastCfgLine(s), BallastCfgPath(s), v, list);
  PetscFunctionReturn(0);
}

static PetscErrorCode get_history(Ctx *x, const BallastConfig *cfg, config_setting_t *e, BallastBehSegment *s)
{
  config_setting_t *h;
  PetscFunctionBeginUser;
  PetscCall(member(x, e, "history", CONFIG_TYPE_STRING, PETSC_FALSE, &h));
  if (!h) PetscFunctionReturn(0);
  const char *v = config_setting_get_string(h);
  PetscCheck(v && v[0], x->comm, BALLAST_ERR_USAGE, "%s:%d: %s must not be empty", x->file, BallastCfgLine(h), BallastCfgPath(h));
  PetscCall(BallastPathResolve(cfg->dir, v, &s->history_path));
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_prepayment(Ctx *x, const BallastConfig *cfg, config_setting_t *e, BallastBehSegment *s)
{
  config_setting_t *t;
  PetscBool         set[4], lset, uset;
  PetscFunctionBeginUser;
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, e, prepay_keys, -1, NULL, NULL));
  PetscCall(member(x, e, "type", CONFIG_TYPE_STRING, PETSC_TRUE, &t));
  const char *type = config_setting_get_string(t);
  PetscCall(get_history(x, cfg, e, s));
  if (!strcmp(type, "constant")) {
    s->type = BALLAST_PREPAY_CONSTANT;
    PetscCheck(!s->history_path, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: a constant prepayment rate is fixed by 'cpr'; 'history' calibrates type \"scurve\" only", x->file, BallastCfgLine(e), BallastCfgPath(e));
    PetscCall(get_number(x, e, "cpr", PETSC_TRUE, 0.0, 1.0, &s->cpr, NULL));
    for (int k = 0; k < 4; k++) PetscCheck(!config_setting_get_member(e, (const char *[]){"a", "b", "c", "d"}[k]), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: S-curve parameters need type = \"scurve\"", x->file, BallastCfgLine(e), BallastCfgPath(e));
    PetscFunctionReturn(0);
  }
  PetscCheck(!strcmp(type, "scurve"), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s '%s' must be \"constant\" or \"scurve\"", x->file, BallastCfgLine(t), BallastCfgPath(t), type);
  s->type = BALLAST_PREPAY_SCURVE;
  PetscCheck(!config_setting_get_member(e, "cpr"), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: 'cpr' belongs to type \"constant\"", x->file, BallastCfgLine(e), BallastCfgPath(e));
  PetscCall(get_number(x, e, "a", PETSC_FALSE, 0.0, 1.0, &s->p[0], &set[0]));
  PetscCall(get_number(x, e, "b", PETSC_FALSE, -1.0, 1.0, &s->p[1], &set[1]));
  PetscCall(get_number(x, e, "c", PETSC_FALSE, 0.0, 1e6, &s->p[2], &set[2]));
  PetscCall(get_number(x, e, "d", PETSC_FALSE, -1.0, 1.0, &s->p[3], &set[3]));
  int nset = set[0] + set[1] + set[2] + set[3];
  if (s->history_path) PetscCheck(nset == 0, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: give either 'history' (calibrated) or a, b, c, d (fixed), not both", x->file, BallastCfgLine(e), BallastCfgPath(e));
  else PetscCheck(nset == 4, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: an S-curve needs 'history' (calibrated) or all of a, b, c, d (fixed)", x->file, BallastCfgLine(e), BallastCfgPath(e));
  PetscCall(PetscArraycpy(s->lower, default_lower, 4));
  PetscCall(PetscArraycpy(s->upper, default_upper, 4));
  PetscCall(get_numbers(x, e, "lower", 4, 4, s->lower, NULL, &lset));
  PetscCall(get_numbers(x, e, "upper", 4, 4, s->upper, NULL, &uset));
  PetscCheck(s->history_path || (!lset && !uset), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: bounds 'lower'/'upper' apply to a calibrated S-curve ('history')", x->file, BallastCfgLine(e), BallastCfgPath(e));
  for (int k = 0; k < 4; k++)
    PetscCheck(s->lower[k] < s->upper[k] && (k != 2 || s->lower[2] > 0), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: bounds of parameter %c must satisfy lower < upper (and c > 0): [%g, %g]", x->file,
               BallastCfgLine(e), BallastCfgPath(e), "abcd"[k], s->lower[k], s->upper[k]);
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_deposit(Ctx *x, const BallastConfig *cfg, const BallastRegime *regime, BallastBehaviour *b, config_setting_t *e, BallastBehSegment *s)
{
  config_setting_t *t;
  int               cat, nw = 0;
  PetscBool         wset, fset;
  PetscFunctionBeginUser;
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, e, deposit_keys, -1, NULL, NULL));
  if (!b->have_caps) {
    PetscCall(BallastNMDCapsLoad(x->comm, regime, &b->caps));
    b->have_caps = PETSC_TRUE;
  }
  PetscCall(lookup_name(x, e, "category", nmd_names, &cat));
  s->category     = (BallastNMDCategory)cat;
  s->core_cap     = b->caps.core_share_max[cat];
  s->maturity_cap = b->caps.average_maturity_max[cat];
  PetscCall(member(x, e, "tenors", CONFIG_TYPE_ARRAY, PETSC_TRUE, &t));
  int nt = config_setting_length(t);
  PetscCheck(nt > 0 && nt <= BALLAST_BEH_MAX_TENORS, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s must list 1 to %d tenors, not %d", x->file, BallastCfgLine(t), BallastCfgPath(t), BALLAST_BEH_MAX_TENORS, nt);
  s->ntenor = nt;
  for (int j = 0; j < nt; j++) {
    config_setting_t *v = config_setting_get_elem(t, (unsigned)j);
    int               n;
    char              unit;
    const char       *txt = config_setting_type(v) == CONFIG_TYPE_STRING ? config_setting_get_string(v) : NULL;
    PetscCheck(txt && !BallastTenorParse(txt, &n, &unit) && (unit == 'M' || unit == 'Y') && n > 0 && strlen(txt) < sizeof s->tenor_text[j], x->comm, BALLAST_ERR_USAGE,
               "%s:%d: %s element %d must be a tenor in months or years (\"1M\", \"10Y\"): tranches roll monthly", x->file, BallastCfgLine(t), BallastCfgPath(t), j + 1);
    s->tenor_months[j] = unit == 'Y' ? 12 * n : n;
    PetscCheck(s->tenor_months[j] <= 600, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s element %d: tenor %s is longer than 50 years", x->file, BallastCfgLine(t), BallastCfgPath(t), j + 1, txt);
    PetscCheck(j == 0 || s->tenor_months[j] > s->tenor_months[j - 1], x->comm, BALLAST_ERR_USAGE, "%s:%d: %s must be strictly increasing: '%s' does not come after '%s'", x->file, BallastCfgLine(t),
               BallastCfgPath(t), txt, s->tenor_text[j - 1]);
    PetscCall(PetscStrncpy(s->tenor_text[j], txt, sizeof s->tenor_text[j]));
  }
  PetscCall(get_number(x, e, "beta", PETSC_TRUE, 0.0, 1.0, &s->beta, NULL));
  s->rate_floor = 0.0;
  PetscCall(get_number(x, e, "rate_floor", PETSC_FALSE, -1.0, 1.0, &s->rate_floor, NULL));
  PetscCall(get_history(x, cfg, e, s));
  PetscCall(get_numbers(x, e, "weights", 0, BALLAST_BEH_MAX_TENORS, s->weight, &nw, &wset));
  s->weights_fixed = wset;
  if (wset) {
    double sum = 0, avg = 0;
    PetscCheck(nw == nt, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.weights has %d values for %d tenors", x->file, BallastCfgLine(e), BallastCfgPath(e), nw, nt);
    for (int j = 0; j < nt; j++) {
      PetscCheck(s->weight[j] >= 0, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.weights must be >= 0 (element %d is %g)", x->file, BallastCfgLine(e), BallastCfgPath(e), j + 1, s->weight[j]);
      sum += s->weight[j];
      avg += s->weight[j] * BallastDepositTrancheYears(s->tenor_months[j], cfg->as_of); /* as slotted */
    }
    PetscCheck(fabs(sum - 1) <= 1e-9, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.weights must sum to 1, not %.12g", x->file, BallastCfgLine(e), BallastCfgPath(e), sum);
    PetscCheck(avg <= s->maturity_cap + 1e-12, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.weights give an average maturity of %g years, above the regime cap of %g years for %s", x->file,
               BallastCfgLine(e), BallastCfgPath(e), avg, s->maturity_cap, nmd_names[cat]);
    s->average_maturity = avg;
  } else PetscCheck(s->history_path, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: a deposit segment needs 'weights' (fixed) or 'history' (calibrated)", x->file, BallastCfgLine(e), BallastCfgPath(e));
  PetscCall(get_number(x, e, "core_share", PETSC_FALSE, 0.0, 1.0, &s->core_share, &fset));
  s->core_fixed = fset;
  if (fset)
    PetscCheck(s->core_share <= s->core_cap, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s.core_share %g is above the regime cap of %g for %s", x->file, BallastCfgLine(e), BallastCfgPath(e), s->core_share,
               s->core_cap, nmd_names[cat]);
  else PetscCheck(s->history_path, x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: a deposit segment needs 'core_share' (fixed) or 'history' (estimated)", x->file, BallastCfgLine(e), BallastCfgPath(e));
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_redemption(Ctx *x, const BallastConfig *cfg, config_setting_t *e, BallastBehSegment *s)
{
  PetscBool set;
  PetscFunctionBeginUser;
  PetscCall(BallastCfgCheckKeys(x->comm, x->file, e, redeem_keys, -1, NULL, NULL));
  PetscCall(get_history(x, cfg, e, s));
  PetscCall(get_number(x, e, "rate", PETSC_FALSE, 0.0, 1.0, &s->rate, &set));
  PetscCheck(set != (s->history_path != NULL), x->comm, BALLAST_ERR_USAGE, "%s:%d: %s: an early redemption segment needs exactly one of 'rate' (fixed) and 'history' (estimated)", x->file,
             BallastCfgLine(e), BallastCfgPath(e));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastBehaviourLoad(MPI_Comm comm, const BallastConfig *cfg, const BallastRegime *regime, BallastBehaviour *b)
{
  config_setting_t *root, *g, *l, *a;
  Ctx               x = {comm, cfg->path};
  PetscMPIInt       rank, size;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(b, sizeof *b));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscStrallocpy(cfg->path, &b->file));
  b->as_of = cfg->as_of; /* deposits are slotted from the as-of date: tranche maturities measured from it */
  PetscCheck(cfg->doc, comm, PETSC_ERR_ARG_WRONGSTATE, "the configuration has no parsed document");
  root = config_root_setting((config_t *)cfg->doc);
  PetscCall(member(&x, root, "behaviour", CONFIG_TYPE_GROUP, PETSC_FALSE, &g));
  if (!g) PetscFunctionReturn(0);
  PetscCall(BallastCfgCheckKeys(x.comm, x.file, g, beh_keys, -1, NULL, NULL));
  PetscCall(member(&x, g, "accept_nonconvergence", CONFIG_TYPE_BOOL, PETSC_FALSE, &a));
  if (a) b->accept_nonconvergence = config_setting_get_bool(a) ? PETSC_TRUE : PETSC_FALSE;
  PetscCall(member(&x, g, "segments", CONFIG_TYPE_LIST, PETSC_TRUE, &l));
  int n = config_setting_length(l);
  PetscCall(PetscCalloc1(n + 1, &b->seg));
  for (int i = 0; i < n; i++) {
    config_setting_t  *e = config_setting_get_elem(l, (unsigned)i), *nm;
    BallastBehSegment *s = &b->seg[i];
    int                model;
    PetscCheck(config_setting_type(e) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: behaviour.segments element %d must be a group { }, not %s", x.file, BallastCfgLine(e), i + 1,
               BallastCfgTypeName(config_setting_type(e)));
    b->nseg = i + 1;
    s->line = BallastCfgLine(e);
    for (int k = 0; k < 4; k++) s->p[k] = NAN;
    s->objective = NAN;
    PetscCall(member(&x, e, "name", CONFIG_TYPE_STRING, PETSC_TRUE, &nm));
    const char *name = config_setting_get_string(nm);
    PetscCheck(name[0] && strlen(name) < BALLAST_BEH_NAME_LEN, comm, BALLAST_ERR_USAGE, "%s:%d: %s must be 1 to %d characters", x.file, BallastCfgLine(nm), BallastCfgPath(nm), BALLAST_BEH_NAME_LEN - 1);
    for (int j = 0; j < i; j++)
      PetscCheck(strcmp(b->seg[j].name, name), comm, BALLAST_ERR_USAGE, "%s:%d: behaviour segment '%s' is defined twice (first at line %d)", x.file, BallastCfgLine(nm), name, b->seg[j].line);
    PetscCall(PetscStrncpy(s->name, name, sizeof s->name));
    PetscCall(lookup_name(&x, e, "model", model_names, &model));
    s->model = (BallastBehModel)model;
    if (s->model == BALLAST_BEH_PREPAYMENT) PetscCall(parse_prepayment(&x, cfg, e, s));
    else if (s->model == BALLAST_BEH_DEPOSIT) PetscCall(parse_deposit(&x, cfg, regime, b, e, s));
    else PetscCall(parse_redemption(&x, cfg, e, s));
    PetscCall(PetscStrncpy(s->reason, s->history_path ? "pending" : "fixed", sizeof s->reason));
    s->converged = PETSC_TRUE;
  }
  /* histories, each on its owner rank */
  char msg[1024] = "";
  int  bad       = 0;
  PetscErrorCode herr = 0; /* an owner-only read: any failure is agreed on before the next collective */
  for (PetscInt i = 0; i < b->nseg && !bad && !herr; i++)
    if (BallastBehaviourOwner(b, i, size) == rank) {
      PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
      herr = BallastBehHistoryRead(&b->seg[i], msg, sizeof msg, &bad);
      PetscCall(PetscPopErrorHandler());
      if (herr) snprintf(msg, sizeof msg, "%s: cannot read the history of behaviour segment '%s'", b->seg[i].history_path ? b->seg[i].history_path : "?", b->seg[i].name);
    }
  PetscCall(BallastAgreeError(comm, herr ? BALLAST_ERR_IO : bad ? BALLAST_ERR_INPUT : 0, herr || bad ? msg : NULL));
  PetscFunctionReturn(0);
}
