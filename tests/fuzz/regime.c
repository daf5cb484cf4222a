/* Fuzz the regulatory regime loader: BallastRegimeLoad on a file holding the input. */
#include "fuzz_common.h"
#include <ballast/regime.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  BallastRegime r;
  char          p[512];
  fuzz_write("regime.cfg", data, size);
  memset(&r, 0, sizeof r);
  BallastRegimeLoad(PETSC_COMM_WORLD, fuzz_path(p, sizeof p, "regime.cfg"), &r);
  BallastRegimeDestroy(&r);
  return 0;
}
