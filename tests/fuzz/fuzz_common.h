/* Shared set-up of the libFuzzer harnesses (tests/fuzz/<name>.c, built by the BALLAST_FUZZ block at the
 * end of CMakeLists.txt, run by scripts/fuzz). PETSc (and MPI, one rank) are initialised once in
 * LLVMFuzzerInitialize with PetscReturnErrorHandler, so a loader's error is an ordinary return:
 * a loader error is fine, a crash, leak, undefined behaviour or hang is a finding. Each harness
 * writes the fuzz input to a file in its own scratch directory (loaders take paths) and calls the
 * public loader API on it, into a zeroed struct that is destroyed afterwards whatever the outcome
 * (the Destroy functions take a partly filled struct, as the tests' callers rely on), so memory a
 * loader keeps after an error is reported as a leak. Fixed companion files (a run configuration, curves, FX) are written once
 * at initialisation from the strings below. */
#ifndef BALLAST_FUZZ_COMMON_H
#define BALLAST_FUZZ_COMMON_H
#define _POSIX_C_SOURCE 200809L /* setenv, mkdtemp: include this header first */

#include <ballast/ballast.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<sanitizer/lsan_interface.h>)
#include <sanitizer/lsan_interface.h>
#define FUZZ_HAVE_LSAN 1
#endif
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[256];

/* dir/name, in a static buffer per call site */
static inline const char *fuzz_path(char *buf, size_t len, const char *name)
{
  snprintf(buf, len, "%s/%s", fuzz_dir, name);
  return buf;
}

static inline void fuzz_write(const char *name, const void *data, size_t size)
{
  char  p[512];
  FILE *f = fopen(fuzz_path(p, sizeof p, name), "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  if (fclose(f)) abort();
}

static inline void fuzz_write_text(const char *name, const char *text) { fuzz_write(name, text, strlen(text)); }

/* PETSc once, errors returned not printed, a scratch directory per process. */
static inline void fuzz_init(void)
{
  static int done;
  if (done) return;
  done = 1;
  /* no PETSc signal handler: libFuzzer's and the sanitizers' own report a crash */
  setenv("PETSC_OPTIONS", "-no_signal_handler", 1);
  /* what MPI and PETSc allocate at start-up for the life of the process (partly inside Open MPI's
   * dlopen'ed components, whose frames LeakSanitizer cannot name for a suppression) is not a leak
   * of the code under test: leak checking is off during initialisation only */
#ifdef FUZZ_HAVE_LSAN
  __lsan_disable();
#endif
  if (PetscInitializeNoArguments()) abort();
#ifdef FUZZ_HAVE_LSAN
  __lsan_enable();
#endif
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(fuzz_dir, sizeof fuzz_dir, "%s/ballast-fuzz-XXXXXX", base);
  if (!mkdtemp(fuzz_dir)) abort();
}

/* The spec example's market data (two curves, FX), small and valid. */
static const char fuzz_curves_csv[] = "curveID,currency,tenor,rate\n"
                                      "EUR_ESTR,EUR,ON,0.0192\nEUR_ESTR,EUR,1M,0.0193\nEUR_ESTR,EUR,1Y,0.0205\nEUR_ESTR,EUR,10Y,0.0265\n"
                                      "EUR_EURIBOR3M,EUR,3M,0.0210\nEUR_EURIBOR3M,EUR,1Y,0.0222\nEUR_EURIBOR3M,EUR,10Y,0.0280\n"
                                      "USD_SOFR,USD,ON,0.0430\nUSD_SOFR,USD,1Y,0.0410\nUSD_SOFR,USD,10Y,0.0390\n";
static const char fuzz_fx_csv[]     = "currency,rate\nEUR,1.0\nUSD,0.9215\n";

/* A run configuration around the scratch directory's contracts.csv, curves.csv, fx.csv (and
 * `extra`, appended verbatim: e.g. a behaviour section). */
static inline void fuzz_write_config(const char *name, const char *extra)
{
  char text[4096];
  snprintf(text, sizeof text,
           "run = { name = \"fuzz\"; as_of = \"2026-10-30\"; reporting_currency = \"EUR\"; group = \"BANK\"; };\n"
           "input = { contracts = [\"contracts.csv\"]; curves = \"curves.csv\"; fx = \"fx.csv\"; };\n"
           "output = { dir = \"%s/out\"; };\n"
           "scenarios = [\"base\"];\n"
           "discount_curves = { EUR = \"EUR_ESTR\"; USD = \"USD_SOFR\"; };\n"
           "capital = { tier1 = 1.2e9; tier2 = 3.0e8; };\n%s",
           fuzz_dir, extra ? extra : "");
  fuzz_write_text(name, text);
}

#endif
