/* The planning keys of the run configuration -> BallastPlanning (include/ballast/planning.h):
 * `actions`, `new_business`, `limits`, `nii.margins`, `nii.reserves_rate`. Every key, type and
 * decision is in docs/planning.md. What needs the balance sheet or the market data (portfolios,
 * curves, filters matching something, added files) is checked later by BallastPlanningValidate;
 * here: unknown keys, types, values of template terms (parsed exactly like a CSV cell by the
 * term parser of src/core/terms.c), required terms per contract type, include names and cycles,
 * limit metrics and their qualifiers. Errors: BALLAST_ERR_USAGE "file:line: ...". */
#include "planning_cfg.h"
#include "cfg_util.h"
#include <ballast/columns.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *action_keys[]  = {"name", "add", "add_instruments", "scale", "remove", "include", NULL};
static const char *instr_keys[]   = {"terms", "start", "term", "rate", "spread", NULL};
static const char *scale_keys[]   = {"filter", "factor", NULL};
static const char *remove_keys[]  = {"filter", NULL};
static const char *nb_keys[]      = {"horizon_months", "products", NULL};
static const char *product_keys[] = {"name", "terms", "term", "pricing", "volume", NULL};
static const char *fixed_keys[]   = {"type", "curve", "spread", NULL};
static const char *float_keys[]   = {"type", "index", "spread", NULL};
static const char *monthly_keys[] = {"type", "amounts", NULL};
static const char *replace_keys[] = {"type", "portfolio", "growth", NULL};
static const char *limit_keys[]   = {"name", "metric", "scenario", "currency", "key_tenor", "min", "max", "max_abs", "warning", NULL};
static const char *margin_keys[]  = {"filter", "margin", NULL};

static int    is_number(int t) { return t == CONFIG_TYPE_FLOAT || t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64; }
static double number_of(const config_setting_t *s) { return config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s) : (double)config_setting_get_int64(s); }

/* Member `key` of group g with type `type` (FLOAT accepts integers, ARRAY accepts lists); NULL when
 * absent and optional. Messages name the dotted path (BallastCfgPath). */
static PetscErrorCode member(MPI_Comm comm, const char *file, config_setting_t *g, const char *key, int type, PetscBool required, config_setting_t **s)
{
  PetscFunctionBeginUser;
  *s = config_setting_get_member(g, key);
  if (!*s) {
    PetscCheck(!required, comm, BALLAST_ERR_USAGE, "%s:%d: missing required key '%s' in %s", file, BallastCfgLine(g), key, BallastCfgPath(g));
    PetscFunctionReturn(0);
  }
  int t  = config_setting_type(*s);
  int ok = t == type || (type == CONFIG_TYPE_FLOAT && is_number(t)) || (type == CONFIG_TYPE_INT && t == CONFIG_TYPE_INT64) || (type == CONFIG_TYPE_ARRAY && t == CONFIG_TYPE_LIST);
  PetscCheck(ok, comm, BALLAST_ERR_USAGE, "%s:%d: %s must be %s, not %s", file, BallastCfgLine(*s), BallastCfgPath(*s), BallastCfgTypeName(type), BallastCfgTypeName(t));
  PetscFunctionReturn(0);
}

static PetscErrorCode get_string(MPI_Comm comm, const char *file, config_setting_t *g, const char *key, PetscBool required, char **out)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  *out = NULL;
  PetscCall(member(comm, file, g, key, CONFIG_TYPE_STRING, required, &s));
  if (!s) PetscFunctionReturn(0);
  PetscCheck(config_setting_get_string(s)[0], comm, BALLAST_ERR_USAGE, "%s:%d: %s must not be empty", file, BallastCfgLine(s), BallastCfgPath(s));
  PetscCall(PetscStrallocpy(config_setting_get_string(s), out));
  PetscFunctionReturn(0);
}

static PetscErrorCode get_number(MPI_Comm comm, const char *file, config_setting_t *g, const char *key, PetscBool required, double *out, PetscBool *given)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(comm, file, g, key, CONFIG_TYPE_FLOAT, required, &s));
  if (given) *given = s ? PETSC_TRUE : PETSC_FALSE;
  if (!s) PetscFunctionReturn(0);
  *out = number_of(s);
  PetscCheck(isfinite(*out), comm, BALLAST_ERR_USAGE, "%s:%d: %s must be a finite number", file, BallastCfgLine(s), BallastCfgPath(s));
  PetscFunctionReturn(0);
}

