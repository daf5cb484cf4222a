/* `ballast combine OUT PART...`: the parts of a stress-scenario array (`ballast run CONFIG
 * --scenario-set K/N`, one per array task) put together into the one alm.nc of a single run with
 * every scenario (docs/cluster.md).
 *
 * Every part ran base and its block of the other scenarios. A variable over `scenario` is taken
 * scenario by scenario from the part that ran it (base from part 0, equal in every part); a
 * variable without it (base-scenario quantities: liquidity, gap, PV01, calibration, control
 * totals) must be bitwise equal in every part and is copied; the quantities over all scenarios
 * (the regime's outlier tests: worst decline over each test's scenarios) are recomputed from the
 * combined deltas by the run's own function (BallastIRRBBOutlierTests). Parts of other inputs,
 * another build or another split are refused naming the part and what differs. */
#define _POSIX_C_SOURCE 200809L
#include <ballast/commands.h>
#include <ballast/irrbb.h>
#include <ballast/ncdata.h>
#include <ballast/regime.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* recomputed over the combined scenarios, not copied */
static const char *recomputed[] = {"outlier_test_decline", "outlier_test_ratio", "outlier_test_flag", "outlier_test_worst_scenario", NULL};
/* the parts' own provenance, not carried into the combined file */
static const char *part_only[] = {"scenario_set", "scenarios_all", NULL};
/* must be identical in every part: the same inputs, configuration and build */
static const char *same_inputs[] = {"input_sha256", "config_sha256", "software_version", "scenarios_all", NULL};

static int in_list(const char *const *list, const char *name)
{
  for (int i = 0; list[i]; i++)
    if (!strcmp(list[i], name)) return 1;
  return 0;
}

typedef struct {
  BallastNCData d;
  PetscInt      k, n;
  const char   *arg;
} Part;

static int cmp_part(const void *a, const void *b)
{
  const Part *x = a, *y = b;
  return x->k < y->k ? -1 : x->k > y->k;
}

/* first differing line of two texts (input_sha256: "sha  path" per line), for the message */
static void first_diff_line(const char *a, const char *b, char *out, size_t n)
{
  while (*a && *b) {
    const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
    size_t      la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
    if (la != lb || strncmp(a, b, la)) {
      snprintf(out, n, "'%.*s' against '%.*s'", (int)(la > 200 ? 200 : la), a, (int)(lb > 200 ? 200 : lb), b);
      return;
    }
    a += la + (ea ? 1 : 0);
    b += lb + (eb ? 1 : 0);
  }
  snprintf(out, n, "'%.200s' against '%.200s'", a, b);
}

/* equality of one value of a variable (index i of part a, j of part b) */
static int same_value(const BallastNCVar *a, size_t i, const BallastNCVar *b, size_t j, size_t len)
{
  if (a->kind == BALLAST_NCK_STRING) {
    for (size_t q = 0; q < len; q++)
      if (strcmp(((char **)a->data)[i + q], ((char **)b->data)[j + q])) return 0;
    return 1;
  }
  size_t sz = a->kind == BALLAST_NCK_DOUBLE ? sizeof(double) : sizeof(int64_t);
  return !memcmp((const char *)a->data + i * sz, (const char *)b->data + j * sz, len * sz); /* bitwise, NaN included */
}

static PetscErrorCode set_text_att(BallastNCAtt *t, const char *name, const char *value)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(t->name));
  PetscCall(PetscFree(t->data));
  PetscCall(PetscStrallocpy(name, &t->name));
  PetscCall(PetscStrallocpy(value, (char **)&t->data));
  t->kind = BALLAST_NCA_TEXT;
  t->len  = strlen(value);
  PetscFunctionReturn(0);
}

