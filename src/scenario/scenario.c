/* IRRBB scenarios: regulatory shocks, user shifts, replacement curves and PV01 bumps applied to
 * zero curves (see include/ballast/scenario.h for how shocks meet pillars). Numerical core. */
#include <ballast/scenario.h>
#include <math.h>
#include <string.h>

static const char *const reg_names[BALLAST_REG_COUNT] = {"parallel_up", "parallel_down", "steepener", "flattener", "short_up", "short_down"};

const char *BallastRegScenarioName(BallastRegScenario s) { return (int)s >= 0 && s < BALLAST_REG_COUNT ? reg_names[s] : NULL; }

int BallastRegScenarioFind(const char *name)
{
  for (int i = 0; name && i < BALLAST_REG_COUNT; i++)
    if (!strcmp(name, reg_names[i])) return i;
  return -1;
}

const BallastRegimeShock *BallastRegimeShockFind(const BallastRegime *r, const char *code)
{
  if (!r || !code) return NULL;
  for (PetscInt i = 0; i < r->ncurrencies; i++)
    if (!strcmp(r->shock[i].code, code)) return &r->shock[i];
  return r->default_currency >= 0 ? &r->shock[r->default_currency] : NULL;
}

double BallastRegimeLowerBound(const BallastRegime *r, double t)
{
  if (!r || r->floor.type == BALLAST_FLOOR_NONE) return -INFINITY;
  double b = r->floor.at_zero + r->floor.slope * t;
  return b < r->floor.max ? b : r->floor.max;
}

/* ---- tenors ---- */

int BallastRegimeTenorParse(const char *text, BallastRegimeTenor *tn)
{
  int  n;
  char u;
  if (!text || BallastTenorParse(text, &n, &u) || n < 1 || strlen(text) >= sizeof tn->text) return -1;
  tn->n    = n;
  tn->unit = u;
  strcpy(tn->text, text);
  return 0;
}

double BallastTenorNominalYears(const BallastRegimeTenor *tn)
{
  switch (tn->unit) {
  case 'D': return tn->n / 365.0;
  case 'W': return 7.0 * tn->n / 365.0;
  case 'M': return tn->n / 12.0;
  default: return (double)tn->n;
  }
}

double BallastTenorYears(BallastDate as_of, const BallastRegimeTenor *tn) { return BallastYearsFrom(as_of, BallastDateAddTenor(as_of, tn->n, tn->unit)); }

/* ---- definitions ---- */

