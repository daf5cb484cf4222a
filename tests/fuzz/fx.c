/* Fuzz the FX reader: BallastMarketLoad of a fixed configuration and curves with the input as fx.csv. */
#include "fuzz_common.h"
#include <ballast/config.h>
#include <ballast/io.h>

static BallastConfig cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  char p[512];
  (void)argc, (void)argv;
  fuzz_init();
  fuzz_write_text("curves.csv", fuzz_curves_csv);
  fuzz_write_text("fx.csv", fuzz_fx_csv);
  fuzz_write_text("contracts.csv", "");
  fuzz_write_config("run.cfg", NULL);
  if (BallastConfigLoad(PETSC_COMM_WORLD, fuzz_path(p, sizeof p, "run.cfg"), &cfg)) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  BallastMarketData m;
  fuzz_write("fx.csv", data, size);
  memset(&m, 0, sizeof m);
  BallastMarketLoad(PETSC_COMM_WORLD, &cfg, &m);
  BallastMarketDataDestroy(&m);
  return 0;
}
