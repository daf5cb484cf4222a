/* Limits per management action (include/ballast/limits.h). */
#include <ballast/limits.h>
#include <math.h>
#include <string.h>

static PetscInt find(const char *const *names, PetscInt n, const char *x)
{
  for (PetscInt i = 0; x && i < n; i++)
    if (!strcmp(names[i], x)) return i;
  return -1;
}

PetscErrorCode BallastLimitsEvaluate(const BallastLimitInputs *in, PetscInt nl, const BallastLimit *limits, double *value, int64_t *status)
{
  const BallastIRRBBHeadlines *h = in->head;
  PetscInt                     NA = h->nact, ns = h->nscen, nc = h->nccy, nk = h->nkey;
  PetscFunctionBeginUser;
  for (PetscInt a = 0; a < NA; a++) {
    const BallastLiquidityMetrics *m = BallastLiquidityGetMetrics(in->liq, a);
    for (PetscInt l = 0; l < nl; l++) {
      const BallastLimit *lim = &limits[l];
      PetscInt            c   = lim->currency ? BallastNamesFind(in->currencies, lim->currency) : -1;
      PetscInt            s   = find(in->scenario_names, ns, lim->scenario);
      double              v   = NAN;
      switch (lim->metric) {
      case BALLAST_METRIC_EVE_OUTLIER_RATIO: v = h->eve_ratio[a]; break;
      case BALLAST_METRIC_NII_OUTLIER_RATIO: v = h->nii_ratio[a]; break;
      case BALLAST_METRIC_LCR: v = m->lcr; break;
      case BALLAST_METRIC_NSFR: v = m->nsfr; break;
      case BALLAST_METRIC_SURVIVAL_DAYS:
        for (PetscInt q = 0; q < in->liq->lp->nscen; q++)
          if (!strcmp(in->liq->lp->scen[q].name, lim->scenario)) v = m->survival_days[q];
        break;
      case BALLAST_METRIC_PV01:
        if (c >= 0 && c < nc) v = h->pv01[a * nc + c];
        break;
      case BALLAST_METRIC_KEY_RATE_PV01:
        for (PetscInt k = 0; c >= 0 && c < nc && in->regime && k < nk; k++)
          if (!strcmp(in->regime->key_tenor[k].text, lim->key_tenor)) v = h->krpv01[(a * nc + c) * nk + k];
        break;
      case BALLAST_METRIC_DELTA_EVE:
        if (s >= 0) v = c >= 0 && c < nc ? h->deve[(a * ns + s) * nc + c] : h->deve_rep[a * ns + s];
        break;
      case BALLAST_METRIC_DELTA_NII:
        if (s >= 0) v = c >= 0 && c < nc ? h->dnii[(a * ns + s) * nc + c] : h->dnii_rep[a * ns + s];
        break;
      default: break;
      }
      value[a * nl + l]  = v;
      status[a * nl + l] = BallastLimitStatus(lim, v); /* NaN (not computed) is a breach */
    }
  }
  PetscFunctionReturn(0);
}