/* A string, or an array/list of strings (non-empty). */
static PetscErrorCode string_list(MPI_Comm comm, const char *file, config_setting_t *s, PetscInt *n, char ***out)
{
  PetscFunctionBeginUser;
  if (config_setting_type(s) == CONFIG_TYPE_STRING) {
    PetscCheck(config_setting_get_string(s)[0], comm, BALLAST_ERR_USAGE, "%s:%d: %s must not be empty", file, BallastCfgLine(s), BallastCfgPath(s));
    PetscCall(PetscMalloc1(1, out));
    PetscCall(PetscStrallocpy(config_setting_get_string(s), &(*out)[0]));
    *n = 1;
    PetscFunctionReturn(0);
  }
  int t = config_setting_type(s), len = config_setting_length(s);
  PetscCheck(t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST, comm, BALLAST_ERR_USAGE, "%s:%d: %s must be a string or a list of strings, not %s", file, BallastCfgLine(s), BallastCfgPath(s),
             BallastCfgTypeName(t));
  PetscCheck(len > 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s must not be empty", file, BallastCfgLine(s), BallastCfgPath(s));
  for (int i = 0; i < len; i++) {
    config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
    PetscCheck(config_setting_type(e) == CONFIG_TYPE_STRING && config_setting_get_string(e)[0], comm, BALLAST_ERR_USAGE, "%s:%d: %s: element %d must be a non-empty string, not %s", file,
               BallastCfgLine(s), BallastCfgPath(s), i + 1, BallastCfgTypeName(config_setting_type(e)));
  }
  PetscCall(PetscCalloc1(len, out));
  for (int i = 0; i < len; i++) PetscCall(PetscStrallocpy(config_setting_get_string(config_setting_get_elem(s, (unsigned)i)), &(*out)[i]));
  *n = len;
  PetscFunctionReturn(0);
}

/* filter = { attribute = "value" | ["a", "b"]; ... }: attributes of BallastFilterAttrNames; at least one. */
static PetscErrorCode parse_filter(MPI_Comm comm, const char *file, config_setting_t *owner, BallastFilter *f)
{
  config_setting_t *g;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(f, sizeof(*f)));
  PetscCall(member(comm, file, owner, "filter", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  f->line = BallastCfgLine(g);
  PetscCall(BallastCfgCheckKeys(comm, file, g, BallastFilterAttrNames, BALLAST_FILTER_NATTR, "filter: ", NULL));
  PetscCheck(config_setting_length(g) > 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s is empty: name at least one attribute (%s, %s, %s, ...)", file, f->line, BallastCfgPath(g), BallastFilterAttrNames[0],
             BallastFilterAttrNames[1], BallastFilterAttrNames[2]);
  for (int a = 0; a < BALLAST_FILTER_NATTR; a++) {
    config_setting_t *s = config_setting_get_member(g, BallastFilterAttrNames[a]);
    if (s) PetscCall(string_list(comm, file, s, &f->nvalues[a], &f->values[a]));
  }
  /* values of closed vocabularies are checked here; names (portfolio, currency, segment, entity) against the data later */
  for (PetscInt k = 0; k < f->nvalues[BALLAST_FILTER_CONTRACT_TYPE]; k++)
    PetscCheck(BallastContractTypeParse(f->values[BALLAST_FILTER_CONTRACT_TYPE][k]) >= 0, comm, BALLAST_ERR_USAGE,
               "%s:%d: filter contractType '%s': expected one of PAM, ANN, LAM, NAM, CLM, UMP, SWPPV, CSH, STK, FXOUT", file, f->line, f->values[BALLAST_FILTER_CONTRACT_TYPE][k]);
  for (PetscInt k = 0; k < f->nvalues[BALLAST_FILTER_CONTRACT_ROLE]; k++) {
    BallastTerms t;
    char         err[128];
    BallastTermsInit(&t);
    PetscCheck(BallastTermsSet(&t, NULL, "contractRole", f->values[BALLAST_FILTER_CONTRACT_ROLE][k], err, sizeof err) == BALLAST_TERM_OK, comm, BALLAST_ERR_USAGE, "%s:%d: filter contractRole '%s': %s", file,
               f->line, f->values[BALLAST_FILTER_CONTRACT_ROLE][k], err);
  }
  for (PetscInt k = 0; k < f->nvalues[BALLAST_FILTER_COUNTERPARTY_TYPE]; k++) {
    PetscBool found = PETSC_FALSE;
    for (int c = 0; c < BALLAST_CP_COUNT; c++) found = found || !strcmp(BallastCounterpartyName(c), f->values[BALLAST_FILTER_COUNTERPARTY_TYPE][k]);
    PetscCheck(found, comm, BALLAST_ERR_USAGE, "%s:%d: filter counterpartyType '%s': expected one of retail, sme, corporate, financial, sovereign, central_bank, pse, mdb, other", file, f->line,
               f->values[BALLAST_FILTER_COUNTERPARTY_TYPE][k]);
  }
  PetscFunctionReturn(0);
}

/* Values of the ALM attributes, with the contract loader's vocabularies and wording (its parsers are
 * private to src/io/contracts_csv.c; the column names come from the shared table columns.h). */
static const char *const cpty_names[] = {"retail", "sme", "corporate", "financial", "sovereign", "central_bank", "pse", "mdb", "other", NULL};
static const char *const stab_names[] = {"less_stable", "stable", NULL};
static const char *const hqla_names[] = {"", "1", "2A", "2B_RMBS", "2B", NULL};
static const char *const fac_names[]  = {"credit", "liquidity", NULL};
static int lookup(const char *const *names, const char *s)
{
  for (int i = 0; names[i]; i++)
    if (!strcmp(names[i], s)) return i;
  return -1;
}
static int parse_bool(const char *s, uint8_t *v)
{
  if (!strcmp(s, "true") || !strcmp(s, "TRUE") || !strcmp(s, "1")) { *v = 1; return 0; }
  if (!strcmp(s, "false") || !strcmp(s, "FALSE") || !strcmp(s, "0")) { *v = 0; return 0; }
  return -1;
}

/* Terms set by the action or product itself, not by its template. */
static const char *const derived_terms[] = {"initialExchangeDate", "maturityDate", "statusDate", "nominalInterestRate", NULL};

/* terms = { column = value; ... }: every key a contract CSV column, its value parsed as that cell.
 * names: text table of currencies and market object codes. */
static PetscErrorCode parse_template(MPI_Comm comm, const char *file, config_setting_t *owner, BallastNames names, BallastTerms *t, BallastAlm *a, char **portfolio, char **entity, char **segment, char **id,
                                     const char *what)
{
  config_setting_t *g;
  PetscFunctionBeginUser;
  PetscCall(member(comm, file, owner, "terms", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  BallastTermsInit(t);
  PetscCall(PetscMemzero(a, sizeof(*a)));
  a->portfolio = a->legalEntity = a->behaviourSegment = -1;
  a->counterpartyType = BALLAST_CP_OTHER;
  a->depositStability = BALLAST_STAB_LESS_STABLE;
  a->encumberedUntil  = BALLAST_DATE_NONE;
  a->riskWeight       = NAN;
  *portfolio = *entity = *segment = NULL;
  if (id) *id = NULL;
  int n = config_setting_length(g);
  for (int i = 0; i < n; i++) {
    config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
    const char       *k = config_setting_name(s);
    int               ty = config_setting_type(s), line = BallastCfgLine(s);
    char              v[64], err[256];
    const char       *val;
    if (ty == CONFIG_TYPE_STRING) val = config_setting_get_string(s);
    else if (is_number(ty)) {
      snprintf(v, sizeof v, "%.17g", number_of(s));
      val = v;
    } else if (ty == CONFIG_TYPE_BOOL) val = config_setting_get_bool(s) ? "true" : "false";
    else SETERRQ(comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key '%s' must be a string or a number (as a contract CSV cell), not %s", file, line, what, k, BallastCfgTypeName(ty));
    for (int d = 0; derived_terms[d]; d++)
      PetscCheck(strcmp(k, derived_terms[d]), comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key '%s' is set by the %s itself (start/term/rate or the origination date and pricing): remove it", file, line, what, k,
                 what);
    PetscCheck(val[0] || !strcmp(k, "hqlaLevel"), comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key '%s' is empty: leave the key out for the default", file, line, what, k);
    /* the contract CSV column table (include/ballast/columns.h), as the loader resolves a header */
    int col = BallastColumnsFind(k), c;
    if (col < 0) {
      if (!strncmp(k, "x_", 2)) continue; /* user tags, as in the CSV */
      PetscCheck(BallastTermsLookup(k) != -2, comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key '%s': value '%s': this ACTUS term is not supported by Ballast; leave it out", file, line, what, k, val);
      SETERRQ(comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key '%s' is not a contract column (ACTUS term long names of contracts.md, the ALM attributes, or x_... tags)", file, line, what, k);
    }
    switch (BallastColumnsGet((BallastColumnId)col)->fill) {
    case BALLAST_FILL_TERM: {
      BallastTermStatus st = BallastTermsSetIndex(t, names, BallastTermsLookup(k), val, err, sizeof err);
      PetscCheck(st == BALLAST_TERM_OK, comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key '%s': value '%s': %s", file, line, what, k, val, err);
    } break;
    case BALLAST_FILL_ID:
      PetscCheck(id, comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key 'contractID': each origination gets its own identifier; leave it out", file, line, what);
      PetscCall(PetscStrallocpy(val, id));
      break;
    case BALLAST_FILL_PORTFOLIO: PetscCall(PetscStrallocpy(val, portfolio)); break;
    case BALLAST_FILL_ENTITY: PetscCall(PetscStrallocpy(val, entity)); break;
    case BALLAST_FILL_SEGMENT: PetscCall(PetscStrallocpy(val, segment)); break;
    case BALLAST_FILL_COUNTERPARTY:
      PetscCheck((c = lookup(cpty_names, val)) >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key 'counterpartyType': value '%s': expected one of retail, sme, corporate, financial, sovereign, central_bank, pse, mdb, other", file,
                 line, what, val);
      a->counterpartyType = (uint8_t)c;
      break;
    case BALLAST_FILL_STABILITY:
      PetscCheck((c = lookup(stab_names, val)) >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key 'depositStability': value '%s': expected stable or less_stable", file, line, what, val);
      a->depositStability = (uint8_t)c;
      break;
    case BALLAST_FILL_OPERATIONAL:
    case BALLAST_FILL_INSURED:
      PetscCheck(!parse_bool(val, !strcmp(k, "operational") ? &a->operational : &a->insured), comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key '%s': value '%s': expected true or false", file, line, what, k, val);
      break;
    case BALLAST_FILL_HQLA:
      PetscCheck((c = lookup(hqla_names, val)) >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key 'hqlaLevel': value '%s': expected 1, 2A, 2B_RMBS, 2B or empty", file, line, what, val);
      a->hqlaLevel = (uint8_t)c;
      break;
    case BALLAST_FILL_ENCUMBERED:
      PetscCheck(!BallastDateParse(val, &a->encumberedUntil), comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key 'encumberedUntil': value '%s': expected a date YYYY-MM-DD", file, line, what, val);
      break;
    case BALLAST_FILL_RISK_WEIGHT:
      PetscCheck(!BallastParseDouble(val, &a->riskWeight) && a->riskWeight >= 0 && a->riskWeight <= 12.5, comm, BALLAST_ERR_USAGE,
                 "%s:%d: %s: terms key 'riskWeight': value '%s': expected a decimal risk weight (0.35 = 35 %%) between 0 and 12.5", file, line, what, val);
      break;
    case BALLAST_FILL_UNDRAWN:
      PetscCheck(!BallastParseDouble(val, &a->undrawnCommitment) && a->undrawnCommitment >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key 'undrawnCommitment': value '%s': expected a non-negative amount", file, line,
                 what, val);
      break;
    case BALLAST_FILL_FACILITY:
      PetscCheck((c = lookup(fac_names, val)) >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s: terms key 'facilityType': value '%s': expected credit or liquidity", file, line, what, val);
      a->facilityType = (uint8_t)c;
      break;
    }
  }
  PetscFunctionReturn(0);
}

static int has_interest(int ct)
{
  return ct == BALLAST_CT_PAM || ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM || ct == BALLAST_CT_CLM || ct == BALLAST_CT_UMP || ct == BALLAST_CT_SWPPV;
}

/* The terms a template must give for its type (docs/planning.md "Required terms"): the loader's
 * row rules and the engine's schedule checks (src/engine/schedule.c), less what the action derives
 * (initialExchangeDate = start, maturityDate = start + term, nominalInterestRate = rate). */
static PetscErrorCode check_required(MPI_Comm comm, const char *file, int line, const char *what, const BallastTerms *t, const char *portfolio, PetscBool has_term, PetscBool floating_priced, PetscBool product)
{
  int ct = (int)t->contractType;
  PetscFunctionBeginUser;
#define NEED(cond, term) PetscCheck(cond, comm, BALLAST_ERR_USAGE, "%s:%d: %s: the template of a %s needs terms key '%s'", file, line, what, ct < BALLAST_CT_COUNT ? BallastContractTypeName((BallastContractType)ct) : "contract", term)
  PetscCheck(ct < BALLAST_CT_COUNT, comm, BALLAST_ERR_USAGE, "%s:%d: %s: the template needs terms key 'contractType' (PAM, ANN, LAM, NAM, CLM, UMP, SWPPV, CSH, STK, FXOUT)", file, line, what);
  NEED(t->contractRole != BALLAST_ROLE_COUNT, "contractRole");
  if (ct == BALLAST_CT_SWPPV)
    PetscCheck(t->contractRole == BALLAST_ROLE_RFL || t->contractRole == BALLAST_ROLE_PFL, comm, BALLAST_ERR_USAGE, "%s:%d: %s: a swap (SWPPV) is RFL (receive fixed) or PFL (pay fixed)", file, line, what);
  else
    PetscCheck(t->contractRole == BALLAST_ROLE_RPA || t->contractRole == BALLAST_ROLE_RPL, comm, BALLAST_ERR_USAGE, "%s:%d: %s: a %s contract is RPA (asset) or RPL (liability)", file, line, what,
               BallastContractTypeName((BallastContractType)ct));
  NEED(t->currency >= 0, "currency");
  NEED(portfolio != NULL, "portfolio");
  if (product) /* one contract per product and month: the volume is its notional */
    PetscCheck(isnan(t->notionalPrincipal), comm, BALLAST_ERR_USAGE, "%s:%d: %s: the volume sets the notional of each origination: remove terms key 'notionalPrincipal'", file, line, what);
  else if (ct != BALLAST_CT_STK) NEED(!isnan(t->notionalPrincipal), "notionalPrincipal");
  PetscCheck(isnan(t->notionalPrincipal) || t->notionalPrincipal > 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s: notionalPrincipal must be positive (the side is the contractRole)", file, line, what);
  if (has_interest(ct)) NEED(t->dayCountConvention != BALLAST_DCC_COUNT, "dayCountConvention");
  if (ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM) NEED(t->cycleOfPrincipalRedemption.n > 0, "cycleOfPrincipalRedemption");
  if (ct == BALLAST_CT_SWPPV) {
    NEED(t->cycleOfInterestPayment.n > 0, "cycleOfInterestPayment");
    NEED(t->marketObjectCodeOfRateReset >= 0, "marketObjectCodeOfRateReset");
    NEED(t->cycleOfRateReset.n > 0, "cycleOfRateReset");
  }
  if (ct == BALLAST_CT_FXOUT) {
    NEED(t->currency2 >= 0, "currency2");
    NEED(!isnan(t->notionalPrincipal2), "notionalPrincipal2");
  }
  if (floating_priced) NEED(t->cycleOfRateReset.n > 0, "cycleOfRateReset");
  else if (ct != BALLAST_CT_SWPPV && t->cycleOfRateReset.n > 0) NEED(t->marketObjectCodeOfRateReset >= 0, "marketObjectCodeOfRateReset");
#undef NEED
  PetscCheck(has_term || !(ct == BALLAST_CT_PAM || ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM || ct == BALLAST_CT_SWPPV || ct == BALLAST_CT_FXOUT), comm, BALLAST_ERR_USAGE,
             "%s:%d: %s: a %s needs a term (its maturity): add term = \"5Y\"", file, line, what, BallastContractTypeName((BallastContractType)ct));
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_term(MPI_Comm comm, const char *file, config_setting_t *g, PetscBool required, int *n, char *unit, PetscBool *given)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCall(member(comm, file, g, "term", CONFIG_TYPE_STRING, required, &s));
  *given = s ? PETSC_TRUE : PETSC_FALSE;
  if (!s) PetscFunctionReturn(0);
  const char *v = config_setting_get_string(s);
  PetscCheck(!BallastTenorParse(v, n, unit) && *n >= 1 && *unit != 'O', comm, BALLAST_ERR_USAGE, "%s:%d: %s '%s' is not a term such as \"10Y\", \"18M\", \"3W\" or \"90D\"", file, BallastCfgLine(s), BallastCfgPath(s), v);
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_instrument(MPI_Comm comm, const char *file, BallastDate as_of, config_setting_t *e, BallastNames names, const char *aname, PetscInt k, BallastInstrument *in)
{
  config_setting_t *s;
  char              what[160];
  PetscBool         has_term;
  PetscFunctionBeginUser;
  snprintf(what, sizeof what, "action '%s' instrument %d", aname, (int)k + 1);
  PetscCheck(config_setting_type(e) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: %s must be a group { terms = {...}; start = ...; term = ...; rate = ...; }", file, BallastCfgLine(e), what);
  in->line = BallastCfgLine(e);
  PetscCall(BallastCfgCheckKeys(comm, file, e, instr_keys, -1, NULL, NULL));
  PetscCall(parse_template(comm, file, e, names, &in->terms, &in->alm, &in->portfolio, &in->legal_entity, &in->segment, &in->contract_id, what));
  in->start = as_of;
  PetscCall(member(comm, file, e, "start", CONFIG_TYPE_STRING, PETSC_FALSE, &s));
  if (s) {
    PetscCheck(!BallastDateParse(config_setting_get_string(s), &in->start), comm, BALLAST_ERR_USAGE, "%s:%d: %s: start '%s' is not a date YYYY-MM-DD", file, BallastCfgLine(s), what, config_setting_get_string(s));
    char d[11];
    BallastDateFormat(as_of, d);
    PetscCheck(in->start >= as_of, comm, BALLAST_ERR_USAGE, "%s:%d: %s: start '%s' is before the as-of date %s (an action starts at the as-of date or later)", file, BallastCfgLine(s), what, config_setting_get_string(s), d);
  }
  PetscCall(parse_term(comm, file, e, PETSC_FALSE, &in->term_n, &in->term_unit, &has_term));
  in->maturity = has_term ? BallastDateAddTenor(in->start, in->term_n, in->term_unit) : BALLAST_DATE_NONE;
  in->rate_kind = BALLAST_RATE_PAR;
  in->rate      = NAN;
  s             = config_setting_get_member(e, "rate");
  if (s && config_setting_type(s) == CONFIG_TYPE_STRING) {
    PetscCheck(!strcmp(config_setting_get_string(s), "par"), comm, BALLAST_ERR_USAGE, "%s:%d: %s: rate '%s' must be \"par\" or a number (decimal)", file, BallastCfgLine(s), what, config_setting_get_string(s));
  } else if (s) {
    PetscCall(get_number(comm, file, e, "rate", PETSC_TRUE, &in->rate, NULL));
    in->rate_kind = BALLAST_RATE_FIXED;
  }
  in->spread = 0;
  PetscCall(get_number(comm, file, e, "spread", PETSC_FALSE, &in->spread, NULL));
  PetscCall(check_required(comm, file, in->line, what, &in->terms, in->portfolio, has_term, PETSC_FALSE, PETSC_FALSE));
  if (!in->contract_id) {
    char id[300];
    snprintf(id, sizeof id, "%s#%d", aname, (int)k + 1);
    PetscCall(PetscStrallocpy(id, &in->contract_id));
  }
  {
    int       ct  = (int)in->terms.contractType;
    PetscBool par = (PetscBool)(ct == BALLAST_CT_PAM || ct == BALLAST_CT_ANN || ct == BALLAST_CT_LAM || ct == BALLAST_CT_NAM || ct == BALLAST_CT_SWPPV);
    PetscCheck(par || in->rate_kind == BALLAST_RATE_FIXED || !s, comm, BALLAST_ERR_USAGE, "%s:%d: %s: a %s has no par rate (no maturity to price to): give rate as a number", file, BallastCfgLine(s), what,
               BallastContractTypeName((BallastContractType)ct));
    if (!par && !s) in->rate_kind = BALLAST_RATE_FIXED; /* rate absent: none (STK, CSH, FXOUT) or the template's own */
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_action(MPI_Comm comm, const char *file, const char *dir, BallastDate as_of, config_setting_t *e, BallastNames names, BallastAction *a)
{
  config_setting_t *s;
  PetscFunctionBeginUser;
  PetscCheck(config_setting_type(e) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: actions: each entry must be a group { name = ...; ... }, not %s", file, BallastCfgLine(e), BallastCfgTypeName(config_setting_type(e)));
  a->line = BallastCfgLine(e);
  PetscCall(get_string(comm, file, e, "name", PETSC_TRUE, &a->name));
  PetscCall(BallastCfgCheckKeys(comm, file, e, action_keys, -1, NULL, NULL));
  PetscCheck(strcmp(a->name, "none"), comm, BALLAST_ERR_USAGE, "%s:%d: action name 'none' is reserved (action index 0, the unchanged balance sheet)", file, a->line);
  for (const char *p = a->name; *p; p++)
    PetscCheck(*p >= ' ' && *p != '"' && *p != ',', comm, BALLAST_ERR_USAGE, "%s:%d: action name '%s': no commas, quotes or control characters", file, a->line, a->name);
  if ((s = config_setting_get_member(e, "add"))) {
    PetscCall(string_list(comm, file, s, &a->nadd, &a->add));
    for (PetscInt i = 0; i < a->nadd; i++) {
      char *r;
      PetscCall(BallastPathResolve(dir, a->add[i], &r));
      PetscCall(PetscFree(a->add[i]));
      a->add[i] = r;
    }
  }
  PetscCall(member(comm, file, e, "add_instruments", CONFIG_TYPE_LIST, PETSC_FALSE, &s));
  if (s) {
    a->ninstr = config_setting_length(s);
    PetscCall(PetscCalloc1(a->ninstr + 1, &a->instr));
    for (PetscInt k = 0; k < a->ninstr; k++) PetscCall(parse_instrument(comm, file, as_of, config_setting_get_elem(s, (unsigned)k), names, a->name, k, &a->instr[k]));
  }
  PetscCall(member(comm, file, e, "scale", CONFIG_TYPE_LIST, PETSC_FALSE, &s));
  if (s) {
    a->nscale = config_setting_length(s);
    PetscCall(PetscCalloc1(a->nscale + 1, &a->scale));
    for (PetscInt k = 0; k < a->nscale; k++) {
      config_setting_t *c = config_setting_get_elem(s, (unsigned)k);
      PetscCheck(config_setting_type(c) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: action '%s': scale entries are groups { filter = {...}; factor = ...; }", file, BallastCfgLine(c), a->name);
      PetscCall(BallastCfgCheckKeys(comm, file, c, scale_keys, -1, NULL, NULL));
      PetscCall(parse_filter(comm, file, c, &a->scale[k].filter));
      PetscCall(get_number(comm, file, c, "factor", PETSC_TRUE, &a->scale[k].factor, NULL));
      PetscCheck(a->scale[k].factor >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: action '%s': factor %g must not be negative (0 removes, 0.5 halves)", file, BallastCfgLine(c), a->name, a->scale[k].factor);
    }
  }
  PetscCall(member(comm, file, e, "remove", CONFIG_TYPE_LIST, PETSC_FALSE, &s));
  if (s) {
    a->nremove = config_setting_length(s);
    PetscCall(PetscCalloc1(a->nremove + 1, &a->remove));
    for (PetscInt k = 0; k < a->nremove; k++) {
      config_setting_t *c = config_setting_get_elem(s, (unsigned)k);
      PetscCheck(config_setting_type(c) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: action '%s': remove entries are groups { filter = {...}; }", file, BallastCfgLine(c), a->name);
      PetscCall(BallastCfgCheckKeys(comm, file, c, remove_keys, -1, NULL, NULL));
      PetscCall(parse_filter(comm, file, c, &a->remove[k]));
    }
  }
  if ((s = config_setting_get_member(e, "include"))) PetscCall(string_list(comm, file, s, &a->ninclude, &a->include));
  PetscCheck(a->nadd + a->ninstr + a->nscale + a->nremove + a->ninclude > 0, comm, BALLAST_ERR_USAGE, "%s:%d: action '%s' changes nothing: give add, add_instruments, scale, remove or include", file, a->line, a->name);
  PetscFunctionReturn(0);
}

/* Depth-first flattening of includes: state 0 unseen, 1 on the path, 2 done. */
static PetscErrorCode flatten(MPI_Comm comm, const char *file, BallastPlanning *p, PetscInt i, int *state, PetscInt *out, PetscInt *nout, PetscBool *seen)
{
  BallastAction *a = &p->actions[i];
  PetscFunctionBeginUser;
  state[i] = 1;
  for (PetscInt k = 0; k < a->ninclude; k++) {
    PetscInt j = BallastPlanningFindAction(p, a->include[k]);
    PetscCheck(j >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: action '%s' includes '%s', which is not an action of this configuration", file, a->line, a->name, a->include[k]);
    PetscCheck(state[j] != 1, comm, BALLAST_ERR_USAGE, "%s:%d: action '%s' includes '%s', which includes it back: a circular include", file, a->line, a->name, a->include[k]);
    if (state[j] == 0) PetscCall(flatten(comm, file, p, j, state, NULL, NULL, NULL));
  }
  state[i] = 2;
  if (out) { /* collect in order: included actions' flattened lists, then itself; each once */
    for (PetscInt k = 0; k < a->ninclude; k++) {
      PetscInt j = BallastPlanningFindAction(p, a->include[k]);
      for (PetscInt m = 0; m < p->actions[j].nflat; m++) {
        PetscInt q = p->actions[j].flat[m];
        if (!seen[q]) { seen[q] = PETSC_TRUE; out[(*nout)++] = q; }
      }
    }
    if (!seen[i]) { seen[i] = PETSC_TRUE; out[(*nout)++] = i; }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_product(MPI_Comm comm, const char *file, config_setting_t *e, BallastNames names, BallastProduct *q)
{
  config_setting_t *g, *s;
  char              what[160];
  PetscBool         has_term;
  char             *type = NULL;
  PetscFunctionBeginUser;
  PetscCheck(config_setting_type(e) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: new_business.products: each entry must be a group { name = ...; ... }", file, BallastCfgLine(e));
  q->line = BallastCfgLine(e);
  PetscCall(get_string(comm, file, e, "name", PETSC_TRUE, &q->name));
  PetscCall(BallastCfgCheckKeys(comm, file, e, product_keys, -1, NULL, NULL));
  snprintf(what, sizeof what, "product '%s'", q->name);
  PetscCall(parse_template(comm, file, e, names, &q->terms, &q->alm, &q->portfolio, &q->legal_entity, &q->segment, NULL, what));
  PetscCall(parse_term(comm, file, e, PETSC_TRUE, &q->term_n, &q->term_unit, &has_term));
  PetscCall(member(comm, file, e, "pricing", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(get_string(comm, file, g, "type", PETSC_TRUE, &type));
  PetscCall(member(comm, file, g, "type", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  PetscBool fixed = (PetscBool)!strcmp(type, "fixed"), flt = (PetscBool)!strcmp(type, "floating");
  PetscCall(PetscFree(type));
  PetscCheck(fixed || flt, comm, BALLAST_ERR_USAGE, "%s:%d: %s: pricing type '%s' must be \"fixed\" or \"floating\"", file, BallastCfgLine(s), what, config_setting_get_string(s));
  PetscCall(BallastCfgCheckKeys(comm, file, g, fixed ? fixed_keys : float_keys, -1, NULL, fixed ? " in pricing of type fixed" : " in pricing of type floating"));
  q->pricing = fixed ? BALLAST_PRICING_FIXED : BALLAST_PRICING_FLOATING;
  PetscCall(get_string(comm, file, g, fixed ? "curve" : "index", PETSC_TRUE, &q->curve));
  q->curve_id = -1;
  PetscCall(get_number(comm, file, g, "spread", PETSC_FALSE, &q->spread, NULL));
  PetscCheck(!(flt && q->terms.marketObjectCodeOfRateReset >= 0), comm, BALLAST_ERR_USAGE, "%s:%d: %s: a floating product's index is pricing.index: remove terms key 'marketObjectCodeOfRateReset'", file, q->line, what);
  PetscCheck(!(flt && !isnan(q->terms.rateSpread)), comm, BALLAST_ERR_USAGE, "%s:%d: %s: a floating product's spread is pricing.spread: remove terms key 'rateSpread'", file, q->line, what);
  PetscCheck(!(fixed && q->terms.cycleOfRateReset.n > 0), comm, BALLAST_ERR_USAGE, "%s:%d: %s: a fixed-rate product has no cycleOfRateReset (use pricing type \"floating\")", file, q->line, what);
  PetscCheck(q->terms.contractType != BALLAST_CT_SWPPV && q->terms.contractType != BALLAST_CT_STK && q->terms.contractType != BALLAST_CT_CSH && q->terms.contractType != BALLAST_CT_FXOUT, comm, BALLAST_ERR_USAGE,
             "%s:%d: %s: new business is written in loan and deposit types (PAM, ANN, LAM, NAM, CLM, UMP)", file, q->line, what);
  PetscCall(check_required(comm, file, q->line, what, &q->terms, q->portfolio, has_term, flt, PETSC_TRUE));
  PetscCall(member(comm, file, e, "volume", CONFIG_TYPE_GROUP, PETSC_TRUE, &g));
  PetscCall(get_string(comm, file, g, "type", PETSC_TRUE, &type));
  PetscCall(member(comm, file, g, "type", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  PetscBool monthly = (PetscBool)!strcmp(type, "monthly"), repl = (PetscBool)!strcmp(type, "replace");
  PetscCall(PetscFree(type));
  PetscCheck(monthly || repl, comm, BALLAST_ERR_USAGE, "%s:%d: %s: volume type '%s' must be \"monthly\" or \"replace\"", file, BallastCfgLine(s), what, config_setting_get_string(s));
  PetscCall(BallastCfgCheckKeys(comm, file, g, monthly ? monthly_keys : replace_keys, -1, NULL, monthly ? " in volume of type monthly" : " in volume of type replace"));
  if (monthly) {
    q->volume = BALLAST_VOLUME_MONTHLY;
    PetscCall(member(comm, file, g, "amounts", CONFIG_TYPE_ARRAY, PETSC_TRUE, &s));
    q->namounts = config_setting_length(s);
    PetscCheck(q->namounts > 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s: volume.amounts must not be empty", file, BallastCfgLine(s), what);
    PetscCall(PetscMalloc1(q->namounts, &q->amounts));
    for (PetscInt k = 0; k < q->namounts; k++) {
      config_setting_t *v = config_setting_get_elem(s, (unsigned)k);
      PetscCheck(is_number(config_setting_type(v)) && isfinite(number_of(v)) && number_of(v) >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: %s: volume.amounts element %d must be a non-negative amount", file, BallastCfgLine(s), what,
                 (int)k + 1);
      q->amounts[k] = number_of(v);
    }
  } else {
    q->volume = BALLAST_VOLUME_REPLACE;
    PetscCall(get_string(comm, file, g, "portfolio", PETSC_TRUE, &q->replace_portfolio));
    q->replace_id = -1;
    q->growth     = 0;
    PetscCall(get_number(comm, file, g, "growth", PETSC_FALSE, &q->growth, NULL));
    PetscCheck(q->growth > -1, comm, BALLAST_ERR_USAGE, "%s:%d: %s: volume.growth %g must be above -1 (a yearly rate: 0.03 = +3 %%)", file, BallastCfgLine(g), what, q->growth);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode parse_limit(MPI_Comm comm, const char *file, config_setting_t *e, BallastLimit *l)
{
  config_setting_t *s;
  char             *metric;
  PetscFunctionBeginUser;
  PetscCheck(config_setting_type(e) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: limits: each entry must be a group { name = ...; metric = ...; ... }", file, BallastCfgLine(e));
  l->line = BallastCfgLine(e);
  PetscCall(get_string(comm, file, e, "name", PETSC_TRUE, &l->name));
  PetscCall(BallastCfgCheckKeys(comm, file, e, limit_keys, -1, NULL, NULL));
  PetscCall(get_string(comm, file, e, "metric", PETSC_TRUE, &metric));
  PetscCall(member(comm, file, e, "metric", CONFIG_TYPE_STRING, PETSC_TRUE, &s));
  int m = -1;
  for (int k = 0; k < BALLAST_METRIC_COUNT; k++)
    if (!strcmp(metric, BallastLimitMetricNames[k])) m = k;
  PetscCall(PetscFree(metric));
  PetscCheck(m >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': unknown metric '%s' (eve_outlier_ratio, nii_outlier_ratio, lcr, nsfr, survival_days, pv01, key_rate_pv01, delta_eve, delta_nii)", file, BallastCfgLine(s), l->name,
             config_setting_get_string(s));
  l->metric = (BallastLimitMetric)m;
  PetscCall(get_string(comm, file, e, "scenario", PETSC_FALSE, &l->scenario));
  PetscCall(get_string(comm, file, e, "currency", PETSC_FALSE, &l->currency));
  PetscCall(get_string(comm, file, e, "key_tenor", PETSC_FALSE, &l->key_tenor));
  PetscBool need_scen = (PetscBool)(m == BALLAST_METRIC_SURVIVAL_DAYS || m == BALLAST_METRIC_DELTA_EVE || m == BALLAST_METRIC_DELTA_NII);
  PetscBool need_ccy = (PetscBool)(m == BALLAST_METRIC_PV01 || m == BALLAST_METRIC_KEY_RATE_PV01), may_ccy = (PetscBool)(need_ccy || m == BALLAST_METRIC_DELTA_EVE || m == BALLAST_METRIC_DELTA_NII);
  PetscCheck(!need_scen || l->scenario, comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': metric %s needs a scenario (%s)", file, l->line, l->name, BallastLimitMetricNames[m],
             m == BALLAST_METRIC_SURVIVAL_DAYS ? "a liquidity scenario of the regime" : "an IRRBB scenario of the run");
  PetscCheck(need_scen || !l->scenario, comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': metric %s takes no scenario", file, l->line, l->name, BallastLimitMetricNames[m]);
  PetscCheck(!need_ccy || l->currency, comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': metric %s needs a currency", file, l->line, l->name, BallastLimitMetricNames[m]);
  PetscCheck(may_ccy || !l->currency, comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': metric %s takes no currency", file, l->line, l->name, BallastLimitMetricNames[m]);
  PetscCheck((m == BALLAST_METRIC_KEY_RATE_PV01) == (l->key_tenor != NULL), comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': %s", file, l->line, l->name,
             m == BALLAST_METRIC_KEY_RATE_PV01 ? "metric key_rate_pv01 needs a key_tenor (a key tenor of the regime, e.g. \"10Y\")" : "only key_rate_pv01 takes a key_tenor");
  double    v[3];
  PetscBool given[3];
  PetscCall(get_number(comm, file, e, "min", PETSC_FALSE, &v[0], &given[0]));
  PetscCall(get_number(comm, file, e, "max", PETSC_FALSE, &v[1], &given[1]));
  PetscCall(get_number(comm, file, e, "max_abs", PETSC_FALSE, &v[2], &given[2]));
  PetscCheck(given[0] + given[1] + given[2] == 1, comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': give exactly one breach level: min, max or max_abs", file, l->line, l->name);
  l->kind  = given[0] ? BALLAST_LIMIT_MIN : given[1] ? BALLAST_LIMIT_MAX : BALLAST_LIMIT_MAX_ABS;
  l->level = v[l->kind];
  PetscCheck(l->kind != BALLAST_LIMIT_MAX_ABS || l->level >= 0, comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': max_abs %g must not be negative", file, l->line, l->name, l->level);
  PetscCall(get_number(comm, file, e, "warning", PETSC_FALSE, &l->warning, &l->has_warning));
  if (l->has_warning) {
    PetscBool safe = l->kind == BALLAST_LIMIT_MIN ? (PetscBool)(l->warning >= l->level) : (PetscBool)(l->warning <= l->level && (l->kind == BALLAST_LIMIT_MAX || l->warning >= 0));
    PetscCheck(safe, comm, BALLAST_ERR_USAGE, "%s:%d: limit '%s': warning %g must lie on the safe side of the breach level %g (%s)", file, l->line, l->name, l->warning, l->level,
               l->kind == BALLAST_LIMIT_MIN ? "at or above a min" : "at or below a max");
  }
  PetscFunctionReturn(0);
}

/* Checks every action's includes (known, no cycle), then builds the flat lists, included ones first;
 * state and seen are p->nactions long, state zeroed. */
static PetscErrorCode flatten_all(MPI_Comm comm, const char *file, BallastPlanning *p, int *state, PetscBool *seen)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < p->nactions; i++)
    if (!state[i]) PetscCall(flatten(comm, file, p, i, state, NULL, NULL, NULL));
  /* every include resolves and no cycle: now build the flat lists, included ones first */
  PetscInt left = p->nactions;
  while (left > 0)
    for (PetscInt i = 0; i < p->nactions; i++) {
      BallastAction *a = &p->actions[i];
      if (a->flat) continue;
      PetscBool ready = PETSC_TRUE;
      for (PetscInt k = 0; k < a->ninclude; k++) ready = ready && p->actions[BallastPlanningFindAction(p, a->include[k])].flat != NULL;
      if (!ready) continue;
      PetscCall(PetscMalloc1(p->nactions, &a->flat));
      PetscCall(PetscArrayzero(seen, p->nactions));
      a->nflat = 0;
      PetscCall(flatten(comm, file, p, i, state, a->flat, &a->nflat, seen));
      left--;
    }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastPlanningParse(MPI_Comm comm, const char *file, const char *dir, BallastDate as_of, config_setting_t *root, BallastPlanning *p)
{
  config_setting_t *s, *g;
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  PetscCheck(BallastNamesCreate(&p->names) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  /* actions */
  PetscCall(member(comm, file, root, "actions", CONFIG_TYPE_LIST, PETSC_FALSE, &s));
  if (s) {
    p->line_actions = BallastCfgLine(s);
    p->nactions     = config_setting_length(s);
    PetscCall(PetscCalloc1(p->nactions + 1, &p->actions));
    for (PetscInt i = 0; i < p->nactions; i++) {
      PetscCall(parse_action(comm, file, dir, as_of, config_setting_get_elem(s, (unsigned)i), p->names, &p->actions[i]));
      for (PetscInt j = 0; j < i; j++)
        PetscCheck(strcmp(p->actions[i].name, p->actions[j].name), comm, BALLAST_ERR_USAGE, "%s:%d: action name '%s' is used twice (also on line %d)", file, p->actions[i].line, p->actions[i].name, p->actions[j].line);
    }
    int           *state;
    PetscBool     *seen;
    PetscErrorCode ierr;
    PetscCall(PetscCalloc2(p->nactions, &state, p->nactions, &seen));
    ierr = flatten_all(comm, file, p, state, seen);
    PetscCall(PetscFree2(state, seen)); /* also when an include is unknown or cyclic */
    PetscCall(ierr);
  }
  /* new business */
  PetscCall(member(comm, file, root, "new_business", CONFIG_TYPE_GROUP, PETSC_FALSE, &g));
  if (g) {
    p->line_new_business = p->plan.line = BallastCfgLine(g);
    PetscCall(BallastCfgCheckKeys(comm, file, g, nb_keys, -1, NULL, NULL));
    PetscCall(member(comm, file, g, "horizon_months", CONFIG_TYPE_INT, PETSC_TRUE, &s));
    long long h = config_setting_get_int64(s);
    PetscCheck(h >= 1 && h <= 120, comm, BALLAST_ERR_USAGE, "%s:%d: new_business.horizon_months %lld must be between 1 and 120", file, BallastCfgLine(s), h);
    p->plan.horizon_months = (PetscInt)h;
    PetscCall(member(comm, file, g, "products", CONFIG_TYPE_LIST, PETSC_TRUE, &s));
    p->plan.nproducts = config_setting_length(s);
    PetscCheck(p->plan.nproducts > 0, comm, BALLAST_ERR_USAGE, "%s:%d: new_business.products must not be empty", file, BallastCfgLine(s));
    PetscCall(PetscCalloc1(p->plan.nproducts, &p->plan.products));
    for (PetscInt i = 0; i < p->plan.nproducts; i++) {
      PetscCall(parse_product(comm, file, config_setting_get_elem(s, (unsigned)i), p->names, &p->plan.products[i]));
      for (PetscInt j = 0; j < i; j++)
        PetscCheck(strcmp(p->plan.products[i].name, p->plan.products[j].name), comm, BALLAST_ERR_USAGE, "%s:%d: product name '%s' is used twice", file, p->plan.products[i].line, p->plan.products[i].name);
    }
  }
  /* limits */
  PetscCall(member(comm, file, root, "limits", CONFIG_TYPE_LIST, PETSC_FALSE, &s));
  if (s) {
    p->line_limits = BallastCfgLine(s);
    p->nlimits     = config_setting_length(s);
    PetscCall(PetscCalloc1(p->nlimits + 1, &p->limits));
    for (PetscInt i = 0; i < p->nlimits; i++) {
      PetscCall(parse_limit(comm, file, config_setting_get_elem(s, (unsigned)i), &p->limits[i]));
      for (PetscInt j = 0; j < i; j++)
        PetscCheck(strcmp(p->limits[i].name, p->limits[j].name), comm, BALLAST_ERR_USAGE, "%s:%d: limit name '%s' is used twice", file, p->limits[i].line, p->limits[i].name);
    }
  }
  /* nii.margins, nii.reserves_rate */
  g = config_setting_get_member(root, "nii");
  if (g && config_setting_type(g) == CONFIG_TYPE_GROUP) {
    PetscCall(member(comm, file, g, "margins", CONFIG_TYPE_LIST, PETSC_FALSE, &s));
    if (s) {
      p->line_margins = BallastCfgLine(s);
      p->nmargins     = config_setting_length(s);
      PetscCall(PetscCalloc1(p->nmargins + 1, &p->margins));
      for (PetscInt i = 0; i < p->nmargins; i++) {
        config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
        PetscCheck(config_setting_type(c) == CONFIG_TYPE_GROUP, comm, BALLAST_ERR_USAGE, "%s:%d: nii.margins entries are groups { filter = {...}; margin = ...; }", file, BallastCfgLine(c));
        PetscCall(BallastCfgCheckKeys(comm, file, c, margin_keys, -1, NULL, NULL));
        PetscCall(parse_filter(comm, file, c, &p->margins[i].filter));
        PetscCall(get_number(comm, file, c, "margin", PETSC_TRUE, &p->margins[i].margin, NULL));
      }
    }
    PetscCall(member(comm, file, g, "reserves_rate", CONFIG_TYPE_GROUP, PETSC_FALSE, &s));
    if (s) {
      p->line_reserves = BallastCfgLine(s);
      p->nreserves     = config_setting_length(s);
      PetscCall(PetscCalloc1(p->nreserves + 1, &p->reserves_ccy));
      PetscCall(PetscMalloc1(p->nreserves + 1, &p->reserves_rate));
      for (PetscInt i = 0; i < p->nreserves; i++) {
        config_setting_t *c = config_setting_get_elem(s, (unsigned)i);
        PetscCheck(is_number(config_setting_type(c)) && isfinite(number_of(c)), comm, BALLAST_ERR_USAGE, "%s:%d: nii.reserves_rate.%s must be a number (decimal rate), not %s", file, BallastCfgLine(c), config_setting_name(c),
                   BallastCfgTypeName(config_setting_type(c)));
        PetscCall(PetscStrallocpy(config_setting_name(c), &p->reserves_ccy[i]));
        p->reserves_rate[i] = number_of(c);
      }
    }
  }
  PetscFunctionReturn(0);
}
