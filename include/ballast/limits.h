/* Limits evaluated per management action (metrics.md "Limits"; planning.h BallastLimit and the
 * status rule BallastLimitStatus): the value of each limit's metric for every action slot, from
 * the IRRBB headlines (irrbb.h) and the liquidity metrics (liquidity.h). src/metrics/limits.c. */
#ifndef BALLAST_LIMITS_H
#define BALLAST_LIMITS_H

#include <ballast/irrbb.h>
#include <ballast/liquidity.h>
#include <ballast/planning.h>

typedef struct {
  const BallastIRRBBHeadlines *head;          /* rank 0 */
  BallastLiquidity            *liq;           /* reduced */
  BallastNames                 currencies;    /* market currencies (ids index head's currency) */
  const char *const           *scenario_names;/* [head->nscen] */
  const BallastRegime         *regime;        /* key tenors */
} BallastLimitInputs;

/* Not collective (rank 0). value[a * nlimits + l] and status[a * nlimits + l] (0 within, 1
 * warning, 2 breach) for every action slot a. Metrics:
 *   eve_outlier_ratio, nii_outlier_ratio  worst decline / Tier 1 (head->eve_ratio, nii_ratio)
 *   lcr, nsfr                             the bank's ratios
 *   survival_days                         of the named liquidity scenario
 *   pv01, key_rate_pv01                   of the currency (and key tenor), currency per bp
 *   delta_eve, delta_nii                  of the named scenario: the currency's, or the plain
 *                                         reporting-currency sum over currencies at FX */
PetscErrorCode BallastLimitsEvaluate(const BallastLimitInputs *in, PetscInt nlimits, const BallastLimit *limits, double *value, int64_t *status);

#endif
