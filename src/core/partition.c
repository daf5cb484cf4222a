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
