/* ACTUS reference test cases (actus-tests-*.json): terms, observed market data and events, and
 * expected results, read with libjansson (include/ballast/actus_case.h). The engine never sees
 * JSON: a case becomes BallastTerms + observed events + a BallastMarket serving dataObserved, and
 * src/engine/actus_case.c runs it. */
#include <ballast/actus_case.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct BallastActusFile_s {
  json_t      *root;
  PetscInt     n;
  const char **ids;
};

typedef struct {
  int32_t      moc;
  PetscInt     n;
  BallastDate *d;
  double      *v;
} Series;

typedef struct {
  PetscInt            nseries;
  Series             *series;
  BallastNames        names;
  BallastBusinessDay  bdc;
  BallastCalendar     cal;
} CaseMarket;

PetscErrorCode BallastActusFileOpen(const char *path, BallastActusFile *f)
{
  json_error_t jerr;
  const char  *key;
  json_t      *val;
  PetscInt     i = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(f));
  (*f)->root = json_load_file(path, 0, &jerr);
  PetscCheck((*f)->root, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s:%d: %s", path, jerr.line, jerr.text);
  PetscCheck(json_is_object((*f)->root), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: expected an object of test cases", path);
  (*f)->n = (PetscInt)json_object_size((*f)->root);
  PetscCall(PetscMalloc1((*f)->n, &(*f)->ids));
  json_object_foreach((*f)->root, key, val) (*f)->ids[i++] = key;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastActusFileClose(BallastActusFile *f)
{
  PetscFunctionBeginUser;
  if (!f || !*f) PetscFunctionReturn(0);
  json_decref((*f)->root);
  PetscCall(PetscFree((*f)->ids));
  PetscCall(PetscFree(*f));
  PetscFunctionReturn(0);
}

PetscInt    BallastActusFileCount(BallastActusFile f) { return f->n; }
const char *BallastActusCaseId(BallastActusFile f, PetscInt i) { return i >= 0 && i < f->n ? f->ids[i] : NULL; }

/* A JSON value as the text of a term: strings as they are, numbers printed exactly. */
static const char *json_text(json_t *v, char *buf, size_t len)
{
  if (json_is_string(v)) return json_string_value(v);
  if (json_is_integer(v)) snprintf(buf, len, "%lld", (long long)json_integer_value(v));
  else if (json_is_real(v)) snprintf(buf, len, "%.17g", json_real_value(v));
  else buf[0] = 0;
  return buf;
}

static double json_num(json_t *v)
{
  double x = NAN;
  if (json_is_number(v)) return json_number_value(v);
  if (json_is_string(v) && BallastParseDouble(json_string_value(v), &x)) x = NAN;
  return x;
}

static int json_date(json_t *v, BallastDate *d)
{
  char buf[32];
  if (!json_is_string(v)) return -1;
  /* keep the date part: ACTUS writes T00:00, T00:00:00 and 23:59:59 (midnight) */
  snprintf(buf, sizeof buf, "%.10s", json_string_value(v));
  return BallastDateParse(buf, d);
}

static PetscErrorCode case_observe(void *ctx, int32_t moc, BallastDate d, BallastCycle period, double *value)
{
  CaseMarket *cm = ctx;
  (void)period;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < cm->nseries; s++) {
    Series *S = &cm->series[s];
    if (S->moc != moc) continue;
    /* exact date, then a timestamp that lands on d after the contract's business-day shift,
     * then the last observation before d */
    for (PetscInt i = 0; i < S->n; i++)
      if (S->d[i] == d) { *value = S->v[i]; PetscFunctionReturn(0); }
    for (PetscInt i = 0; i < S->n; i++)
      if (BallastBusinessDayShift(S->d[i], cm->bdc, cm->cal, NULL) == d) { *value = S->v[i]; PetscFunctionReturn(0); }
    PetscInt best = -1;
    for (PetscInt i = 0; i < S->n; i++)
      if (S->d[i] <= d && (best < 0 || S->d[i] > S->d[best])) best = i;
    if (best < 0 && S->n) best = 0;
    PetscCheck(best >= 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "no observation of '%s'", BallastNamesGet(cm->names, moc));
    *value = S->v[best];
    PetscFunctionReturn(0);
  }
  SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_INPUT, "no dataObserved for market object code '%s'", moc >= 0 ? BallastNamesGet(cm->names, moc) : "(unset)");
}

