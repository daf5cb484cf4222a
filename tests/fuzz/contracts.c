/* Fuzz the contract CSV reader (header, row parser, term parsing, validation):
 * BallastContractsLoad of a fixed configuration and market with the input as contracts.csv. */
#include "fuzz_common.h"
#include <ballast/config.h>
#include <ballast/contracts.h>
#include <ballast/io.h>

static BallastConfig     cfg;
static BallastMarketData market;

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
  if (BallastMarketLoad(PETSC_COMM_WORLD, &cfg, &market)) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  BallastContracts cs;
  fuzz_write("contracts.csv", data, size);
  memset(&cs, 0, sizeof cs);
  BallastContractsLoad(PETSC_COMM_WORLD, &cfg, &market, &cs);
  BallastContractsDestroy(&cs);
  return 0;
}
