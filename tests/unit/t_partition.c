/* Portfolio-to-rank assignment (BallastPartitionPortfolios): largest work first, each to the
 * least-loaded rank, ties to the lower index / lower rank. Expected owners worked by hand. */
#include "tap/basic.h"
#include <ballast/partition.h>

static int same(const int *want, const int *got, int n)
{
  for (int i = 0; i < n; i++)
    if (want[i] != got[i]) {
      diag("portfolio %d: expected rank %d, got %d", i, want[i], got[i]);
      return 0;
    }
  return 1;
}

int main(int argc, char **argv)
{
  /* five portfolios; order by work desc, ties by index: 1 (40), 2 (25), 3 (25), 0 (10), 4 (5) */
  const int64_t work[5] = {10, 40, 25, 25, 5};
  int           owner[5];
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  plan(7);

  /* 2 ranks, loads (r0, r1):
   *   1 (40) -> r0  (40,  0)
   *   2 (25) -> r1  (40, 25)
   *   3 (25) -> r1  (40, 50)
   *   0 (10) -> r0  (50, 50)
   *   4 (5)  -> r0  (tie 50 = 50: lower rank) (55, 50) */
  {
    const int want[5] = {0, 0, 1, 1, 0};
    is_int(0, BallastPartitionPortfolios(5, work, 2, owner), "2 ranks: no error");
    ok(same(want, owner, 5), "2 ranks: owners 0 0 1 1 0");
  }
  /* 3 ranks, loads (r0, r1, r2):
   *   1 (40) -> r0  (40,  0,  0)
   *   2 (25) -> r1  (40, 25,  0)
   *   3 (25) -> r2  (40, 25, 25)
   *   0 (10) -> r1  (tie 25 = 25: lower rank) (40, 35, 25)
   *   4 (5)  -> r2  (40, 35, 30) */
  {
    const int want[5] = {1, 0, 1, 2, 2};
    is_int(0, BallastPartitionPortfolios(5, work, 3, owner), "3 ranks: no error");
    ok(same(want, owner, 5), "3 ranks: owners 1 0 1 2 2");
  }
  /* one rank owns everything */
  {
    const int want[5] = {0, 0, 0, 0, 0};
    BallastPartitionPortfolios(5, work, 1, owner);
    ok(same(want, owner, 5), "1 rank: every portfolio on rank 0");
  }
  /* more ranks than portfolios: each portfolio on its own rank, in the order 1 2 3 0 4, so
   * ranks 5 and 6 are idle */
  {
    const int want[5] = {3, 0, 1, 2, 4};
    BallastPartitionPortfolios(5, work, 7, owner);
    ok(same(want, owner, 5), "7 ranks: owners 3 0 1 2 4");
  }
  ok(BallastPartitionPortfolios(5, work, 0, owner) != 0, "0 ranks is an error");
  PetscFinalize();
  return 0;
}
