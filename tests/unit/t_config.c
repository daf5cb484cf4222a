/* Run configuration: keys, types, relative paths, and errors that name file and line. */
#include "tap/basic.h"
#include <ballast/config.h>
#include <stdio.h>
#include <string.h>

static char msg[1024];

static PetscErrorCode load(const char *text, BallastConfig *cfg)
{
  FILE *f = fopen("/tmp/ballast-t_config.cfg", "w");
  fputs(text, f);
  fclose(f);
  PetscErrorCode ierr = BallastConfigLoad(PETSC_COMM_WORLD, "/tmp/ballast-t_config.cfg", cfg);
  msg[0]              = 0;
  if (ierr) {
    const char *t;
    char       *s = NULL;
    PetscErrorMessage(ierr, &t, &s);
    snprintf(msg, sizeof msg, "%s", s ? s : "");
  }
  return ierr;
}

#define BASE \
  "run = { name = \"t\"; as_of = \"2026-10-30\"; reporting_currency = \"EUR\"; };\n" \
  "input = { contracts = [\"c1.csv\", \"/abs/c2.csv\"]; curves = \"curves.csv\"; fx = \"fx.csv\"; };\n" \
  "output = { dir = \"out\"; };\n" \
  "discount_curves = { EUR = \"EUR_ESTR\"; };\n"

int main(int argc, char **argv)
{
  BallastConfig cfg;
  PetscInitialize(&argc, &argv, NULL, NULL);
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  plan(19);
  is_int(0, load(BASE "scenarios = [\"parallel_up\", \"base\"];\ncapital = { tier1 = 1000000000; tier2 = 2.5e8; };\n", &cfg), "valid configuration loads");
  is_string("/tmp/c1.csv", cfg.contract_files[0], "relative path resolved against the file's directory");
  is_string("/abs/c2.csv", cfg.contract_files[1], "absolute path kept");
  is_int(2, cfg.nscenarios, "base plus one scenario");
  is_string("base", cfg.scenarios[0], "base comes first");
  is_double(1e9, cfg.tier1, 0, "an integer is accepted for a number");
  is_int(12, cfg.nii_horizon_months, "NII horizon defaults to 12 months");
  is_string("EUR_ESTR", BallastConfigDiscountCurve(&cfg, "EUR"), "discount curve per currency");
  BallastConfigDestroy(&cfg);

  is_int(BALLAST_ERR_USAGE, load(BASE "scenario = [\"base\"];\n", &cfg), "unknown top-level key is an error");
  contains(msg, "ballast-t_config.cfg:5: unknown key 'scenario'", "... naming file, line and key");
  is_int(BALLAST_ERR_USAGE, load(BASE "nii = { horizon = 12; };\n", &cfg), "unknown key inside a group");
  contains(msg, ":5: unknown key 'horizon' in group nii", "... naming the group");
  is_int(BALLAST_ERR_USAGE, load(BASE "capital = { tier1 = \"big\"; };\n", &cfg), "wrong type is an error");
  contains(msg, ":5: key 'tier1' must be a number, not a string", "... saying what was expected");
  is_int(BALLAST_ERR_USAGE, load("run = { name = \"t\"; as_of = \"2026-13-01\"; reporting_currency = \"EUR\"; };\n", &cfg), "bad date");
  contains(msg, ":1: run.as_of '2026-13-01' is not a date", "... with its value");
  is_int(BALLAST_ERR_USAGE, load("run = { name = \"t\"; as_of = \"2026-10-30\"; reporting_currency = \"EUR\"; };\n", &cfg), "missing group");
  contains(msg, "missing required key 'input'", "... names the missing key");
  is_int(BALLAST_ERR_USAGE, load(BASE "nii = { horizon_months = 12 \n", &cfg), "syntax error reported with its line");
  PetscFinalize();
  return 0;
}
