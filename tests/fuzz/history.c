/* Fuzz the behaviour history reader: BallastBehaviourLoad of a configuration with one calibrated
 * segment whose history file is the input (after its first byte, which picks the model:
 * prepayment S-curve, deposit with three tranches, or early redemption). */
#include "fuzz_common.h"
#include <ballast/behaviour.h>
#include <ballast/config.h>
#include <ballast/regime.h>

#ifndef BALLAST_FUZZ_SOURCE_DIR
#define BALLAST_FUZZ_SOURCE_DIR "."
#endif

static BallastConfig cfg[3];
static BallastRegime regime;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  static const char *section[3] = {
    "behaviour = { segments = ( { name = \"m\"; model = \"prepayment\"; type = \"scurve\"; history = \"history.csv\"; } ); };\n",
    "behaviour = { segments = ( { name = \"d\"; model = \"deposit\"; category = \"retail_transactional\"; beta = 0.1; tenors = [\"1M\", \"1Y\", \"5Y\"]; history = \"history.csv\"; } ); };\n",
    "behaviour = { segments = ( { name = \"t\"; model = \"early_redemption\"; history = \"history.csv\"; } ); };\n"};
  char p[512], name[32];
  (void)argc, (void)argv;
  fuzz_init();
  fuzz_write_text("curves.csv", fuzz_curves_csv);
  fuzz_write_text("fx.csv", fuzz_fx_csv);
  fuzz_write_text("contracts.csv", "");
  fuzz_write_text("history.csv", "");
  for (int k = 0; k < 3; k++) {
    snprintf(name, sizeof name, "run%d.cfg", k);
    fuzz_write_config(name, section[k]);
    if (BallastConfigLoad(PETSC_COMM_WORLD, fuzz_path(p, sizeof p, name), &cfg[k])) abort();
  }
  if (BallastRegimeLoad(PETSC_COMM_WORLD, BALLAST_FUZZ_SOURCE_DIR "/config/regimes/bcbs-2016.cfg", &regime)) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  BallastBehaviour b;
  if (size < 1) return 0;
  fuzz_write("history.csv", data + 1, size - 1);
  memset(&b, 0, sizeof b);
  BallastBehaviourLoad(PETSC_COMM_WORLD, &cfg[data[0] % 3], &regime, &b);
  BallastBehaviourDestroy(&b);
  return 0;
}