static PetscErrorCode case_fx(void *ctx, int32_t from, int32_t to, BallastDate d, double *value)
{
  CaseMarket *cm = ctx;
  char        pair[128];

  PetscFunctionBeginUser;
  /* ACTUS names the rate CUR2/CUR: units of `to` per unit of `from` */
  snprintf(pair, sizeof pair, "%s/%s", BallastNamesGet(cm->names, from), BallastNamesGet(cm->names, to));
  int32_t id = BallastNamesFind(cm->names, pair);
  PetscCheck(id >= 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "no dataObserved for FX rate '%s'", pair);
  PetscCall(case_observe(ctx, id, d, (BallastCycle){0, 'D', 1}, value));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastActusCaseLoad(BallastActusFile f, PetscInt idx, BallastActusCase *c)
{
  json_t     *cs = json_object_get(f->root, f->ids[idx]), *terms, *v, *arr;
  const char *key;
  char        buf[64], err[256];
  CaseMarket *cm;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(c, sizeof(*c)));
  snprintf(c->id, sizeof c->id, "%s", f->ids[idx]);
  PetscCheck(!BallastNamesCreate(&c->names), PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  BallastTermsInit(&c->terms);
  terms = json_object_get(cs, "terms");
  PetscCheck(json_is_object(terms), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: no terms", c->id);
  json_object_foreach(terms, key, v)
  {
    const char *text = json_text(v, buf, sizeof buf);
    char        fixed[8];
    /* some cases spell scalingEffect with the letter O ("IOO", "INO") */
    if (!strcmp(key, "scalingEffect") && strlen(text) == 3) {
      for (int k = 0; k < 3; k++) fixed[k] = text[k] == 'O' ? '0' : text[k];
      fixed[3] = 0;
      text     = fixed;
    }
    BallastDate mid;
    if (strstr(text, "T23:59:59") && !BallastDateParse(text, &mid) && c->opt.nmidnight < 8) c->opt.midnight[c->opt.nmidnight++] = mid;
    BallastTermStatus st = BallastTermsSet(&c->terms, c->names, key, text, err, sizeof err);
    PetscCheck(st != BALLAST_TERM_UNKNOWN, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: unknown term '%s'", c->id, key);
    PetscCheck(st == BALLAST_TERM_OK, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: term %s: %s", c->id, key, err);
  }
  c->to = BALLAST_DATE_NONE;
  v     = json_object_get(cs, "to");
  if (json_is_string(v) && json_string_value(v)[0]) PetscCheck(!json_date(v, &c->to), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: bad 'to'", c->id);

  arr = json_object_get(cs, "eventsObserved");
  if (json_is_array(arr)) {
    size_t i;
    json_array_foreach(arr, i, v)
    {
      PetscCheck(c->nobs < 8, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: too many observed events", c->id);
      BallastObservedEvent *o = &c->obs[c->nobs];
      PetscCheck(!json_date(json_object_get(v, "time"), &o->date), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: bad observed event time", c->id);
      o->type = BallastEventTypeParse(json_string_value(json_object_get(v, "type")) ? json_string_value(json_object_get(v, "type")) : "");
      PetscCheck(o->type >= 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: bad observed event type", c->id);
      c->nobs++;
    }
  }

  PetscCall(PetscNew(&cm));
  c->data   = cm; /* from here on BallastActusCaseFree releases a partly loaded case */
  cm->names = c->names;
  cm->bdc   = c->terms.businessDayConvention;
  cm->cal   = c->terms.calendar;
  v         = json_object_get(cs, "dataObserved");
  if (json_is_object(v)) {
    json_t *obj;
    cm->nseries = (PetscInt)json_object_size(v);
    PetscCall(PetscCalloc1(cm->nseries + 1, &cm->series));
    PetscInt s = 0;
    json_object_foreach(v, key, obj)
    {
      json_t *data = json_object_get(obj, "data"), *pt;
      size_t  i;
      Series *S = &cm->series[s++];
      S->moc    = BallastNamesIntern(c->names, key);
      S->n      = json_is_array(data) ? (PetscInt)json_array_size(data) : 0;
      PetscCall(PetscMalloc2(S->n + 1, &S->d, S->n + 1, &S->v));
      json_array_foreach(data, i, pt)
      {
        PetscCheck(!json_date(json_object_get(pt, "timestamp"), &S->d[i]), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: bad timestamp in %s", c->id, key);
        S->v[i] = json_num(json_object_get(pt, "value"));
      }
    }
  }
  c->market.ctx     = cm;
  c->market.observe = case_observe;
  c->market.fx      = case_fx;
  c->data           = cm;

  arr = json_object_get(cs, "results");
  if (json_is_array(arr)) {
    size_t i;
    PetscCall(PetscCalloc1(json_array_size(arr) + 1, &c->expected));
    json_array_foreach(arr, i, v)
    {
      BallastEvent *x = &c->expected[c->nexpected];
      PetscCheck(!json_date(json_object_get(v, "eventDate"), &x->date), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "case %s: bad eventDate", c->id);
      if (c->to != BALLAST_DATE_NONE && x->date > c->to) continue;
      const char *ty = json_string_value(json_object_get(v, "eventType"));
      x->type        = BallastEventTypeParse(ty ? ty : "");
      x->payoff      = json_num(json_object_get(v, "payoff"));
      x->notional    = json_num(json_object_get(v, "notionalPrincipal"));
      x->rate        = json_num(json_object_get(v, "nominalInterestRate"));
      x->accrued     = json_num(json_object_get(v, "accruedInterest"));
      const char *cu = json_string_value(json_object_get(v, "currency"));
      x->currency    = cu ? BallastNamesIntern(c->names, cu) : c->terms.currency;
      c->nexpected++;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastActusCaseFree(BallastActusCase *c)
{
  CaseMarket *cm = c->data;

  PetscFunctionBeginUser;
  if (cm) {
    for (PetscInt s = 0; s < cm->nseries; s++) PetscCall(PetscFree2(cm->series[s].d, cm->series[s].v));
    PetscCall(PetscFree(cm->series));
    PetscCall(PetscFree(cm));
  }
  PetscCall(PetscFree(c->expected));
  BallastNamesDestroy(&c->names);
  PetscCall(PetscMemzero(c, sizeof(*c)));
  PetscFunctionReturn(0);
}