static PetscErrorCode copy_att(const BallastNCAtt *s, BallastNCAtt *t)
{
  size_t sz = s->kind == BALLAST_NCA_TEXT ? 1 : s->kind == BALLAST_NCA_INT ? sizeof(int) : 8;
  PetscFunctionBeginUser;
  PetscCall(PetscStrallocpy(s->name, &t->name));
  t->kind = s->kind;
  t->len  = s->len;
  PetscCall(PetscCalloc(sz * (s->len + 1), &t->data));
  memcpy(t->data, s->data, sz * s->len);
  PetscFunctionReturn(0);
}

/* the part's scenario names (scenario_name), checked against base + block K of N of all */
static PetscErrorCode check_scenarios(const Part *p, PetscInt S, char **all)
{
  const BallastNCData *d = &p->d;
  int                  v = BallastNCDataFindVar(d, "scenario_name");
  PetscInt             m = S - 1, lo = 1 + p->k * m / p->n, hi = 1 + (p->k + 1) * m / p->n;
  PetscFunctionBeginUser;
  PetscCheck(v >= 0 && d->var[v].kind == BALLAST_NCK_STRING && d->var[v].ndims == 1, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: no scenario_name variable: not an alm.nc of ballast run", d->path);
  const BallastNCVar *sv = &d->var[v];
  char              **nm = (char **)sv->data;
  PetscCheck((PetscInt)sv->count == 1 + hi - lo, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: part %" PetscInt_FMT "/%" PetscInt_FMT " has %zu scenarios, its set has %" PetscInt_FMT " (base and scenarios %" PetscInt_FMT "..%" PetscInt_FMT " of %" PetscInt_FMT ")",
             d->path, p->k, p->n, sv->count, 1 + hi - lo, lo, hi - 1, m);
  for (PetscInt s = 0; s < 1 + hi - lo; s++) {
    const char *want = s == 0 ? all[0] : all[lo + s - 1];
    PetscCheck(!strcmp(nm[s], want), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: part %" PetscInt_FMT "/%" PetscInt_FMT ": scenario %" PetscInt_FMT " is '%s', its set says '%s'", d->path, p->k, p->n, s, nm[s], want);
  }
  PetscFunctionReturn(0);
}

/* The combined file from the parts (sorted by K). Not collective (rank 0). */
static PetscErrorCode merge(Part *parts, PetscInt np, BallastNCData *out)
{
  const BallastNCData *d0 = &parts[0].d;
  char               **all;
  PetscInt             S   = 1;
  const char          *txt = BallastNCDataAttText(d0, "scenarios_all");
  PetscFunctionBeginUser;
  /* every configured scenario, in configuration order */
  for (const char *c = txt; *c; c++) S += *c == '\n';
  PetscCall(PetscCalloc1(S + 1, &all));
  {
    const char *c = txt;
    for (PetscInt s = 0; s < S; s++) {
      const char *e = strchr(c, '\n');
      size_t      l = e ? (size_t)(e - c) : strlen(c);
      PetscCall(PetscCalloc1(l + 1, &all[s]));
      memcpy(all[s], c, l);
      c += l + (e ? 1 : 0);
    }
  }
  for (PetscInt i = 0; i < np; i++) PetscCall(check_scenarios(&parts[i], S, all));
  /* which part and which of its scenarios holds scenario s (base: part 0, checked in all) */
  PetscInt *src_part, *src_idx, m = S - 1;
  PetscCall(PetscMalloc2(S, &src_part, S, &src_idx));
  src_part[0] = 0, src_idx[0] = 0;
  for (PetscInt i = 0; i < np; i++) {
    PetscInt lo = 1 + parts[i].k * m / parts[i].n, hi = 1 + (parts[i].k + 1) * m / parts[i].n;
    for (PetscInt s = lo; s < hi; s++) src_part[s] = i, src_idx[s] = 1 + s - lo;
  }
  int sdim0 = BallastNCDataFindDim(d0, "scenario");
  PetscCheck(sdim0 >= 0, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: no scenario dimension", d0->path);
  PetscCheck(BallastNCDataFindVar(d0, "limit_value") < 0, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%s: the part has limits: limits are evaluated over all scenarios, a stress array cannot combine them", d0->path);
  /* layout: every part has part 0's dimensions (the scenario dimension aside) and variables */
  for (PetscInt i = 1; i < np; i++) {
    const BallastNCData *d = &parts[i].d;
    PetscCheck(d->ndims == d0->ndims && d->nvars == d0->nvars, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: %d dimensions and %d variables, %s has %d and %d: parts of one run have the same layout", d->path, d->ndims, d->nvars, d0->path, d0->ndims,
               d0->nvars);
    for (int k = 0; k < d->ndims; k++)
      PetscCheck(!strcmp(d->dim_name[k], d0->dim_name[k]) && (k == sdim0 || d->dim_len[k] == d0->dim_len[k]), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: dimension %s (%zu) differs from %s's %s (%zu)", d->path, d->dim_name[k], d->dim_len[k], d0->path,
                 d0->dim_name[k], d0->dim_len[k]);
    for (int v = 0; v < d->nvars; v++) {
      const BallastNCVar *a = &d0->var[v], *b = &d->var[v];
      int                 same = !strcmp(a->name, b->name) && a->kind == b->kind && a->ndims == b->ndims;
      for (int k = 0; same && k < a->ndims; k++) same = a->dim[k] == b->dim[k];
      PetscCheck(same, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: variable %d is %s, in %s it is %s (or its type or dimensions differ)", d->path, v, b->name, d0->path, a->name);
    }
  }
  /* the combined structure: part 0's, with every scenario */
  PetscCall(PetscMemzero(out, sizeof *out));
  out->ndims = d0->ndims;
  PetscCall(PetscCalloc2(out->ndims + 1, &out->dim_name, out->ndims + 1, &out->dim_len));
  for (int k = 0; k < out->ndims; k++) {
    PetscCall(PetscStrallocpy(d0->dim_name[k], &out->dim_name[k]));
    out->dim_len[k] = k == sdim0 ? (size_t)S : d0->dim_len[k];
  }
  out->nvars = d0->nvars;
  PetscCall(PetscCalloc1(out->nvars + 1, &out->var));
  for (int v = 0; v < d0->nvars; v++) {
    const BallastNCVar *a = &d0->var[v];
    BallastNCVar       *o = &out->var[v];
    PetscCall(PetscStrallocpy(a->name, &o->name));
    o->kind  = a->kind;
    o->ndims = a->ndims;
    o->count = 1;
    int j    = -1; /* position of the scenario dimension */
    for (int k = 0; k < a->ndims; k++) {
      o->dim[k] = a->dim[k];
      o->count *= out->dim_len[a->dim[k]];
      if (a->dim[k] == sdim0) j = k;
    }
    o->natt = a->natt;
    PetscCall(PetscCalloc1(a->natt + 1, &o->att));
    for (int t = 0; t < a->natt; t++) PetscCall(copy_att(&a->att[t], &o->att[t]));
    size_t sz = o->kind == BALLAST_NCK_DOUBLE ? sizeof(double) : sizeof(int64_t);
    if (o->kind == BALLAST_NCK_STRING) PetscCall(PetscCalloc1(o->count + 1, (char ***)&o->data));
    else PetscCall(PetscCalloc(sz * (o->count + 1), &o->data));
    if (in_list(recomputed, a->name)) continue; /* filled below */
    if (j < 0) {
      /* a base-scenario quantity: bitwise the same in every part */
      for (PetscInt i = 1; i < np; i++)
        PetscCheck(same_value(a, 0, &parts[i].d.var[v], 0, a->count), PETSC_COMM_SELF, BALLAST_ERR_INPUT,
                   "%s: %s differs from %s's: a quantity of the base scenario must be the same in every part (parts of the same inputs, configuration and build agree)", parts[i].d.path, a->name, d0->path);
      if (o->kind == BALLAST_NCK_STRING)
        for (size_t q = 0; q < o->count; q++) PetscCall(PetscStrallocpy(((char **)a->data)[q], &((char **)o->data)[q]));
      else memcpy(o->data, a->data, sz * o->count);
      continue;
    }
    /* over the scenario dimension: outer x scenario x inner blocks */
    size_t outer = 1, inner = 1;
    for (int k = 0; k < j; k++) outer *= out->dim_len[a->dim[k]];
    for (int k = j + 1; k < a->ndims; k++) inner *= out->dim_len[a->dim[k]];
    for (PetscInt i = 1; i < np; i++) /* base: the same in every part */
      for (size_t q = 0; q < outer; q++) {
        const BallastNCVar *b  = &parts[i].d.var[v];
        size_t              nb = parts[i].d.dim_len[sdim0], na = d0->dim_len[sdim0];
        PetscCheck(same_value(a, q * na * inner, b, q * nb * inner, inner), PETSC_COMM_SELF, BALLAST_ERR_INPUT,
                   "%s: %s under base differs from %s's: the base scenario must be the same in every part (parts of the same inputs, configuration and build agree)", parts[i].d.path, a->name, d0->path);
      }
    for (size_t q = 0; q < outer; q++)
      for (PetscInt s = 0; s < S; s++) {
        const BallastNCData *d  = &parts[src_part[s]].d;
        const BallastNCVar  *b  = &d->var[v];
        size_t               nb = d->dim_len[sdim0];
        size_t               from = (q * nb + (size_t)src_idx[s]) * inner, to = (q * (size_t)S + (size_t)s) * inner;
        if (o->kind == BALLAST_NCK_STRING)
          for (size_t r = 0; r < inner; r++) PetscCall(PetscStrallocpy(((char **)b->data)[from + r], &((char **)o->data)[to + r]));
        else memcpy((char *)o->data + to * sz, (const char *)b->data + from * sz, inner * sz);
      }
  }
  for (PetscInt s = 0; s < S; s++) PetscCall(PetscFree(all[s]));
  PetscCall(PetscFree(all));
  PetscCall(PetscFree2(src_part, src_idx));
  PetscFunctionReturn(0);
}

static const BallastNCVar *var_of(const BallastNCData *d, const char *name, PetscInt ndims)
{
  int v = BallastNCDataFindVar(d, name);
  return v >= 0 && d->var[v].ndims == ndims ? &d->var[v] : NULL;
}

/* The regime's outlier tests over the combined scenarios (the regime file of the parts, checked by
 * its SHA-256), as the single run computes them. */
static PetscErrorCode recompute_outlier_tests(BallastNCData *out)
{
  BallastRegime r;
  char          sha[65];
  PetscFunctionBeginUser;
  int vd = BallastNCDataFindVar(out, "outlier_test_decline");
  if (vd < 0) PetscFunctionReturn(0);
  const char *path = BallastNCDataAttText(out, "regime"), *want = BallastNCDataAttText(out, "regime_sha256");
  PetscCheck(path && want, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: outlier tests but no regime / regime_sha256 attribute", out->path);
  PetscErrorCode ierr = BallastSHA256File(path, sha);
  PetscCheck(!ierr, PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: cannot read the regime file of the parts (to recompute the outlier tests over every scenario)", path);
  PetscCheck(!strcmp(sha, want), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: the regime file changed since the parts ran (SHA-256 %s, the parts used %s)", path, sha, want);
  PetscCall(BallastRegimeLoad(PETSC_COMM_SELF, path, &r));
  int                 ia = BallastNCDataFindDim(out, "action"), is = BallastNCDataFindDim(out, "scenario"), ic = BallastNCDataFindDim(out, "currency"), it = BallastNCDataFindDim(out, "outlier_test");
  const BallastNCVar *deve = var_of(out, "delta_eve", 3), *dnii = var_of(out, "delta_nii", 3), *fx = var_of(out, "fx_rate", 1), *sn = var_of(out, "scenario_name", 1);
  BallastNCAtt       *t1 = BallastNCDataFindAtt(out, "tier1_capital");
  PetscCheck(ia >= 0 && is >= 0 && ic >= 0 && it >= 0 && deve && dnii && fx && sn && t1 && t1->kind == BALLAST_NCA_DOUBLE, PETSC_COMM_SELF, BALLAST_ERR_INPUT,
             "%s: outlier tests without the variables they are computed from (delta_eve, delta_nii, fx_rate, scenario_name, tier1_capital)", out->path);
  PetscCheck(deve->dim[0] == ia && deve->dim[1] == is && deve->dim[2] == ic && dnii->dim[0] == ia && dnii->dim[1] == is && dnii->dim[2] == ic, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: delta_eve / delta_nii not over (action, scenario, currency)", out->path);
  PetscInt NA = (PetscInt)out->dim_len[ia], ns = (PetscInt)out->dim_len[is], nc = (PetscInt)out->dim_len[ic], T = (PetscInt)out->dim_len[it];
  PetscCheck(T == r.ntests, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: %" PetscInt_FMT " outlier tests, the regime %s has %" PetscInt_FMT, out->path, T, path, r.ntests);
  const char **worst;
  double      *val, *ratio;
  int64_t     *flag;
  PetscCall(PetscMalloc4(NA * T, &worst, NA * T, &val, NA * T, &ratio, NA * T, &flag));
  PetscCall(BallastIRRBBOutlierTests(&r, NA, ns, (const char *const *)sn->data, nc, fx->data, *(double *)t1->data, deve->data, dnii->data, worst, val, ratio, flag));
  for (int v = 0; v < out->nvars; v++) {
    BallastNCVar *o = &out->var[v];
    if (!in_list(recomputed, o->name)) continue;
    PetscCheck(o->count == (size_t)T || o->count == (size_t)(NA * T), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: %s has %zu values, not one per outlier test (and action)", out->path, o->name, o->count);
    for (size_t q = 0; q < o->count; q++) {
      if (!strcmp(o->name, "outlier_test_decline")) ((double *)o->data)[q] = val[q];
      else if (!strcmp(o->name, "outlier_test_ratio")) ((double *)o->data)[q] = ratio[q];
      else if (!strcmp(o->name, "outlier_test_flag")) ((int64_t *)o->data)[q] = flag[q];
      else PetscCall(PetscStrallocpy(worst[q], &((char **)o->data)[q])); /* the no-action row */
    }
  }
  for (PetscInt i = 0; i < T; i++)
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "outlier test %-28s worst %-14s decline %16.0f = %6.2f %% of Tier 1 (threshold %.0f %%): %s\n", r.test[i].name, worst[i], val[i], 100 * ratio[i], 100 * r.test[i].threshold_tier1, flag[i] ? "OUTLIER" : "pass"));
  PetscCall(PetscFree4(worst, val, ratio, flag));
  PetscCall(BallastRegimeDestroy(&r));
  PetscFunctionReturn(0);
}

/* Global attributes: part 0's, without the parts' own, with this command's provenance
 * (created_utc, command_line, history), wall_seconds the parts' sum, and the parts listed. */
static PetscErrorCode provenance(const Part *parts, PetscInt np, BallastNCData *out)
{
  const BallastNCData *d0 = &parts[0].d;
  char                 now[64], *buf;
  size_t               len = 64;
  double               wall = 0;
  PetscFunctionBeginUser;
  out->natt = 0;
  PetscCall(PetscCalloc1(d0->natt + 2, &out->att));
  for (int i = 0; i < d0->natt; i++)
    if (!in_list(part_only, d0->att[i].name)) PetscCall(copy_att(&d0->att[i], &out->att[out->natt++]));
  time_t    t = time(NULL);
  struct tm tmv;
  gmtime_r(&t, &tmv);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tmv);
  for (PetscInt i = 0; i < np; i++) {
    BallastNCAtt *w = BallastNCDataFindAtt(&parts[i].d, "wall_seconds");
    if (w && w->kind == BALLAST_NCA_DOUBLE) wall += *(double *)w->data;
    len += strlen(parts[i].d.path) + 32;
  }
  PetscCall(PetscMalloc1(len + strlen(BallastCommandLine) + 64, &buf));
  for (int i = 0; i < out->natt; i++) {
    BallastNCAtt *a = &out->att[i];
    if (!strcmp(a->name, "created_utc")) PetscCall(set_text_att(a, "created_utc", now));
    else if (!strcmp(a->name, "command_line")) PetscCall(set_text_att(a, "command_line", BallastCommandLine));
    else if (!strcmp(a->name, "history")) {
      snprintf(buf, len + strlen(BallastCommandLine) + 64, "%s %s", now, BallastCommandLine);
      PetscCall(set_text_att(a, "history", buf));
    } else if (!strcmp(a->name, "wall_seconds") && a->kind == BALLAST_NCA_DOUBLE) *(double *)a->data = wall;
  }
  buf[0] = 0;
  for (PetscInt i = 0; i < np; i++) sprintf(buf + strlen(buf), "%s%" PetscInt_FMT "/%" PetscInt_FMT " %s", i ? "\n" : "", parts[i].k, parts[i].n, parts[i].d.path);
  BallastNCAtt *c = &out->att[out->natt++];
  PetscCall(PetscMemzero(c, sizeof *c));
  PetscCall(set_text_att(c, "combined_parts", buf));
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}

static PetscErrorCode make_dir(const char *dir)
{
  char p[4096];
  PetscFunctionBeginUser;
  snprintf(p, sizeof p, "%s", dir);
  for (char *s = p + 1; *s; s++)
    if (*s == '/') {
      *s = 0;
      PetscCheck(!mkdir(p, 0777) || errno == EEXIST, PETSC_COMM_SELF, BALLAST_ERR_IO, "cannot create the output directory %s (%s)", p, strerror(errno));
      *s = '/';
    }
  PetscCheck(!mkdir(p, 0777) || errno == EEXIST, PETSC_COMM_SELF, BALLAST_ERR_IO, "cannot create the output directory %s (%s)", p, strerror(errno));
  PetscFunctionReturn(0);
}

/* rank 0: read, check, merge, recompute, write */
static PetscErrorCode combine(const char *outdir, PetscInt np, char **args)
{
  Part         *parts;
  BallastNCData out;
  char          path[4096];
  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(np, &parts));
  for (PetscInt i = 0; i < np; i++) {
    struct stat st;
    char        file[4096];
    parts[i].arg = args[i];
    if (!stat(args[i], &st) && S_ISDIR(st.st_mode)) snprintf(file, sizeof file, "%s/alm.nc", args[i]);
    else snprintf(file, sizeof file, "%s", args[i]);
    PetscCheck(!stat(file, &st), PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: no such part (a directory with alm.nc or an alm.nc of ballast run --scenario-set K/N)", file);
    PetscCall(BallastNCDataRead(file, &parts[i].d));
    const char *set = BallastNCDataAttText(&parts[i].d, "scenario_set");
    long long   k, n;
    char        end;
    PetscCheck(set, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: not a part of a stress array (no scenario_set attribute: written by ballast run without --scenario-set K/N)", file);
    PetscCheck(sscanf(set, "%lld/%lld%c", &k, &n, &end) == 2 && k >= 0 && k < n, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: scenario_set '%s' is not K/N", file, set);
    PetscCheck(BallastNCDataAttText(&parts[i].d, "scenarios_all"), PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: no scenarios_all attribute", file);
    parts[i].k = (PetscInt)k;
    parts[i].n = (PetscInt)n;
  }
  /* the same inputs, configuration, build and split */
  for (PetscInt i = 1; i < np; i++)
    for (int q = 0; same_inputs[q]; q++) {
      const char *a = BallastNCDataAttText(&parts[0].d, same_inputs[q]), *b = BallastNCDataAttText(&parts[i].d, same_inputs[q]);
      char        why[512] = "";
      if (a && b && !strcmp(a, b)) continue;
      if (a && b) first_diff_line(b, a, why, sizeof why);
      SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: a part of other inputs than %s (%s differs: %s): parts combine only when they ran the same configuration on the same inputs with the same build", parts[i].d.path, parts[0].d.path,
              same_inputs[q], a && b ? why : "missing");
    }
  for (PetscInt i = 1; i < np; i++)
    PetscCheck(parts[i].n == parts[0].n, PETSC_COMM_SELF, BALLAST_ERR_INPUT, "%s: part of a split into %" PetscInt_FMT ", %s of a split into %" PetscInt_FMT, parts[i].d.path, parts[i].n, parts[0].d.path, parts[0].n);
  qsort(parts, (size_t)np, sizeof *parts, cmp_part);
  for (PetscInt i = 0; i < np; i++) {
    PetscCheck(i == 0 || parts[i].k != parts[i - 1].k, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%s and %s are both part %" PetscInt_FMT "/%" PetscInt_FMT, parts[i - 1].d.path, parts[i].d.path, parts[i].k, parts[i].n);
  }
  PetscInt missing = np;
  for (PetscInt i = np - 1; i >= 0; i--)
    if (parts[i].k != i) missing = i;
  PetscCheck(np == parts[0].n, PETSC_COMM_SELF, BALLAST_ERR_USAGE, "%" PetscInt_FMT " parts given, the split has %" PetscInt_FMT ": part %" PetscInt_FMT "/%" PetscInt_FMT " is missing", np, parts[0].n, missing, parts[0].n);
  PetscCall(merge(parts, np, &out));
  PetscCall(PetscStrallocpy(parts[0].d.path, &out.path));
  PetscCall(provenance(parts, np, &out));
  PetscCall(recompute_outlier_tests(&out));
  PetscCall(make_dir(outdir));
  snprintf(path, sizeof path, "%s/alm.nc", outdir);
  PetscCall(BallastNCDataWrite(&out, path));
  PetscCall(PetscPrintf(PETSC_COMM_SELF, "ballast combine: %" PetscInt_FMT " parts, %zu scenarios\nresults: %s\n", np, out.dim_len[BallastNCDataFindDim(&out, "scenario")], path));
  PetscCall(BallastNCDataFree(&out));
  for (PetscInt i = 0; i < np; i++) PetscCall(BallastNCDataFree(&parts[i].d));
  PetscCall(PetscFree(parts));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastCmdCombine(int argc, char **argv)
{
  PetscMPIInt rank;
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      PetscCall(PetscPrintf(PETSC_COMM_WORLD, "usage: ballast combine OUT PART...\n"
                                              "  Puts the parts of a stress-scenario array (ballast run CONFIG --scenario-set K/N for K = 0..N-1,\n"
                                              "  each PART its output directory or alm.nc) together into OUT/alm.nc: the variables of a single\n"
                                              "  run with every scenario, bitwise (docs/cluster.md). Quantities over all scenarios (the\n"
                                              "  outlier tests) are recomputed; base-scenario quantities must be equal in every part; parts of\n"
                                              "  other inputs, configuration or build are refused.\n"
                                              "  Exit status: 0 ok, 2 usage, 3 parts that do not fit together, 5 I/O.\n"));
      PetscFunctionReturn(0);
    }
  for (int i = 1; i < argc; i++) PetscCheck(argv[i][0] != '-', PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "unknown option %s (see ballast combine --help)", argv[i]);
  PetscCheck(argc >= 3, PETSC_COMM_WORLD, BALLAST_ERR_USAGE, "usage: ballast combine OUT PART... (see ballast combine --help)");
  PetscErrorCode ierr = 0;
  if (rank == 0) ierr = combine(argv[1], argc - 2, argv + 2);
  PetscCall(BallastAgreeError(PETSC_COMM_WORLD, ierr, NULL));
  PetscFunctionReturn(0);
}
