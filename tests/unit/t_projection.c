/* The projection driver itself (include/ballast/projection.h): which consumer sees which contract,
 * variant and stream, with which labels, counted by test consumers on the two annuities of
 * tests/data/overlay (a source that yields only them: the source interface with a second
 * implementation over the store).
 *
 * Expected counts, by hand from the contracts' terms (tests/data/overlay/contracts.csv): ANN-1 and
 * ANN-2 are the same annuity, 12 monthly instalments left on the as-of date 2026-10-15, maturity
 * 2027-10-15, NII horizon 12 months (the driver's analysis date AD = 2027-10-15):
 *   contractual stream: IP and PR on 2026-11-15 .. 2027-09-15 (11 dates: 22 events), IP and MD at
 *   maturity (2), the AD at the horizon end (1)                                       = 25 events;
 *   ANN-1 is in segment "mortgages" (constant CPR 12 %): its behavioural stream adds one PP at each
 *   monthly checkpoint strictly before maturity, 2026-11-15 .. 2027-09-15             = 11 events,
 *   so 36 events labelled behavioural/prepayment; ANN-2 (no segment): its behavioural stream is
 *   the contractual one, 25 events labelled behavioural/contractual.
 * Variants: scenarios base and parallel_up, PV01, 11 key rates of bcbs-2016 = 14. */
#include "tap/basic.h"
#include <ballast/irrbb_run.h>
#include <ballast/projection.h>
#include <ballast/run.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NV 14

typedef struct {
  unsigned take;  /* what it takes of every variant it subscribes to */
  PetscInt upto;  /* variants v < upto */
  int      nbegin[NV], nend[NV];
  int      nev[NV][2][2][BALLAST_FILTER_COUNT]; /* [v][contract][stream][filter] */
  int      contract, v, disorder, open;
  BallastDate last[2];
  double   pv[NV][2];
} Counter;

static unsigned c_subscribe(void *ctx, PetscInt v)
{
  Counter *c = (Counter *)ctx;
  return v < c->upto ? c->take : 0;
}

static PetscErrorCode c_begin(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  Counter *c  = (Counter *)ctx;
  c->contract = strcmp(pc->id, "ANN-1") == 0 ? 0 : 1;
  c->v        = (int)var->v;
  c->last[0] = c->last[1] = 0;
  c->open     = 1;
  c->nbegin[var->v]++;
  return 0;
}

static void c_event(void *ctx, const BallastEvent *ev, int label)
{
  Counter *c = (Counter *)ctx;
  int      s = BALLAST_LABEL_STREAM(label), f = BALLAST_LABEL_FILTER(label);
  if (!c->open) c->disorder++; /* an event outside begin/end */
  c->nev[c->v][c->contract][s][f]++;
  if (ev->date < c->last[s]) c->disorder++; /* each stream in date order */
  c->last[s] = ev->date;
}

static PetscErrorCode c_end(void *ctx, const BallastProjContract *pc, const BallastProjVariant *var)
{
  Counter *c = (Counter *)ctx;
  (void)pc;
  c->open = 0;
  c->nend[var->v]++;
  c->pv[var->v][c->contract] = var->pv;
  return 0;
}

/* A source over the store that yields only the contracts named ANN-*. */
typedef struct {
  BallastSource store;
  PetscInt      n, row[8];
} Annuities;

static PetscInt a_count(void *ctx) { return ((Annuities *)ctx)->n; }
static PetscErrorCode a_get(void *ctx, PetscInt k, BallastProjContract *pc)
{
  Annuities *a = (Annuities *)ctx;
  return a->store.get(a->store.ctx, a->row[k], pc);
}

/* The same, but the second contract in a currency without a discount curve: the projection fails. */
static PetscErrorCode bad_get(void *ctx, PetscInt k, BallastProjContract *pc)
{
  PetscErrorCode ierr = a_get(ctx, k, pc);
  if (!ierr && k == 1) pc->c = 99;
  return ierr;
}

