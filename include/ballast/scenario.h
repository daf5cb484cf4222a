/* IRRBB interest rate scenarios (../shared/spec/metrics.md "Interest rate scenarios"): the
 * unshocked `base`, the six regulatory scenarios of a regime, and user scenarios (a parallel
 * shift, tenor shifts, a replacement curve set); the +1 bp parallel and key-rate bumps of PV01.
 * Numerical core: no I/O, no libconfig (user scenarios are parsed by src/config/scenario_cfg.c).
 *
 * How shocks meet the curves (curves are linear in zero rate between pillars, flat beyond):
 *  - Regulatory scenarios and parallel shifts shock every curve of a currency at its pillar
 *    times, z_s(t_i) = z_0(t_i) + dR(t_i), then apply the regime's lower bound at the pillars
 *    (spec: "shocks apply at the pillar times"). Between pillars the shocked curve is the linear
 *    interpolation of shocked pillars, which is NOT z_0(t) + dR(t) for the curved S(t)=exp(-t/x)
 *    shapes; BallastScenarioZero gives the exact z_0(t) + dR(t) (floored at t) for the
 *    standardised EVE at bucket midpoints.
 *  - Tenor shifts and key-rate bumps are piecewise linear in t: their tenors are first inserted
 *    as extra pillars (zero rate interpolated from the base curve, so the base curve is
 *    unchanged as a function), then the pillars are shifted. The shocked curve then equals
 *    z_0(t) + shift(t) exactly at every t, and the key-rate bumps sum to the parallel bump at
 *    every t (partition of unity).
 * Units: rates and shifts are decimals (1 bp = 1e-4); times are years ACT/365F from the as-of date. */
#ifndef BALLAST_SCENARIO_H
#define BALLAST_SCENARIO_H

#include <ballast/curve.h>
#include <ballast/regime.h>

typedef enum {
  BALLAST_SCENARIO_BASE,         /* unshocked */
  BALLAST_SCENARIO_REGULATORY,   /* one of the regime's six */
  BALLAST_SCENARIO_PARALLEL,     /* user: + shift at every t, every currency */
  BALLAST_SCENARIO_TENOR_SHIFTS, /* user: shift(t) linear between listed tenors, flat beyond, every currency */
  BALLAST_SCENARIO_CURVES,       /* user: every curve replaced by the curve of the same curveID */
  BALLAST_SCENARIO_RAMP          /* user: gradual; instantaneous forwards of every curve shifted by
                                    shift * min(1, 12 t / ramp_months) (an exact overlay, curve.h) */
} BallastScenarioKind;

typedef struct {
  char               *name;               /* "base", "parallel_up", ... or the user's name */
  BallastScenarioKind kind;
  BallastRegScenario  reg;                /* REGULATORY */
  double              shift;              /* PARALLEL, RAMP: decimal */
  PetscInt            ntenors;            /* TENOR_SHIFTS: tenors strictly increasing */
  BallastRegimeTenor *tenor;
  double             *tenor_shift;        /* TENOR_SHIFTS: decimals, one per tenor */
  PetscInt            ramp_months;        /* RAMP: months to reach the full shift (>= 1); shift above */
  char               *curves_file;        /* CURVES: resolved path of the replacement curves CSV */
  BallastMarketData  *curves;             /* CURVES: the replacement set (owned), filled by the CSV
                                             loader; NULL until loaded */
  PetscBool           floor;              /* apply the regime's lower bound (regulatory: yes; user: configured, default no) */
  double              prepayment_scalar;  /* behavioural scalars under this scenario (1 = none) */
  double              term_deposit_scalar;
} BallastScenarioDef;

/* Not collective. Definition of `base` or of a regulatory scenario named `name` (floor on, the
 * regime's scalars); BALLAST_ERR_USAGE naming the scenario if it is neither. r may be NULL for "base". */
PetscErrorCode BallastScenarioDefRegulatory(const BallastRegime *r, const char *name, BallastScenarioDef *s);
/* Not collective. User scenarios (floor off, scalars 1; set s->floor, s->*_scalar after if wanted).
 * Tenor shifts: tenors as text ("1Y"), strictly increasing, shifts in bp. */
