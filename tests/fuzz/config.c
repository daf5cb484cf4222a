/* Fuzz the run-configuration loader: BallastConfigLoad on a file holding the input. */
#include "fuzz_common.h"
#include <ballast/config.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_init();
  fuzz_write_text("curves.csv", fuzz_curves_csv);
  fuzz_write_text("fx.csv", fuzz_fx_csv);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  BallastConfig cfg;
  char          p[512];
  fuzz_write("run.cfg", data, size);
  memset(&cfg, 0, sizeof cfg);
  BallastConfigLoad(PETSC_COMM_WORLD, fuzz_path(p, sizeof p, "run.cfg"), &cfg);
  BallastConfigDestroy(&cfg);
  return 0;
}