int main(int argc, char **argv)
{
  BallastRunContext     ctx;
  BallastIRRBBRun       run;
  BallastBehaviour      beh;
  BallastContractSource st;
  Annuities             ann;
  BallastSource         src = {"annuities", &ann, a_count, a_get, NULL};
  PetscInt             *seg_of = NULL;
  char                  cfg[4096];
  const char           *data = getenv("BALLAST_TEST_DATA");
  PetscInitialize(&argc, &argv, NULL, NULL);
  if (!data) bail("BALLAST_TEST_DATA is not set");
  plan(26);
  snprintf(cfg, sizeof cfg, "%s/overlay/run.cfg", data);
  if (BallastRunSetup(PETSC_COMM_WORLD, cfg, &ctx)) bail("cannot set up %s", cfg);
  if (BallastIRRBBRunSetup(&ctx, ctx.regime, ctx.cfg.nuser, (BallastScenarioDef *)ctx.cfg.user, PETSC_TRUE, &run)) bail("variants");
  is_int(NV, run.nvar, "variants: 2 scenarios, PV01, 11 key rates");
  if (BallastRunBehaviour(&ctx, PETSC_FALSE, &beh) || BallastRunSegmentMap(&ctx, &beh, &seg_of)) bail("behaviour");
  double one[NV];
  for (int v = 0; v < NV; v++) one[v] = 1.0;
  run.beh           = &beh;
  run.seg_of        = seg_of;
  run.prepay_scalar = one;
  run.td_scalar     = one;
  BallastContractSourceInit(&st, ctx.contracts, (const char *const *)ctx.cfg.contract_files, &ann.store);
  ann.n = 0;
  for (PetscInt i = 0; i < ctx.contracts->n; i++)
    if (!strncmp(BallastContractsID(ctx.contracts, i), "ANN-", 4)) ann.row[ann.n++] = i;
  is_int(2, ann.n, "two annuities in the store");

  /* all: every variant, both streams; scen: the scenarios' behavioural stream only; liq: the base
   * variant, behavioural stream unless a filter replaced it (as liquidity) */
  static Counter all, scen, liq;
  all.take  = BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS | BALLAST_TAKE_CONTRACTUAL;
  all.upto  = NV;
  scen.take = BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS;
  scen.upto = 2;
  liq.take  = BALLAST_TAKE_VALUE | BALLAST_TAKE_EVENTS | BALLAST_TAKE_CONTRACTUAL_WHERE_REPLACED;
  liq.upto  = 1;
  BallastProjectionSetup ps;
  BallastProjection      proj;
  BallastConsumer        c1 = {.name = "all", .ctx = &all, .subscribe = c_subscribe, .begin = c_begin, .event = c_event, .end = c_end, .merge = NULL};
  BallastConsumer        c2 = {.name = "scen", .ctx = &scen, .subscribe = c_subscribe, .begin = c_begin, .event = c_event, .end = c_end, .merge = NULL};
  BallastConsumer        c3 = {.name = "liq", .ctx = &liq, .subscribe = c_subscribe, .begin = c_begin, .event = c_event, .end = c_end, .merge = NULL};
  if (BallastIRRBBRunProjectionSetup(&ctx, &run, &ps) || BallastProjectionCreate(&ps, &proj)) bail("driver");
  BallastProjectionAddConsumer(proj, &c1);
  BallastProjectionAddConsumer(proj, &c2);
  BallastProjectionAddConsumer(proj, &c3);
  is_int(0, BallastProjectionRun(proj, PETSC_COMM_WORLD, 1, &src), "the driver runs the source");
  int64_t ncontracts, nevents;
  BallastProjectionGetStats(proj, &ncontracts, &nevents, NULL);
  is_int(2, ncontracts, "two contracts projected");
  /* behavioural events per variant: 36 + 25 */
  is_int((int64_t)NV * (36 + 25), nevents, "behavioural events counted: 14 x (36 + 25)");

  int okb = 1, oke = 1, ok1c = 1, ok1b = 1, ok2c = 1, ok2b = 1, other = 0;
  for (int v = 0; v < NV; v++) {
    okb = okb && all.nbegin[v] == 2;
    oke = oke && all.nend[v] == 2;
    ok1c = ok1c && all.nev[v][0][BALLAST_STREAM_CONTRACTUAL][BALLAST_FILTER_CONTRACTUAL] == 25;
    ok1b = ok1b && all.nev[v][0][BALLAST_STREAM_BEHAVIOURAL][BALLAST_FILTER_PREPAYMENT] == 36;
    ok2c = ok2c && all.nev[v][1][BALLAST_STREAM_CONTRACTUAL][BALLAST_FILTER_CONTRACTUAL] == 25;
    ok2b = ok2b && all.nev[v][1][BALLAST_STREAM_BEHAVIOURAL][BALLAST_FILTER_CONTRACTUAL] == 25;
    for (int k = 0; k < 2; k++)
      for (int s = 0; s < 2; s++)
        for (int f = 0; f < BALLAST_FILTER_COUNT; f++) other += all.nev[v][k][s][f];
  }
  is_int(NV * (25 + 36 + 25 + 25), other, "no event with another label");
  ok(okb && oke, "begin and end once per contract and variant (2 per variant, 14 variants)");
  ok(ok1c, "ANN-1 contractual stream: 25 events labelled contractual/contractual in every variant");
  ok(ok1b, "ANN-1 behavioural stream: 36 events labelled behavioural/prepayment (11 PP)");
  ok(ok2c, "ANN-2 contractual stream: 25 events");
  ok(ok2b, "ANN-2 behavioural stream: its contractual events, labelled behavioural/contractual");
  is_int(0, all.disorder, "events only between begin and end, each stream in date order");

  is_int(2, scen.nbegin[0] + 0 * scen.nbegin[1], "scenario consumer: base begun for both contracts");
  is_int(2, scen.nbegin[1], "... and parallel_up");
  int later = 0;
  for (int v = 2; v < NV; v++) later += scen.nbegin[v] + scen.nend[v];
  is_int(0, later, "... and no sensitivity variant");
  is_int(36, scen.nev[1][0][BALLAST_STREAM_BEHAVIOURAL][BALLAST_FILTER_PREPAYMENT], "... ANN-1 behavioural under parallel_up: 36");
  is_int(0, scen.nev[0][0][BALLAST_STREAM_CONTRACTUAL][BALLAST_FILTER_CONTRACTUAL] + scen.nev[0][1][BALLAST_STREAM_CONTRACTUAL][BALLAST_FILTER_CONTRACTUAL],
         "... no contractual stream when not asked");

  is_int(2, liq.nbegin[0], "base-only consumer: base begun twice");
  is_int(0, liq.nbegin[1], "... not the other variants");
  is_int(36, liq.nev[0][0][BALLAST_STREAM_BEHAVIOURAL][BALLAST_FILTER_PREPAYMENT], "... prepayment does not replace the stream: the behavioural one (36)");
  is_int(25, liq.nev[0][1][BALLAST_STREAM_BEHAVIOURAL][BALLAST_FILTER_CONTRACTUAL], "... ANN-2: 25");

  /* the value handed to end() is the same for every consumer; prepayment at par on a flat curve
   * moves value, so ANN-1 differs from its twin ANN-2 */
  ok(all.pv[0][1] == scen.pv[0][1] && all.pv[0][1] == liq.pv[0][1], "every consumer gets the same value in end()");
  ok(all.pv[0][0] != all.pv[0][1], "ANN-1's value (behavioural stream) differs from ANN-2's (contractual)");
  ok(all.pv[0][1] > 0, "an asset has a positive value");

  BallastProjectionDestroy(&proj);

  /* a failing contract: every rank gets its file:line, id and the error code */
  {
    BallastSource bad = {"annuities", &ann, a_count, bad_get, NULL};
    const char   *text;
    char         *spec = NULL;
    static Counter none;
    BallastConsumer c0 = {.name = "none", .ctx = &none, .subscribe = c_subscribe, .begin = c_begin, .event = c_event, .end = c_end, .merge = NULL};
    BallastProjectionCreate(&ps, &proj);
    BallastProjectionAddConsumer(proj, &c0);
    PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
    PetscErrorCode ierr = BallastProjectionRun(proj, PETSC_COMM_WORLD, 1, &bad);
    PetscPopErrorHandler();
    PetscErrorMessage(ierr, &text, &spec);
    is_int(BALLAST_ERR_USAGE, ierr, "a contract without discount curve: a usage error (exit 2)");
    contains(spec ? spec : "", "contracts.csv:3: contract ANN-2: no discount curve", "... the message names file:line and the contract");
    BallastProjectionDestroy(&proj);
  }
  PetscFree(seg_of);
  BallastBehaviourDestroy(&beh);
  BallastIRRBBRunDestroy(&run);
  BallastRunTeardown(&ctx);
  PetscFinalize();
  return 0;
}
