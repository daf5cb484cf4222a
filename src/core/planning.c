/* Plain-data parts of the planning layer (include/ballast/planning.h): filter resolution and
 * matching over the contract store, limit statuses, destruction. No libconfig, no I/O. */
#include <ballast/planning.h>
#include <math.h>
#include <string.h>

const char *const BallastFilterAttrNames[BALLAST_FILTER_NATTR] = {"portfolio", "contractType", "currency", "contractRole", "behaviourSegment", "legalEntity", "counterpartyType"};
const char *const BallastLimitMetricNames[BALLAST_METRIC_COUNT] = {"eve_outlier_ratio", "nii_outlier_ratio", "lcr", "nsfr", "survival_days", "pv01", "key_rate_pv01", "delta_eve", "delta_nii"};

static const char *const role_names[] = {"RPA", "RPL", "RFL", "PFL", "RF", "PF", "BUY", "SEL", "COL", "CNO", "UDL", "UDLP", "UDLM"};

static int32_t find_in(const char *const *names, int n, const char *s)
{
  for (int i = 0; i < n; i++)
    if (!strcmp(names[i], s)) return i;
  return -2;
}

PetscErrorCode BallastFilterResolve(BallastFilter *f, BallastContracts cs, BallastNames currencies, const char *group)
{
  PetscFunctionBeginUser;
  for (int a = 0; a < BALLAST_FILTER_NATTR; a++) {
    PetscCall(PetscFree(f->ids[a]));
    if (!f->nvalues[a]) continue;
    PetscCall(PetscMalloc1(f->nvalues[a], &f->ids[a]));
    for (PetscInt k = 0; k < f->nvalues[a]; k++) {
      const char *v  = f->values[a][k];
      int32_t     id = -2;
      switch ((BallastFilterAttr)a) {
      case BALLAST_FILTER_PORTFOLIO:
        for (PetscInt p = 0; p < cs->nportfolios; p++)
          if (!strcmp(cs->portfolio_names[p], v)) id = (int32_t)p;
        break;
      case BALLAST_FILTER_CONTRACT_TYPE: id = BallastContractTypeParse(v) >= 0 ? BallastContractTypeParse(v) : -2; break;
      case BALLAST_FILTER_CURRENCY: id = currencies && BallastNamesFind(currencies, v) >= 0 ? BallastNamesFind(currencies, v) : -2; break;
      case BALLAST_FILTER_CONTRACT_ROLE: id = find_in(role_names, BALLAST_ROLE_COUNT, v); break;
      case BALLAST_FILTER_BEHAVIOUR_SEGMENT: id = cs->segments && BallastNamesFind(cs->segments, v) >= 0 ? BallastNamesFind(cs->segments, v) : -2; break;
      case BALLAST_FILTER_LEGAL_ENTITY:
        if (group && !strcmp(v, group)) id = -1; /* contracts without legalEntity belong to the group */
        else id = cs->entities && BallastNamesFind(cs->entities, v) >= 0 ? BallastNamesFind(cs->entities, v) : -2;
        break;
      case BALLAST_FILTER_COUNTERPARTY_TYPE:
        for (int c = 0; c < BALLAST_CP_COUNT; c++)
          if (!strcmp(BallastCounterpartyName(c), v)) id = c;
        break;
      default: break;
      }
      f->ids[a][k] = id;
    }
  }
  f->resolved = PETSC_TRUE;
  PetscFunctionReturn(0);
}

static inline PetscBool any_of(const int32_t *ids, PetscInt n, int32_t v)
{
  for (PetscInt k = 0; k < n; k++)
    if (ids[k] == v) return PETSC_TRUE;
  return PETSC_FALSE;
}

PetscBool BallastFilterMatch(const BallastFilter *f, BallastContracts cs, PetscInt i)
{
  const BallastAlm *a = &cs->alm[i];
  int32_t           v[BALLAST_FILTER_NATTR];
  v[BALLAST_FILTER_PORTFOLIO]         = a->portfolio;
  v[BALLAST_FILTER_CONTRACT_TYPE]     = cs->contractType[i];
  v[BALLAST_FILTER_CURRENCY]          = cs->currency[i];
  v[BALLAST_FILTER_CONTRACT_ROLE]     = cs->contractRole[i];
  v[BALLAST_FILTER_BEHAVIOUR_SEGMENT] = a->behaviourSegment;
  v[BALLAST_FILTER_LEGAL_ENTITY]      = a->legalEntity;
  v[BALLAST_FILTER_COUNTERPARTY_TYPE] = a->counterpartyType;
  for (int k = 0; k < BALLAST_FILTER_NATTR; k++)
    if (f->nvalues[k] && !any_of(f->ids[k], f->nvalues[k], v[k])) return PETSC_FALSE;
  return PETSC_TRUE;
}

