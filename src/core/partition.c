/* Portfolio-to-rank assignment (include/ballast/partition.h): the greedy "largest first, to the
 * least loaded" rule (LPT scheduling). Moved out of the contract loader so that it can be read
 * and tested on plain arrays. */
#include <ballast/partition.h>

PetscErrorCode BallastPartitionPortfolios(PetscInt n, const int64_t *work, int nranks, int *owner)
{
  PetscInt *order;
  int64_t  *load;

  PetscFunctionBeginUser;
  PetscCheck(nranks >= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "partition: %d ranks", nranks);
  PetscCall(PetscMalloc1(n + 1, &order));
  PetscCall(PetscCalloc1(nranks, &load));
  for (PetscInt i = 0; i < n; i++) order[i] = i;
  for (PetscInt i = 1; i < n; i++) { /* insertion sort by work desc, index asc (stable) */
    PetscInt k = order[i], j = i - 1;
    while (j >= 0 && work[order[j]] < work[k]) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = k;
  }
  for (PetscInt i = 0; i < n; i++) {
    int best = 0;
    for (int r = 1; r < nranks; r++)
      if (load[r] < load[best]) best = r;
    owner[order[i]] = best;
    load[best] += work[order[i]];
  }
  PetscCall(PetscFree(order));
  PetscCall(PetscFree(load));
  PetscFunctionReturn(0);
}

/* ---- the work estimate of a contract (issue 14 item 3) */
static int work_contractual; /* BallastWorkEstimateSetContractual */

void BallastWorkEstimateSetContractual(int contractual) { work_contractual = contractual != 0; }

static int64_t cycle_days(BallastCycle c)
{
  int64_t n = c.n;
  switch (c.unit) {
  case 'D': return n;
  case 'W': return 7 * n;
  case 'M': return 30 * n;
  case 'Q': return 91 * n;
  case 'H': return 182 * n;
  default: return 365 * n;
  }
}

int64_t BallastWorkPeriods(const BallastTerms *t)
{
  int ct = (int)t->contractType;
  if (ct == BALLAST_CT_UMP || ct == BALLAST_CT_CSH || ct == BALLAST_CT_STK || (ct == BALLAST_CT_CLM && t->maturityDate == BALLAST_DATE_NONE)) return 0;
  int64_t days = (t->maturityDate != BALLAST_DATE_NONE ? t->maturityDate : t->statusDate + 30 * 365) - t->statusDate;
  if (days < 0) days = 0;
  int64_t             n     = 0;
  const BallastCycle *cy[3] = {&t->cycleOfInterestPayment, &t->cycleOfPrincipalRedemption, &t->cycleOfRateReset};
  for (int k = 0; k < 3; k++)
    if (cy[k]->n > 0) n += days / cycle_days(*cy[k]) + 1;
  return n;
}

/* Measured cost of one contract, all variants of the full IRRBB run (base, six BCBS scenarios,
 * PV01, 11 key rates: 19 projections, every consumer), in nanoseconds: c0 + c1 * periods, by
 * [contractual][contract type][behaviour segment]. Measured by
 *   scripts/measure-work 60000
 * (docs/schedule-and-balance.md): a generated bank split by type, segment and length of schedule into
 * sub-banks, each run with and without --contractual, the projection timer of the run divided
 * by the contracts, c0 and c1 the least-squares line over the sub-banks of a type. Types the
 * generator does not write take the cost of their nearest kind (NAM: ANN; STK, FXOUT: a
 * two-event contract like CSH; CLM with a maturity: PAM). Only the ratios matter (the
 * partition is relative). */
typedef struct {
  double c0, c1;
} WorkCost;
#include "work_costs.h"

int64_t BallastWorkEstimate(const BallastTerms *t, int has_segment)
{
  int ct = (int)t->contractType;
  if (ct < 0 || ct >= BALLAST_CT_COUNT) return 1;
  const WorkCost *w = &work_cost[work_contractual ? 1 : 0][ct][has_segment ? 1 : 0];
  double          c = w->c0 + w->c1 * (double)BallastWorkPeriods(t);
  return c < 1.0 ? 1 : (int64_t)c;
}

int BallastWorkEstimateGetContractual(void) { return work_contractual; }
