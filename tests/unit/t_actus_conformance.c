/* ACTUS conformance: every reference case of the ten contract types Ballast supports, run through
 * the engine; the exact sequence of (date, event type) and payoff, notional, rate and accrued
 * interest within 1e-9 relative (1e-7 absolute) are required. The reference files are read from
 * $BALLAST_ACTUS_DIR (default $BALLAST_SOURCE_DIR/../shared/reference/actus/tests); they are not
 * copied into the project. One TAP test per case; pass counts per type as diagnostics. */
#include <ballast/actus_case.h>
#include <tap/basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RTOL 1e-9
#define ATOL 1e-7
#define MAXEV 4096

/* Cases whose published reference values are known to be imprecise or to rest on behaviour the
 * specification does not define (reference/actus/README.md); each with its reason. */
static const struct {
  const char *id, *reason;
} known[] = {
  {"clm08", "README lists it as known-imprecise: the reference reports 0 accrued at the exercise (XD) and pays at settlement "
            "only the interest accrued up to the exercise, whereas clm09 and clm14 (same notice mechanism, both passing) report "
            "the accrual at XD"},
};

typedef struct {
  PetscInt     n;
  BallastEvent ev[MAXEV];
} Collect;

static void collect(void *ctx, const BallastEvent *ev)
{
  Collect *c = ctx;
  if (c->n < MAXEV) c->ev[c->n] = *ev;
  c->n++;
}

static int close_enough(double expected, double seen)
{
  if (isnan(expected)) return 1; /* not given */
  return fabs(seen - expected) <= RTOL * fabs(expected) + ATOL;
}

static Collect got;

/* Compare; on mismatch, diag the first difference and return 0. */
static int compare(const BallastActusCase *c)
{
  char d1[11], d2[11];
  for (PetscInt i = 0; i < c->nexpected || i < got.n; i++) {
    if (i >= got.n) {
      BallastDateFormat(c->expected[i].date, d1);
      diag("%s: missing event %d: %s %s", c->id, (int)i, d1, BallastEventTypeName(c->expected[i].type));
      return 0;
    }
    if (i >= c->nexpected) {
      BallastDateFormat(got.ev[i].date, d2);
      diag("%s: extra event %d: %s %s", c->id, (int)i, d2, BallastEventTypeName(got.ev[i].type));
      return 0;
    }
    const BallastEvent *x = &c->expected[i], *y = &got.ev[i];
    BallastDateFormat(x->date, d1);
    BallastDateFormat(y->date, d2);
    if (x->date != y->date || x->type != y->type) {
      diag("%s: event %d: expected %s %s, got %s %s", c->id, (int)i, d1, BallastEventTypeName(x->type), d2, BallastEventTypeName(y->type));
      return 0;
    }
    const char *what = NULL;
    double      e = 0, s = 0;
    if (!close_enough(x->payoff, y->payoff)) what = "payoff", e = x->payoff, s = y->payoff;
    else if (!close_enough(x->notional, y->notional)) what = "notionalPrincipal", e = x->notional, s = y->notional;
    else if (!close_enough(x->rate, y->rate)) what = "nominalInterestRate", e = x->rate, s = y->rate;
    else if (!close_enough(x->accrued, y->accrued)) what = "accruedInterest", e = x->accrued, s = y->accrued;
    if (what) {
      diag("%s: event %d (%s %s): %s expected %.15g, got %.15g", c->id, (int)i, d1, BallastEventTypeName(x->type), what, e, s);
      return 0;
    }
    if (x->currency != y->currency) {
      diag("%s: event %d (%s %s): currency differs", c->id, (int)i, d1, BallastEventTypeName(x->type));
      return 0;
    }
  }
  return 1;
}

int main(int argc, char **argv)
{
  static const char *types[] = {"pam", "ann", "lam", "nam", "clm", "ump", "swppv", "csh", "stk", "fxout"};
  char               dir[4096], path[4200];
  const char        *env = getenv("BALLAST_ACTUS_DIR");
  const char        *only = argc > 1 ? argv[1] : NULL; /* optional: one case id, for debugging */

  if (env && env[0]) snprintf(dir, sizeof dir, "%s", env);
  else {
    const char *src = getenv("BALLAST_SOURCE_DIR");
    snprintf(dir, sizeof dir, "%s/../shared/reference/actus/tests", src && src[0] ? src : ".");
  }
  snprintf(path, sizeof path, "%s/actus-tests-pam.json", dir);
  if (access(path, R_OK)) skip_all("ACTUS reference cases not found in %s (set BALLAST_ACTUS_DIR)", dir);

  if (PetscInitializeNoArguments()) bail("PetscInitialize failed");
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  plan_lazy();
  int total_pass = 0, total = 0;
  for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
    BallastActusFile f;
    int              pass = 0, n = 0, skipped = 0;
    snprintf(path, sizeof path, "%s/actus-tests-%s.json", dir, types[t]);
    if (BallastActusFileOpen(path, &f)) {
      ok(0, "%s: read %s", types[t], path);
      continue;
    }
    for (PetscInt i = 0; i < BallastActusFileCount(f); i++) {
      const char      *id = BallastActusCaseId(f, i);
      BallastActusCase c;
      const char      *reason = NULL;
      if (only && strcmp(only, id)) continue;
      n++;
      for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
        if (!strcmp(known[k].id, id)) reason = known[k].reason;
      if (BallastActusCaseLoad(f, i, &c)) {
        ok(0, "%s: load", id);
        continue;
      }
      got.n             = 0;
      PetscErrorCode ie = BallastActusCaseRun(&c, collect, &got);
      if (reason && !getenv("BALLAST_ACTUS_NO_SKIP")) {
        skip("%s: %s", id, reason);
        skipped++;
      } else if (ie) {
        const char *text;
        PetscErrorMessage(ie, &text, NULL);
        ok(0, "%s: engine error %d", id, (int)ie);
      } else if (ok(compare(&c), "%s: %d events", id, (int)c.nexpected)) pass++;
      BallastActusCaseFree(&c);
    }
    BallastActusFileClose(&f);
    diag("%-6s %d/%d passed, %d skipped", types[t], pass, n - skipped, skipped);
    total_pass += pass;
    total += n - skipped;
  }
  diag("total  %d/%d passed", total_pass, total);
  PetscFinalize();
  return 0;
}