PetscErrorCode BallastScenarioDefParallel(const char *name, double shift_bp, BallastScenarioDef *s);
PetscErrorCode BallastScenarioDefTenorShifts(const char *name, PetscInt n, const char *const tenors[], const double shifts_bp[], BallastScenarioDef *s);
PetscErrorCode BallastScenarioDefCurves(const char *name, const char *file, BallastScenarioDef *s);
/* Gradual scenario: forwards shifted by shift_bp * min(1, 12 t / ramp_months) (ramp_months >= 1).
 * Its market data carries the shift as an analytic overlay of every curve (BallastCurve.ramp_*),
 * so DF(t) = DF_0(t) exp(-int_0^t s) exactly at every t; no lower bound (floor must stay off). */
PetscErrorCode BallastScenarioDefRamp(const char *name, double shift_bp, PetscInt ramp_months, BallastScenarioDef *s);
/* Not collective. Frees the definition (and its replacement curves) and zeroes it. */
PetscErrorCode BallastScenarioDefDestroy(BallastScenarioDef *s);
/* Not collective. Frees an array of n definitions (as returned by BallastScenarioDefsParse). */
PetscErrorCode BallastScenarioDefsDestroy(PetscInt n, BallastScenarioDef **defs);
/* Index of the definition named `name` in defs[0..n), or -1. Not collective. */
PetscInt BallastScenarioDefsFind(PetscInt n, const BallastScenarioDef *defs, const char *name);

/* Time (years ACT/365F) of as_of + tenor, as for curve pillars. Not collective. */
double BallastTenorYears(BallastDate as_of, const BallastRegimeTenor *tn);
/* Parse a tenor ("ON", "3M", "18M", "10Y"; n >= 1). Returns 0 ok, -1 malformed. Not collective. */
int BallastRegimeTenorParse(const char *text, BallastRegimeTenor *tn);
/* Nominal length of a tenor in years (D/365, 7W/365, M/12, Y), for ordering checks. */
double BallastTenorNominalYears(const BallastRegimeTenor *tn);

/* Not collective. The shock dR(t) (decimal, before the lower bound) of scenario s for currency
 * `ccy` at time t (years). BASE: 0. CURVES: an error (no shift form). Regulatory: an error
 * naming the currency when the regime has no sizes for it. RAMP: the zero-rate change
 * I(t)/t of the overlay (0 at t = 0). */
PetscErrorCode BallastScenarioShift(const BallastRegime *r, const BallastScenarioDef *s, const char *ccy, BallastDate as_of, double t, double *dR);
/* Not collective. R_s(t) of curve k of `base` under s, exactly at t: z_0(t) + dR(t) with the lower
 * bound applied at t (CURVES: the replacement curve's zero at t). For eve_standardised at the
 * bucket midpoints: discount exp(-R_s(t_k) t_k). */
PetscErrorCode BallastScenarioZero(const BallastRegime *r, const BallastScenarioDef *s, const BallastMarketData *base, PetscInt k, double t, double *z);
/* The lower bound applied to a shocked rate zs at t with unshocked rate z0 (regime's rule). */
double BallastScenarioFloor(const BallastRegime *r, double t, double z0, double zs);

/* Not collective. Creates *shocked (destroy with BallastMarketDataDestroy): `base` with every
 * curve shocked under s (see the header comment for how). r may be NULL for user scenarios without
 * the floor. Errors: regime missing for a regulatory scenario; currency without shock sizes;
 * CURVES: replacement not loaded, a curve missing from it or in another currency. */
PetscErrorCode BallastScenarioApply(const BallastRegime *r, const BallastScenarioDef *s, const BallastMarketData *base, BallastMarketData *shocked);

/* Key tenor times (years from as_of) of the regime, t[0..r->nkey). Not collective. */
PetscErrorCode BallastScenarioKeyTimes(const BallastRegime *r, BallastDate as_of, double *t);
/* Weight in [0, 1] of key tenor k at time t: triangle 1 at tkey[k], 0 at the neighbouring key
 * tenors; the first is flat (1) to the left, the last flat to the right. Sum over k = 1. */
double BallastKeyRateWeight(PetscInt nkey, const double *tkey, PetscInt k, double t);
/* Not collective. Creates *bumped = base with every curve of currency `ccy` shifted by `size`
 * (decimal; 1e-4 for pv01) times: 1 (key < 0, parallel) or the key-rate weight of key tenor `key`
 * (key tenors inserted as pillars first, so the triangle is exact). No lower bound. Curves of
 * other currencies unchanged. Error if no curve has currency `ccy`. */
PetscErrorCode BallastScenarioBump(const BallastRegime *r, const BallastMarketData *base, const char *ccy, PetscInt key, double size, BallastMarketData *bumped);

#endif
