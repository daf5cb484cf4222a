/* Fuzz the curve reader: BallastCurvesRead on a file holding the input. */
#include "fuzz_common.h"
#include <ballast/io.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  BallastMarketData m;
  char              p[512];
  fuzz_write("curves.csv", data, size);
  memset(&m, 0, sizeof m);
  m.as_of = BallastDateFromYMD(2026, 10, 30);
  BallastCurvesRead(PETSC_COMM_WORLD, fuzz_path(p, sizeof p, "curves.csv"), &m);
  BallastMarketDataDestroy(&m);
  return 0;
}
