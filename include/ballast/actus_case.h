/* ACTUS test cases (reference/actus/tests/actus-tests-*.json) as plain data: terms, observed
 * events, a market serving the case's dataObserved, and the expected results. The JSON reading
 * (libjansson) is in src/io/actus_json.c; running a case through the engine is in
 * src/engine/actus_case.c; `ballast events --actus` is in src/app/events.c. */
#ifndef BALLAST_ACTUS_CASE_H
#define BALLAST_ACTUS_CASE_H

#include <ballast/engine.h>

typedef struct BallastActusFile_s *BallastActusFile;

/* Read a test-case file (src/io/actus_json.c). Not collective. */
PetscErrorCode BallastActusFileOpen(const char *path, BallastActusFile *f);
PetscErrorCode BallastActusFileClose(BallastActusFile *f);
/* Number of cases and the identifier of case i. Not collective. */
PetscInt    BallastActusFileCount(BallastActusFile f);
const char *BallastActusCaseId(BallastActusFile f, PetscInt i);

/* One case, parsed: terms, observed events, market, expected results (truncated at `to`). */
typedef struct {
  char                  id[64];
  BallastTerms          terms;
  BallastNames          names;    /* currency and market object code ids of `terms` */
  BallastDate           to;       /* BALLAST_DATE_NONE if empty */
  PetscInt              nobs;
  BallastObservedEvent  obs[8];
  BallastScheduleOptions opt;     /* 23:59:59 dates of the terms */
  BallastMarket         market;   /* serves dataObserved; ctx owned by the case */
  PetscInt              nexpected;
  BallastEvent         *expected; /* results, currency ids interned in names */
  void                 *data;     /* private */
} BallastActusCase;

/* Parse case i of f into c (free with BallastActusCaseFree). A term that does not parse is
 * BALLAST_ERR_INPUT naming the case and term. Not collective. */
PetscErrorCode BallastActusCaseLoad(BallastActusFile f, PetscInt i, BallastActusCase *c);
PetscErrorCode BallastActusCaseFree(BallastActusCase *c);
/* Run a loaded case through the engine (src/engine/actus_case.c) (fast path), streaming events up to `to` to sink. Not collective. */
PetscErrorCode BallastActusCaseRun(BallastActusCase *c, BallastEventSink sink, void *ctx);

#endif
