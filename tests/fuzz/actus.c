/* Fuzz the ACTUS JSON test-case reader: BallastActusFileOpen and BallastActusCaseLoad of every
 * case of a file holding the input. */
#include "fuzz_common.h"
#include <ballast/actus_case.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  fuzz_init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  BallastActusFile f = NULL;
  char             p[512];
  fuzz_write("cases.json", data, size);
  if (BallastActusFileOpen(fuzz_path(p, sizeof p, "cases.json"), &f)) {
    BallastActusFileClose(&f); /* what Open allocated before its error */
    return 0;
  }
  for (PetscInt i = 0; i < BallastActusFileCount(f); i++) {
    BallastActusCase c;
    memset(&c, 0, sizeof c);
    (void)BallastActusCaseId(f, i);
    BallastActusCaseLoad(f, i, &c);
    BallastActusCaseFree(&c);
  }
  BallastActusFileClose(&f);
  return 0;
}