int BallastLimitStatus(const BallastLimit *l, double value)
{
  if (isnan(value)) return 2;
  switch (l->kind) {
  case BALLAST_LIMIT_MIN:
    if (value < l->level) return 2;
    return l->has_warning && value < l->warning ? 1 : 0;
  case BALLAST_LIMIT_MAX:
    if (value > l->level) return 2;
    return l->has_warning && value > l->warning ? 1 : 0;
  case BALLAST_LIMIT_MAX_ABS:
    if (fabs(value) > l->level) return 2;
    return l->has_warning && fabs(value) > l->warning ? 1 : 0;
  }
  return 2;
}

PetscErrorCode BallastFilterDestroy(BallastFilter *f)
{
  PetscFunctionBeginUser;
  for (int a = 0; a < BALLAST_FILTER_NATTR; a++) {
    for (PetscInt k = 0; k < f->nvalues[a]; k++) PetscCall(PetscFree(f->values[a][k]));
    PetscCall(PetscFree(f->values[a]));
    PetscCall(PetscFree(f->ids[a]));
  }
  PetscCall(PetscMemzero(f, sizeof(*f)));
  PetscFunctionReturn(0);
}

PetscInt BallastPlanningFindAction(const BallastPlanning *p, const char *name)
{
  for (PetscInt i = 0; i < p->nactions; i++)
    if (p->actions[i].name && !strcmp(p->actions[i].name, name)) return i;
  return -1;
}

static PetscErrorCode free_strings(PetscInt n, char ***s)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; *s && i < n; i++) PetscCall(PetscFree((*s)[i]));
  PetscCall(PetscFree(*s));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastPlanningDestroy(BallastPlanning *p)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; p->actions && i < p->nactions; i++) {
    BallastAction *a = &p->actions[i];
    PetscCall(PetscFree(a->name));
    PetscCall(free_strings(a->nadd, &a->add));
    for (PetscInt k = 0; a->instr && k < a->ninstr; k++) {
      PetscCall(PetscFree(a->instr[k].portfolio));
      PetscCall(PetscFree(a->instr[k].legal_entity));
      PetscCall(PetscFree(a->instr[k].segment));
      PetscCall(PetscFree(a->instr[k].contract_id));
    }
    PetscCall(PetscFree(a->instr));
    for (PetscInt k = 0; a->scale && k < a->nscale; k++) PetscCall(BallastFilterDestroy(&a->scale[k].filter));
    PetscCall(PetscFree(a->scale));
    for (PetscInt k = 0; a->remove && k < a->nremove; k++) PetscCall(BallastFilterDestroy(&a->remove[k]));
    PetscCall(PetscFree(a->remove));
    PetscCall(free_strings(a->ninclude, &a->include));
    PetscCall(PetscFree(a->flat));
  }
  PetscCall(PetscFree(p->actions));
  for (PetscInt i = 0; p->plan.products && i < p->plan.nproducts; i++) {
    BallastProduct *q = &p->plan.products[i];
    PetscCall(PetscFree(q->name));
    PetscCall(PetscFree(q->portfolio));
    PetscCall(PetscFree(q->legal_entity));
    PetscCall(PetscFree(q->segment));
    PetscCall(PetscFree(q->curve));
    PetscCall(PetscFree(q->amounts));
    PetscCall(PetscFree(q->replace_portfolio));
  }
  PetscCall(PetscFree(p->plan.products));
  for (PetscInt i = 0; p->limits && i < p->nlimits; i++) {
    PetscCall(PetscFree(p->limits[i].name));
    PetscCall(PetscFree(p->limits[i].scenario));
    PetscCall(PetscFree(p->limits[i].currency));
    PetscCall(PetscFree(p->limits[i].key_tenor));
  }
  PetscCall(PetscFree(p->limits));
  for (PetscInt i = 0; p->margins && i < p->nmargins; i++) PetscCall(BallastFilterDestroy(&p->margins[i].filter));
  PetscCall(PetscFree(p->margins));
  PetscCall(free_strings(p->nreserves, &p->reserves_ccy));
  PetscCall(PetscFree(p->reserves_rate));
  if (p->names) BallastNamesDestroy(&p->names);
  PetscCall(PetscMemzero(p, sizeof(*p)));
  PetscFunctionReturn(0);
}
