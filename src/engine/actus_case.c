/* Running a loaded ACTUS test case through the engine (include/ballast/actus_case.h). The case
 * is plain data (terms, observed events, a market callback); its JSON reading is in src/io. */
#include <ballast/actus_case.h>

typedef struct {
  BallastDate      to;
  BallastEventSink sink;
  void            *ctx;
} Truncate;

static void truncate_sink(void *ctx, const BallastEvent *ev)
{
  Truncate *tr = ctx;
  if (tr->to != BALLAST_DATE_NONE && ev->date > tr->to) return;
  tr->sink(tr->ctx, ev);
}

PetscErrorCode BallastActusCaseRun(BallastActusCase *c, BallastEventSink sink, void *ctx)
{
  BallastSchedule        ws;
  Truncate               tr  = {c->to, sink, ctx};
  /* open-ended schedules (UMP, CLM without maturity, STK dividends) run to the case's end */
  BallastDate horizon = c->to != BALLAST_DATE_NONE ? c->to : c->terms.statusDate + 366 * 60;

  PetscFunctionBeginUser;
  PetscCall(BallastScheduleCreate(&ws));
  PetscCall(BallastScheduleBuildEx(ws, &c->terms, horizon, &c->opt, c->nobs, c->obs));
  PetscCall(BallastProject(ws, &c->terms, &c->market, truncate_sink, &tr));
  PetscCall(BallastScheduleDestroy(&ws));
  PetscFunctionReturn(0);
}
