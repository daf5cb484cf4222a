#include <ballast/contracts.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

PetscErrorCode BallastContractsCreate(BallastContracts *cs)
{
  PetscFunctionBeginUser;
  PetscCall(PetscNew(cs));
  PetscCheck(BallastNamesCreate(&(*cs)->entities) == 0 && BallastNamesCreate(&(*cs)->segments) == 0, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
  PetscFunctionReturn(0);
}

#define GROW(p, cap) PetscCall(PetscRealloc(sizeof(*(p)) * (size_t)(cap), &(p)))

static PetscErrorCode reserve_exact(BallastContracts cs, PetscInt cap)
{
  PetscFunctionBeginUser;
  if (cap <= cs->cap) PetscFunctionReturn(0);
#define X(f) GROW(cs->f, cap);
  BALLAST_SOA_ENUMS(X) BALLAST_SOA_IDS(X) BALLAST_SOA_DATES(X) BALLAST_SOA_CYCLES(X) BALLAST_SOA_DOUBLES(X)
#undef X
  GROW(cs->xmask, cap);
  GROW(cs->xstart, cap);
  GROW(cs->alm, cap);
  GROW(cs->file, cap);
  GROW(cs->line, cap);
  GROW(cs->id_off, cap);
  cs->cap = cap;
  PetscFunctionReturn(0);
}

static PetscErrorCode reserve(BallastContracts cs, PetscInt need)
{
  PetscFunctionBeginUser;
  if (need <= cs->cap) PetscFunctionReturn(0);
  PetscInt cap = cs->cap ? cs->cap : 1024;
  while (cap < need) cap *= 2;
  PetscCall(reserve_exact(cs, cap));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsReserve(BallastContracts cs, PetscInt n, size_t id_bytes)
{
  PetscFunctionBeginUser;
  PetscCall(reserve_exact(cs, n));
  if (id_bytes > cs->id_cap) {
    PetscCall(PetscRealloc(id_bytes, &cs->id_pool));
    cs->id_cap = id_bytes;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsReserveSparse(BallastContracts cs, size_t nvals)
{
  PetscFunctionBeginUser;
  if (nvals > cs->xcap) {
    PetscCall(PetscRealloc(sizeof(double) * nvals, &cs->xval));
    cs->xcap = nvals;
  }
  PetscFunctionReturn(0);
}

/* Write row i (reserved: i < cap); the row's sparse values and contractID text are appended to
 * the pools, wherever the row is (xstart and id_off point into them). */
static PetscErrorCode put_row(BallastContracts cs, PetscInt i, const BallastTerms *t, const BallastAlm *a, const char *id, uint16_t file, int64_t line)
{
  PetscFunctionBeginUser;
#define X(f) cs->f[i] = (uint8_t)t->f;
  BALLAST_SOA_ENUMS(X)
#undef X
#define X(f) cs->f[i] = t->f;
  BALLAST_SOA_IDS(X) BALLAST_SOA_DATES(X) BALLAST_SOA_CYCLES(X) BALLAST_SOA_DOUBLES(X)
#undef X
  {
    uint32_t mask = 0, k = 0, nset = 0;
#define X(f) if (!isnan(t->f)) mask |= 1u << k, nset++; k++;
    BALLAST_SOA_SPARSE(X)
#undef X
    if (cs->xlen + nset > cs->xcap) {
      size_t cap = cs->xcap ? cs->xcap : 4096;
      while (cap < cs->xlen + nset) cap *= 2;
      PetscCall(PetscRealloc(sizeof(double) * cap, &cs->xval));
      cs->xcap = cap;
    }
    PetscCheck(cs->xlen + nset <= UINT32_MAX, PETSC_COMM_SELF, PETSC_ERR_SUP, "more than 2^32 sparse contract values on one rank");
    cs->xmask[i]  = mask;
    cs->xstart[i] = (uint32_t)cs->xlen;
#define X(f) if (!isnan(t->f)) cs->xval[cs->xlen++] = t->f;
    BALLAST_SOA_SPARSE(X)
#undef X
  }
  cs->alm[i]  = *a;
  cs->file[i] = file;
  cs->line[i] = line;
  size_t l    = strlen(id) + 1;
  if (cs->id_len + l > cs->id_cap) {
    size_t cap = cs->id_cap ? cs->id_cap : 1 << 16;
    while (cap < cs->id_len + l) cap *= 2;
    PetscCall(PetscRealloc(cap, &cs->id_pool));
    cs->id_cap = cap;
  }
  memcpy(cs->id_pool + cs->id_len, id, l);
  cs->id_off[i] = (int64_t)cs->id_len;
  cs->id_len += l;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsAppend(BallastContracts cs, const BallastTerms *t, const BallastAlm *a, const char *id, uint16_t file, int64_t line)
{
  PetscFunctionBeginUser;
  PetscCall(reserve(cs, cs->n + 1));
  PetscCall(put_row(cs, cs->n, t, a, id, file, line));
  cs->n++;
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsPut(BallastContracts cs, PetscInt i, const BallastTerms *t, const BallastAlm *a, const char *id, uint16_t file, int64_t line)
{
  PetscFunctionBeginUser;
  PetscCheck(i >= 0 && i < cs->cap, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "row %" PetscInt_FMT " outside the %" PetscInt_FMT " reserved", i, cs->cap);
  PetscCall(put_row(cs, i, t, a, id, file, line));
  if (i >= cs->n) cs->n = i + 1;
  PetscFunctionReturn(0);
}

void BallastContractsGetTerms(BallastContracts cs, PetscInt i, BallastTerms *t)
{
#define X(f) t->f = cs->f[i];
  BALLAST_SOA_ENUMS(X) BALLAST_SOA_IDS(X) BALLAST_SOA_DATES(X) BALLAST_SOA_CYCLES(X) BALLAST_SOA_DOUBLES(X)
#undef X
  uint32_t      mask = cs->xmask[i], k = 0;
  const double *v    = cs->xval + cs->xstart[i];
#define X(f) t->f = (mask >> k++) & 1u ? *v++ : NAN;
  BALLAST_SOA_SPARSE(X)
#undef X
}

size_t BallastContractsBytesSparse(BallastContracts cs) { return sizeof(double) * cs->xlen; }

size_t BallastContractsBytesPerContract(void)
{
  size_t b = 0;
#define X(f) b += sizeof(uint8_t);
  BALLAST_SOA_ENUMS(X)
#undef X
#define X(f) b += sizeof(int32_t);
  BALLAST_SOA_IDS(X)
#undef X
#define X(f) b += sizeof(BallastDate);
  BALLAST_SOA_DATES(X)
#undef X
#define X(f) b += sizeof(BallastCycle);
  BALLAST_SOA_CYCLES(X)
#undef X
#define X(f) b += sizeof(double);
  BALLAST_SOA_DOUBLES(X)
#undef X
  b += 2 * sizeof(uint32_t); /* xmask, xstart */
  return b + sizeof(BallastAlm) + sizeof(uint16_t) + sizeof(int64_t) + sizeof(int64_t);
}

/* The compact encoding of one contract (include/ballast/contracts.h). */
size_t BallastContractsEncode(char *p, const BallastTerms *t, const BallastAlm *a, const BallastTerms *d)
{
  char    *q = p + 8;
  uint32_t xm = 0, m = 0, k = 0;
#define X(f) *q++ = (char)(uint8_t)t->f;
  BALLAST_SOA_ENUMS(X)
#undef X
  *q++ = (char)a->counterpartyType;
  *q++ = (char)a->depositStability;
  *q++ = (char)a->operational;
  *q++ = (char)a->insured;
  *q++ = (char)a->hqlaLevel;
  *q++ = (char)a->facilityType;
  memcpy(q, &t->notionalPrincipal, 8);
  q += 8;
#define X(f) \
  if (memcmp(&t->f, &d->f, sizeof t->f)) { m |= 1u << k; memcpy(q, &t->f, sizeof t->f); q += sizeof t->f; } \
  k++;
  BALLAST_SOA_DATES(X) BALLAST_SOA_IDS(X) BALLAST_SOA_CYCLES(X)
#undef X
  if (a->encumberedUntil != BALLAST_DATE_NONE) { m |= 1u << k; memcpy(q, &a->encumberedUntil, 4); q += 4; }
  k++;
  {
    double nan = NAN, zero = 0;
    if (memcmp(&a->riskWeight, &nan, 8)) { m |= 1u << k; memcpy(q, &a->riskWeight, 8); q += 8; }
    k++;
    if (memcmp(&a->undrawnCommitment, &zero, 8)) { m |= 1u << k; memcpy(q, &a->undrawnCommitment, 8); q += 8; }
    k++;
  }
  k = 0;
#define X(f) if (!isnan(t->f)) { xm |= 1u << k; memcpy(q, &t->f, 8); q += 8; } k++;
  BALLAST_SOA_SPARSE(X)
#undef X
  memcpy(p, &xm, 4);
  memcpy(p + 4, &m, 4);
  return (size_t)(q - p);
}

size_t BallastContractsDecode(const char *p, BallastTerms *t, BallastAlm *a, const BallastTerms *d)
{
  const char *q = p + 8;
  uint32_t    xm, m, k = 0;
  memcpy(&xm, p, 4);
  memcpy(&m, p + 4, 4);
  *t = *d;
  memset(a, 0, sizeof *a);
#define X(f) t->f = (__typeof__(t->f))(uint8_t)*q++;
  BALLAST_SOA_ENUMS(X)
#undef X
  a->counterpartyType = (uint8_t)*q++;
  a->depositStability = (uint8_t)*q++;
  a->operational      = (uint8_t)*q++;
  a->insured          = (uint8_t)*q++;
  a->hqlaLevel        = (uint8_t)*q++;
  a->facilityType     = (uint8_t)*q++;
  memcpy(&t->notionalPrincipal, q, 8);
  q += 8;
#define X(f) \
  if ((m >> k) & 1u) { memcpy(&t->f, q, sizeof t->f); q += sizeof t->f; } \
  k++;
  BALLAST_SOA_DATES(X) BALLAST_SOA_IDS(X) BALLAST_SOA_CYCLES(X)
#undef X
  a->encumberedUntil = BALLAST_DATE_NONE;
  if ((m >> k++) & 1u) { memcpy(&a->encumberedUntil, q, 4); q += 4; }
  a->riskWeight = NAN;
  if ((m >> k++) & 1u) { memcpy(&a->riskWeight, q, 8); q += 8; }
  a->undrawnCommitment = 0;
  if ((m >> k++) & 1u) { memcpy(&a->undrawnCommitment, q, 8); q += 8; }
  k = 0;
#define X(f) if ((xm >> k) & 1u) { memcpy(&t->f, q, 8); q += 8; } else t->f = NAN; k++;
  BALLAST_SOA_SPARSE(X)
#undef X
  return (size_t)(q - p);
}


size_t BallastContractsEncodedSize(const char *p)
{
  uint32_t xm, m;
  memcpy(&xm, p, 4);
  memcpy(&m, p + 4, 4);
  const int n4 = BALLAST_CONTRACTS_NDATE + BALLAST_CONTRACTS_NID + BALLAST_CONTRACTS_NCYC + 1; /* 4-byte values: dates, ids, cycles, encumberedUntil */
  _Static_assert(sizeof(BallastCycle) == 4 && sizeof(BallastDate) == 4, "4-byte dates and cycles");
  _Static_assert(BALLAST_CONTRACTS_NDATE + BALLAST_CONTRACTS_NID + BALLAST_CONTRACTS_NCYC + 3 <= 32, "one 32-bit mask");
  return 8 + BALLAST_CONTRACTS_NENUM + 6 + 8 + 4 * (size_t)__builtin_popcount(m & ((1u << n4) - 1)) + 8 * (size_t)__builtin_popcount(m >> n4) + 8 * (size_t)__builtin_popcount(xm);
}

uint32_t BallastContractsEncodedSparse(const char *p)
{
  uint32_t xm;
  memcpy(&xm, p, 4);
  return (uint32_t)__builtin_popcount(xm);
}

static BallastContracts sort_cs;
static int cmp_rows(const void *a, const void *b)
{
  PetscInt i = *(const PetscInt *)a, j = *(const PetscInt *)b;
  const BallastContracts cs = sort_cs;
  if (cs->alm[i].portfolio != cs->alm[j].portfolio) return cs->alm[i].portfolio < cs->alm[j].portfolio ? -1 : 1;
  if (cs->file[i] != cs->file[j]) return cs->file[i] < cs->file[j] ? -1 : 1;
  if (cs->line[i] != cs->line[j]) return cs->line[i] < cs->line[j] ? -1 : 1;
  return 0;
}

/* Apply permutation perm to rows [b, b + m) of one array: new row b + k = old row perm[k]
 * (absolute indices within the range); a temporary of the range's size. */
#define PERMUTE(arr, T)                                                \
  do {                                                                 \
    T *tmp_;                                                           \
    PetscCall(PetscMalloc1(m, &tmp_));                                 \
    for (PetscInt k = 0; k < m; k++) tmp_[k] = (arr)[perm[k]];         \
    PetscCall(PetscArraycpy((arr) + b, tmp_, m));                      \
    PetscCall(PetscFree(tmp_));                                        \
  } while (0)

static PetscErrorCode permute_rows(BallastContracts cs, PetscInt b, PetscInt m, const PetscInt *perm)
{
  PetscFunctionBeginUser;
#define X(f) PERMUTE(cs->f, uint8_t);
  BALLAST_SOA_ENUMS(X)
#undef X
#define X(f) PERMUTE(cs->f, int32_t);
  BALLAST_SOA_IDS(X)
#undef X
#define X(f) PERMUTE(cs->f, BallastDate);
  BALLAST_SOA_DATES(X)
#undef X
#define X(f) PERMUTE(cs->f, BallastCycle);
  BALLAST_SOA_CYCLES(X)
#undef X
#define X(f) PERMUTE(cs->f, double);
  BALLAST_SOA_DOUBLES(X)
#undef X
  PERMUTE(cs->xmask, uint32_t);
  PERMUTE(cs->xstart, uint32_t);
  PERMUTE(cs->alm, BallastAlm);
  PERMUTE(cs->file, uint16_t);
  PERMUTE(cs->line, int64_t);
  PERMUTE(cs->id_off, int64_t);
  PetscFunctionReturn(0);
}

/* Sort the rows [b, e) of one portfolio by (file, line) where they are not in that order already;
 * temporaries of the run's size only. */
static PetscErrorCode sort_run(BallastContracts cs, PetscInt b, PetscInt e)
{
  PetscFunctionBeginUser;
  for (PetscInt k = b + 1; k < e; k++) {
    PetscInt x = k - 1, y = k;
    if (cmp_rows(&x, &y) > 0) {
      PetscInt *perm, m = e - b;
      PetscCall(PetscMalloc1(m, &perm));
      for (PetscInt j = 0; j < m; j++) perm[j] = b + j;
      sort_cs = cs;
      qsort(perm, (size_t)m, sizeof(PetscInt), cmp_rows);
      PetscCall(permute_rows(cs, b, m, perm));
      PetscCall(PetscFree(perm));
      break;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsSort(BallastContracts cs)
{
  PetscFunctionBeginUser;
  if (cs->n < 2) PetscFunctionReturn(0);
  sort_cs = cs;
  PetscBool grouped = PETSC_TRUE;
  for (PetscInt k = 1; k < cs->n && grouped; k++) grouped = cs->alm[k - 1].portfolio <= cs->alm[k].portfolio ? PETSC_TRUE : PETSC_FALSE;
  if (grouped) {
    /* rows placed per portfolio already (the loader fills the store so): each portfolio's run is
     * checked and sorted by (file, line) only where it is not, with temporaries of its size */
    for (PetscInt b = 0, e; b < cs->n; b = e) {
      for (e = b + 1; e < cs->n && cs->alm[e].portfolio == cs->alm[b].portfolio; e++) {}
      PetscCall(sort_run(cs, b, e));
    }
  } else {
    /* a stable counting sort by portfolio (rows arrive in file order per sending rank, so a
     * portfolio's rows are usually in (file, line) order already), then each portfolio's run is
     * checked and sorted by (file, line) only where it is not */
    PetscInt *perm, b = 0, m = cs->n;
    PetscCall(PetscMalloc1(cs->n, &perm));
    int32_t pmax = -1, pmin = INT32_MAX;
    for (PetscInt k = 0; k < cs->n; k++) {
      if (cs->alm[k].portfolio > pmax) pmax = cs->alm[k].portfolio;
      if (cs->alm[k].portfolio < pmin) pmin = cs->alm[k].portfolio;
    }
    PetscInt *start, np = (PetscInt)pmax - pmin + 1;
    PetscCall(PetscCalloc1(np + 1, &start));
    for (PetscInt k = 0; k < cs->n; k++) start[cs->alm[k].portfolio - pmin + 1]++;
    for (PetscInt q = 0; q < np; q++) start[q + 1] += start[q];
    for (PetscInt k = 0; k < cs->n; k++) perm[start[cs->alm[k].portfolio - pmin]++] = k;
    /* start[q] is now the end of portfolio q's run */
    for (PetscInt q = 0, rb = 0; q < np; rb = start[q++]) {
      PetscInt re = start[q];
      for (PetscInt k = rb + 1; k < re; k++)
        if (cmp_rows(&perm[k - 1], &perm[k]) > 0) {
          qsort(perm + rb, (size_t)(re - rb), sizeof(PetscInt), cmp_rows);
          break;
        }
    }
    PetscCall(PetscFree(start));
    PetscCall(permute_rows(cs, b, m, perm));
    PetscCall(PetscFree(perm));
  }
  if (cs->xcap > cs->xlen) { /* the sorted store is final: no doubling slack in the pool */
    PetscCall(PetscRealloc(sizeof(double) * (cs->xlen ? cs->xlen : 1), &cs->xval));
    cs->xcap = cs->xlen ? cs->xlen : 1;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode BallastContractsDestroy(BallastContracts *pcs)
{
  BallastContracts cs = *pcs;
  PetscFunctionBeginUser;
  if (!cs) PetscFunctionReturn(0);
#define X(f) PetscCall(PetscFree(cs->f));
  BALLAST_SOA_ENUMS(X) BALLAST_SOA_IDS(X) BALLAST_SOA_DATES(X) BALLAST_SOA_CYCLES(X) BALLAST_SOA_DOUBLES(X)
#undef X
  PetscCall(PetscFree(cs->xmask));
  PetscCall(PetscFree(cs->xstart));
  PetscCall(PetscFree(cs->xval));
  PetscCall(PetscFree(cs->alm));
  PetscCall(PetscFree(cs->file));
  PetscCall(PetscFree(cs->line));
  PetscCall(PetscFree(cs->id_off));
  PetscCall(PetscFree(cs->id_pool));
  BallastNamesDestroy(&cs->entities);
  BallastNamesDestroy(&cs->segments);
  for (PetscInt p = 0; p < cs->nportfolios; p++) PetscCall(PetscFree(cs->portfolio_names[p]));
  PetscCall(PetscFree(cs->portfolio_names));
  PetscCall(PetscFree2(cs->portfolio_count, cs->portfolio_owner));
  PetscCall(PetscFree(cs));
  *pcs = NULL;
  PetscFunctionReturn(0);
}

static const char *cp_names[] = {"retail", "sme", "corporate", "financial", "sovereign", "central_bank", "pse", "mdb", "other"};
const char *BallastCounterpartyName(int c) { return c >= 0 && c < BALLAST_CP_COUNT ? cp_names[c] : "?"; }
static const char *hqla_names[] = {"", "1", "2A", "2B_RMBS", "2B"};
const char *BallastHQLAName(int h) { return h >= 0 && h <= 4 ? hqla_names[h] : "?"; }