static PetscErrorCode def_init(const char *name, BallastScenarioKind kind, BallastScenarioDef *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscCall(PetscStrallocpy(name, &s->name));
  s->kind                = kind;
  s->prepayment_scalar   = 1.0;
  s->term_deposit_scalar = 1.0;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioDefRegulatory(const BallastRegime *r, const char *name, BallastScenarioDef *s)
{
  PetscFunctionBeginUser;
  if (!strcmp(name, "base")) {
    PetscCall(def_init(name, BALLAST_SCENARIO_BASE, s));
    PetscFunctionReturn(0);
  }
  int id = BallastRegScenarioFind(name);
  PetscCheck(id >= 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s' is neither base, a regulatory scenario (parallel_up, parallel_down, steepener, flattener, short_up, short_down) nor a user scenario", name);
  PetscCheck(r, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s' needs a regime file (configuration key 'regime')", name);
  PetscCall(def_init(name, BALLAST_SCENARIO_REGULATORY, s));
  s->reg                 = (BallastRegScenario)id;
  s->floor               = PETSC_TRUE;
  s->prepayment_scalar   = r->scenario[id].prepayment_scalar;
  s->term_deposit_scalar = r->scenario[id].term_deposit_scalar;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioDefParallel(const char *name, double shift_bp, BallastScenarioDef *s)
{
  PetscFunctionBeginUser;
  PetscCheck(isfinite(shift_bp), PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s': the shift must be finite", name);
  PetscCall(def_init(name, BALLAST_SCENARIO_PARALLEL, s));
  s->shift = shift_bp * 1e-4;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioDefTenorShifts(const char *name, PetscInt n, const char *const tenors[], const double shifts_bp[], BallastScenarioDef *s)
{
  BallastRegimeTenor *tn;
  PetscFunctionBeginUser;
  PetscCheck(n > 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s': no tenor shifts", name);
  PetscCall(PetscCalloc1(n, &tn));
  for (PetscInt i = 0; i < n; i++) {
    PetscBool ok = (PetscBool)(!BallastRegimeTenorParse(tenors[i], &tn[i]) && isfinite(shifts_bp[i]) && (i == 0 || BallastTenorNominalYears(&tn[i]) > BallastTenorNominalYears(&tn[i - 1])));
    if (!ok) PetscCall(PetscFree(tn));
    PetscCheck(ok, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s': tenor %" PetscInt_FMT " '%s' is not a tenor after the previous one, or its shift is not finite", name, i + 1, tenors[i]);
  }
  PetscCall(def_init(name, BALLAST_SCENARIO_TENOR_SHIFTS, s));
  s->ntenors = n;
  s->tenor   = tn;
  PetscCall(PetscMalloc1(n, &s->tenor_shift));
  for (PetscInt i = 0; i < n; i++) s->tenor_shift[i] = shifts_bp[i] * 1e-4;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioDefCurves(const char *name, const char *file, BallastScenarioDef *s)
{
  PetscFunctionBeginUser;
  PetscCall(def_init(name, BALLAST_SCENARIO_CURVES, s));
  PetscCall(PetscStrallocpy(file, &s->curves_file));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioDefRamp(const char *name, double shift_bp, PetscInt ramp_months, BallastScenarioDef *s)
{
  PetscFunctionBeginUser;
  PetscCheck(isfinite(shift_bp), PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s': the shift must be finite", name);
  PetscCheck(ramp_months >= 1, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s': ramp_months %" PetscInt_FMT " must be at least 1", name, ramp_months);
  PetscCall(def_init(name, BALLAST_SCENARIO_RAMP, s));
  s->shift       = shift_bp * 1e-4;
  s->ramp_months = ramp_months;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioDefDestroy(BallastScenarioDef *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(s->name));
  PetscCall(PetscFree(s->tenor));
  PetscCall(PetscFree(s->tenor_shift));
  PetscCall(PetscFree(s->curves_file));
  if (s->curves) {
    PetscCall(BallastMarketDataDestroy(s->curves));
    PetscCall(PetscFree(s->curves));
  }
  PetscCall(PetscMemzero(s, sizeof(*s)));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioDefsDestroy(PetscInt n, BallastScenarioDef **defs)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; *defs && i < n; i++) PetscCall(BallastScenarioDefDestroy(&(*defs)[i]));
  PetscCall(PetscFree(*defs));
  PetscFunctionReturn(0);
}

PetscInt BallastScenarioDefsFind(PetscInt n, const BallastScenarioDef *defs, const char *name)
{
  for (PetscInt i = 0; i < n; i++)
    if (defs[i].name && !strcmp(defs[i].name, name)) return i;
  return -1;
}

/* ---- shocks ---- */

/* dR(t) of regulatory scenario id with sizes sz (t < 0 is treated as 0). */
static double reg_shift(const BallastRegime *r, BallastRegScenario id, const BallastRegimeShock *sz, double t)
{
  const BallastRegimeScenario *c = &r->scenario[id];
  double                       S = exp(-(t > 0 ? t : 0) / r->short_decay), L = 1.0 - S;
  return c->parallel * sz->parallel + c->shrt * sz->shrt * S + c->lng * sz->lng * L;
}


double BallastScenarioFloor(const BallastRegime *r, double t, double z0, double zs)
{
  double b = BallastRegimeLowerBound(r, t);
  if (isinf(b)) return zs;
  if (z0 >= b) return zs > b ? zs : b; /* the unshocked rate is not below the bound: floor it */
  if (r->floor.below == BALLAST_FLOOR_BELOW_OBSERVED) return zs > z0 ? zs : z0;
  return zs; /* BALLAST_FLOOR_BELOW_UNFLOORED: the bound is not applied here */
}

static PetscErrorCode shock_sizes(const BallastRegime *r, const char *ccy, const char *curve, const BallastRegimeShock **sz)
{
  PetscFunctionBeginUser;
  *sz = BallastRegimeShockFind(r, ccy);
  PetscCheck(*sz, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "regime '%s' (%s) has no shock sizes for currency %s%s%s and sets no shocks.default_currency: add %s to shocks.currencies", r->name,
             r->path ? r->path : "?", ccy, curve ? " of curve " : "", curve ? curve : "", ccy);
  PetscFunctionReturn(0);
}

static PetscErrorCode check_def(const BallastRegime *r, const BallastScenarioDef *s)
{
  PetscFunctionBeginUser;
  PetscCheck(r || s->kind != BALLAST_SCENARIO_REGULATORY, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s' needs a regime file (configuration key 'regime')", s->name);
  PetscCheck(r || !s->floor, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s' asks for the regime's lower bound but no regime file is configured", s->name);
  PetscCheck(s->kind != BALLAST_SCENARIO_RAMP || !s->floor, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s': a ramp scenario has no lower bound (floor must be false)", s->name);
  PetscCheck(s->kind != BALLAST_SCENARIO_CURVES || s->curves, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s': replacement curves (%s) not loaded", s->name,
             s->curves_file ? s->curves_file : "no file");
  PetscFunctionReturn(0);
}

static const char *currency_of(const BallastMarketData *m, const BallastCurve *c)
{
  const char *code = m->currencies ? BallastNamesGet(m->currencies, c->currency) : NULL;
  return code ? code : "?";
}

/* The replacement of base curve k in s->curves (same curveID and currency). */
static PetscErrorCode replacement(const BallastScenarioDef *s, const BallastMarketData *base, PetscInt k, const BallastCurve **rc)
{
  const BallastCurve *c = &base->curves[k];
  PetscFunctionBeginUser;
  PetscInt j = BallastMarketFindCurve(s->curves, c->name);
  PetscCheck(j >= 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "scenario '%s': replacement curves %s have no curve '%s' (a replacement set must give every curve)", s->name,
             s->curves_file ? s->curves_file : "", c->name);
  *rc = &s->curves->curves[j];
  PetscCheck(!strcmp(currency_of(s->curves, *rc), currency_of(base, c)), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "scenario '%s': replacement curve '%s' is in %s, the base curve in %s", s->name,
             c->name, currency_of(s->curves, *rc), currency_of(base, c));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioShift(const BallastRegime *r, const BallastScenarioDef *s, const char *ccy, BallastDate as_of, double t, double *dR)
{
  PetscFunctionBeginUser;
  PetscCall(check_def(r, s));
  switch (s->kind) {
  case BALLAST_SCENARIO_BASE: *dR = 0; break;
  case BALLAST_SCENARIO_PARALLEL: *dR = s->shift; break;
  case BALLAST_SCENARIO_REGULATORY: {
    const BallastRegimeShock *sz;
    PetscCall(shock_sizes(r, ccy, NULL, &sz));
    *dR = reg_shift(r, s->reg, sz, t);
  } break;
  case BALLAST_SCENARIO_TENOR_SHIFTS: {
    double *tt;
    PetscCall(PetscMalloc1(s->ntenors, &tt));
    for (PetscInt i = 0; i < s->ntenors; i++) tt[i] = BallastTenorYears(as_of, &s->tenor[i]);
    *dR = BallastInterpLinear(s->ntenors, tt, s->tenor_shift, t);
    PetscCall(PetscFree(tt));
  } break;
  case BALLAST_SCENARIO_RAMP: {
    BallastCurve c = {0};
    c.ramp_shift = s->shift;
    c.ramp_years = (double)s->ramp_months / 12.0;
    *dR          = t > 0 ? BallastCurveRampIntegral(&c, t) / t : 0.0;
  } break;
  case BALLAST_SCENARIO_CURVES: SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_USAGE, "scenario '%s' replaces curves: it has no shift dR(t)", s->name);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioZero(const BallastRegime *r, const BallastScenarioDef *s, const BallastMarketData *base, PetscInt k, double t, double *z)
{
  const BallastCurve *c = &base->curves[k];
  double              z0 = BallastCurveZero(c, t), zs;
  PetscFunctionBeginUser;
  PetscCall(check_def(r, s));
  if (s->kind == BALLAST_SCENARIO_CURVES) {
    const BallastCurve *rc;
    PetscCall(replacement(s, base, k, &rc));
    zs = BallastCurveZero(rc, t);
  } else {
    double dR;
    PetscCall(BallastScenarioShift(r, s, currency_of(base, c), base->as_of, t, &dR));
    zs = z0 + dR;
  }
  *z = s->floor ? BallastScenarioFloor(r, t, z0, zs) : zs;
  PetscFunctionReturn(0);
}

/* Insert the sorted times tins[0..m) as pillars of c, zero rate interpolated from c (so the curve
 * is unchanged as a function); times within 1e-12 years of an existing pillar are skipped. */
static PetscErrorCode curve_insert(BallastCurve *c, PetscInt m, const double *tins)
{
  const double tol = 1e-12;
  double      *t, *z;
  PetscInt     n = c->n, i = 0, j = 0, k = 0;
  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(n + m, &t, n + m, &z));
  while (i < n || j < m) {
    if (j >= m || (i < n && c->t[i] <= tins[j] + tol)) {
      t[k]   = c->t[i];
      z[k++] = c->z[i];
      while (j < m && fabs(tins[j] - c->t[i]) <= tol) j++;
      i++;
    } else {
      if (k == 0 || tins[j] > t[k - 1] + tol) {
        t[k] = tins[j];
        z[k++] = BallastCurvePillarZero(c, tins[j]); /* the pillars' own interpolation (a ramp overlay stays as it is) */
      }
      j++;
    }
  }
  PetscCall(PetscFree2(c->t, c->z));
  c->t = t;
  c->z = z;
  c->n = k;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastScenarioApply(const BallastRegime *r, const BallastScenarioDef *s, const BallastMarketData *base, BallastMarketData *shocked)
{
  double *tt = NULL;
  PetscFunctionBeginUser;
  PetscCall(check_def(r, s));
  /* every check before the copy, so that an error leaves nothing allocated */
  if (s->kind == BALLAST_SCENARIO_REGULATORY)
    for (PetscInt k = 0; k < base->ncurves; k++) {
      const BallastRegimeShock *sz;
      PetscCall(shock_sizes(r, currency_of(base, &base->curves[k]), base->curves[k].name, &sz));
    }
  if (s->kind == BALLAST_SCENARIO_CURVES) {
    const BallastCurve *rc;
    for (PetscInt k = 0; k < base->ncurves; k++) PetscCall(replacement(s, base, k, &rc));
    for (PetscInt j = 0; j < s->curves->ncurves; j++)
      PetscCheck(BallastMarketFindCurve(base, s->curves->curves[j].name) >= 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "scenario '%s': replacement curve '%s' (%s) is not a curve of the base market data",
                 s->name, s->curves->curves[j].name, s->curves_file ? s->curves_file : "");
  }
  PetscCall(BallastMarketDataDuplicate(base, shocked));
  if (s->kind == BALLAST_SCENARIO_TENOR_SHIFTS) {
    PetscCall(PetscMalloc1(s->ntenors, &tt));
    for (PetscInt i = 0; i < s->ntenors; i++) tt[i] = BallastTenorYears(base->as_of, &s->tenor[i]);
  }
  for (PetscInt k = 0; k < shocked->ncurves; k++) {
    BallastCurve             *c  = &shocked->curves[k];
    const BallastCurve       *c0 = &base->curves[k];
    const BallastRegimeShock *sz = NULL;
    switch (s->kind) {
    case BALLAST_SCENARIO_BASE: break;
    case BALLAST_SCENARIO_CURVES: {
      const BallastCurve *rc;
      PetscCall(replacement(s, base, k, &rc));
      PetscCall(PetscFree2(c->t, c->z));
      PetscCall(PetscMalloc2(rc->n, &c->t, rc->n, &c->z));
      PetscCall(PetscArraycpy(c->t, rc->t, rc->n));
      PetscCall(PetscArraycpy(c->z, rc->z, rc->n));
      c->n = rc->n;
    } break;
    case BALLAST_SCENARIO_PARALLEL:
      for (PetscInt i = 0; i < c->n; i++) c->z[i] += s->shift;
      break;
    case BALLAST_SCENARIO_RAMP: /* pillars unchanged: the shift is the analytic overlay, exact between pillars too */
      c->ramp_shift = s->shift;
      c->ramp_years = (double)s->ramp_months / 12.0;
      break;
    case BALLAST_SCENARIO_TENOR_SHIFTS:
      PetscCall(curve_insert(c, s->ntenors, tt));
      for (PetscInt i = 0; i < c->n; i++) c->z[i] += BallastInterpLinear(s->ntenors, tt, s->tenor_shift, c->t[i]);
      break;
    case BALLAST_SCENARIO_REGULATORY:
      PetscCall(shock_sizes(r, currency_of(base, c0), c0->name, &sz));
      for (PetscInt i = 0; i < c->n; i++) c->z[i] += reg_shift(r, s->reg, sz, c->t[i]);
      break;
    }
    if (s->floor)
      for (PetscInt i = 0; i < c->n; i++) c->z[i] = BallastScenarioFloor(r, c->t[i], BallastCurveZero(c0, c->t[i]), c->z[i]);
  }
  PetscCall(PetscFree(tt));
  PetscFunctionReturn(0);
}

/* ---- PV01 bumps ---- */

PetscErrorCode BallastScenarioKeyTimes(const BallastRegime *r, BallastDate as_of, double *t)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < r->nkey; k++) t[k] = BallastTenorYears(as_of, &r->key_tenor[k]);
  PetscFunctionReturn(0);
}

double BallastKeyRateWeight(PetscInt nkey, const double *tkey, PetscInt k, double t)
{
  if (k < 0 || k >= nkey) return 0;
  if (t <= tkey[0]) return k == 0 ? 1.0 : 0.0;
  if (t >= tkey[nkey - 1]) return k == nkey - 1 ? 1.0 : 0.0;
  if (k > 0 && t <= tkey[k - 1]) return 0;
  if (k < nkey - 1 && t >= tkey[k + 1]) return 0;
  if (t <= tkey[k]) return (t - tkey[k - 1]) / (tkey[k] - tkey[k - 1]); /* k > 0 here: t > tkey[0] */
  return (tkey[k + 1] - t) / (tkey[k + 1] - tkey[k]);                   /* k < nkey-1 here */
}

PetscErrorCode BallastScenarioBump(const BallastRegime *r, const BallastMarketData *base, const char *ccy, PetscInt key, double size, BallastMarketData *bumped)
{
  double  *tk = NULL;
  int32_t  id = base->currencies ? BallastNamesFind(base->currencies, ccy) : -1;
  PetscInt found = 0;
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < base->ncurves; k++) found += base->curves[k].currency == id;
  PetscCheck(id >= 0 && found, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "no curve in currency %s to bump", ccy);
  PetscCheck(key < 0 || (r && key < r->nkey), PETSC_COMM_SELF, BALLAST_ERR_USAGE, "key tenor %" PetscInt_FMT " does not exist (the regime lists %" PetscInt_FMT ")", key, r ? r->nkey : 0);
  PetscCall(BallastMarketDataDuplicate(base, bumped));
  if (key >= 0) {
    PetscCall(PetscMalloc1(r->nkey, &tk));
    PetscCall(BallastScenarioKeyTimes(r, base->as_of, tk));
  }
  for (PetscInt k = 0; k < bumped->ncurves; k++) {
    BallastCurve *c = &bumped->curves[k];
    if (c->currency != id) continue;
    if (key >= 0) PetscCall(curve_insert(c, r->nkey, tk));
    for (PetscInt i = 0; i < c->n; i++) c->z[i] += key < 0 ? size : size * BallastKeyRateWeight(r->nkey, tk, key, c->t[i]);
  }
  PetscCall(PetscFree(tk));
  PetscFunctionReturn(0);
}
