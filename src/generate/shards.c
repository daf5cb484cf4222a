/* ballast generate: the contract files. A BallastGenRow becomes one CSV line (cells in the order of
 * the header, which comes from the shared column table include/ballast/columns.h); rows are
 * formatted by every rank in chunks and written together with MPI-IO at offsets from a prefix sum,
 * so the bytes of a file do not depend on the number of ranks. The exact totals (EUR cents,
 * counts) are summed on the way. */
#include "gen_impl.h"
#include <ballast/columns.h>
#include <stdio.h>

/* ------------------------------------------------------------------ fast CSV formatting */
/* The columns of a generated row, in the order format_row writes them (keep the two in step). */
static const BallastColumnId row_columns[] = {
  BALLAST_COLUMN_CONTRACT_ID, BALLAST_COLUMN_PORTFOLIO, BALLAST_COLUMN_LEGAL_ENTITY, BALLAST_COLUMN_CONTRACT_TYPE, BALLAST_COLUMN_CONTRACT_ROLE,
  BALLAST_COLUMN_CURRENCY, BALLAST_COLUMN_STATUS_DATE, BALLAST_COLUMN_INITIAL_EXCHANGE_DATE, BALLAST_COLUMN_MATURITY_DATE,
  BALLAST_COLUMN_NOTIONAL_PRINCIPAL, BALLAST_COLUMN_NOMINAL_INTEREST_RATE, BALLAST_COLUMN_DAY_COUNT_CONVENTION,
  BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_INTEREST_PAYMENT, BALLAST_COLUMN_CYCLE_OF_INTEREST_PAYMENT, BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_PRINCIPAL_REDEMPTION,
  BALLAST_COLUMN_CYCLE_OF_PRINCIPAL_REDEMPTION, BALLAST_COLUMN_NEXT_PRINCIPAL_REDEMPTION_PAYMENT, BALLAST_COLUMN_CYCLE_ANCHOR_DATE_OF_RATE_RESET,
  BALLAST_COLUMN_CYCLE_OF_RATE_RESET, BALLAST_COLUMN_RATE_SPREAD, BALLAST_COLUMN_MARKET_OBJECT_CODE_OF_RATE_RESET, BALLAST_COLUMN_LIFE_CAP,
  BALLAST_COLUMN_LIFE_FLOOR, BALLAST_COLUMN_NOMINAL_INTEREST_RATE2, BALLAST_COLUMN_ACCRUED_INTEREST, BALLAST_COLUMN_X_DAY_NOTICE,
  BALLAST_COLUMN_COUNTERPARTY_TYPE, BALLAST_COLUMN_DEPOSIT_STABILITY, BALLAST_COLUMN_OPERATIONAL, BALLAST_COLUMN_INSURED, BALLAST_COLUMN_HQLA_LEVEL,
  BALLAST_COLUMN_ENCUMBERED_UNTIL, BALLAST_COLUMN_RISK_WEIGHT, BALLAST_COLUMN_UNDRAWN_COMMITMENT, BALLAST_COLUMN_FACILITY_TYPE,
  BALLAST_COLUMN_BEHAVIOUR_SEGMENT,
};

static inline char *put_date(char *p, BallastDate t)
{
  int y, m, d;
  if (t == BALLAST_DATE_NONE) return p;
  BallastDateToYMD(t, &y, &m, &d);
  p    = put_uint(p, (uint64_t)y, 4);
  *p++ = '-';
  p    = put_uint(p, (uint64_t)m, 2);
  *p++ = '-';
  return put_uint(p, (uint64_t)d, 2);
}


static char *format_row(const BallastGen *g, const BallastGenRow *w, char *p)
{
#define SEP (*p++ = ',')
  p = put_str(p, BallastGenCategories[w->cat].prefix);
  *p++ = '-';
  p    = put_uint(p, (uint64_t)w->j + 1, g->idwidth);
  SEP;
  p = put_str(p, g->pname[w->portfolio]);
  SEP;
  p = put_str(p, BallastGenEntityName[w->entity]);
  SEP;
  p = put_str(p, w->type);
  SEP;
  p = put_str(p, w->role);
  SEP;
  p = put_str(p, BallastGenCurrencyName[w->ccy]);
  SEP;
  p = put_date(p, g->as_of);
  SEP;
  p = put_date(p, w->ied);
  SEP;
  p = put_date(p, w->md);
  SEP;
  p = put_fixed(p, w->notional, 2, 0);
  SEP;
  p = put_fixed(p, w->rate, 6, 1);
  SEP;
  p = put_str(p, w->dcc);
  SEP;
  p = put_date(p, w->ipanc);
  SEP;
  p = put_str(p, w->ipcyc);
  SEP;
  p = put_date(p, w->pranc);
  SEP;
  p = put_str(p, w->prcyc);
  SEP;
  p = put_fixed(p, w->prnxt, 2, 0);
  SEP;
  p = put_date(p, w->rranc);
  SEP;
  p = put_str(p, w->rrcyc);
  SEP;
  p = put_fixed(p, w->spread, 6, 1);
  SEP;
  p = put_str(p, w->moc);
  SEP;
  p = put_fixed(p, w->cap, 6, 1);
  SEP;
  p = put_fixed(p, w->floor, 6, 1);
  SEP;
  p = put_fixed(p, w->rate2, 6, 1);
  SEP;
  p = put_fixed(p, w->accrued, 2, 0);
  SEP;
  p = put_str(p, w->xdn);
  SEP;
  p = put_str(p, w->cpty);
  SEP;
  p = put_str(p, w->stab);
  SEP;
  p = put_str(p, w->oper);
  SEP;
  p = put_str(p, w->ins);
  SEP;
  p = put_str(p, w->hqla);
  SEP;
  p = put_date(p, w->encumbered);
  SEP;
  p = put_fixed(p, w->riskweight, 6, 1);
  SEP;
  p = put_fixed(p, w->undrawn, 2, 0);
  SEP;
  p = put_str(p, w->fac);
  SEP;
  p    = put_str(p, w->seg);
  *p++ = '\n';
#undef SEP
  return p;
}

/* ------------------------------------------------------------------ totals (exact, any rank count) */
static void totals_add(BallastGenTotals *t, const BallastGenRow *w)
{
  int64_t eur = llround(w->notional * 100.0 * BallastGenFxRate[w->ccy]);
  if (w->type[0] == 'S' && w->type[1] == 'W') t->swaps += eur;
  else if (w->role[2] == 'A') { /* RPA */
    t->assets += eur;
    /* credit-risk RWA (standardised approach): riskWeight x exposure, undrawn commitments at a 50 %
     * conversion factor (CRR Art. 111, medium risk); a missing riskWeight (CSH) weighs 0 */
    if (!isnan(w->riskweight)) {
      double exposure = w->notional + (isnan(w->undrawn) ? 0.0 : 0.5 * w->undrawn);
      t->rwa += llround(exposure * w->riskweight * 100.0 * BallastGenFxRate[w->ccy]);
    }
  } else t->liabilities += eur;
  t->ccy[w->ccy]++;
  t->port[w->portfolio]++;
}

/* ------------------------------------------------------------------ MPI-IO */
static void mpi_error_text(int rc, char *buf, size_t len)
{
  char s[MPI_MAX_ERROR_STRING];
  int  l = 0;
  if (MPI_Error_string(rc, s, &l) != MPI_SUCCESS) snprintf(s, sizeof s, "MPI error %d", rc);
  snprintf(buf, len, "%s", s);
}

/* Collective: rows [r0, r1) into the file `path` (created or truncated), with the header. Round by
 * round, each rank formats BALLAST_GEN_CHUNK_ROWS consecutive rows, the offsets come from a prefix sum of the
 * byte counts, and all ranks write together: the file is the rows in order whatever the ranks. */
PetscErrorCode BallastGenWriteShard(MPI_Comm comm, const BallastGen *g, const char *path, int64_t r0, int64_t r1, char *buf, BallastGenTotals *tot)
{
  PetscMPIInt rank, size;
  MPI_File    fh;
  MPI_Status  st;
  char        msg[1024] = "";
  PetscBool   failed    = PETSC_FALSE;
  int         rc;
  BallastGenRow w;
  BallastText   header = {0};
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  BallastColumnsHeader(row_columns, (int)(sizeof row_columns / sizeof row_columns[0]), &header);
  PetscCall(BallastAgreeError(comm, header.err ? PETSC_ERR_MEM : 0, "contract file header: out of memory"));
  rc = MPI_File_open(comm, path, MPI_MODE_CREATE | MPI_MODE_WRONLY, MPI_INFO_NULL, &fh);
  if (rc != MPI_SUCCESS) {
    char e[512];
    mpi_error_text(rc, e, sizeof e);
    snprintf(msg, sizeof msg, "%s: cannot create: %s", path, e);
  }
  if (rc != MPI_SUCCESS) BallastTextFree(&header);
  PetscCall(BallastAgreeError(comm, rc != MPI_SUCCESS ? BALLAST_ERR_IO : 0, msg));
  rc = MPI_File_set_size(fh, 0);
  if (rc != MPI_SUCCESS) failed = PETSC_TRUE;
  MPI_Offset base = (MPI_Offset)header.len;
  if (rank == 0) {
    rc = MPI_File_write_at(fh, 0, header.buf, (int)header.len, MPI_BYTE, &st);
    if (rc != MPI_SUCCESS) failed = PETSC_TRUE;
  }
  for (int64_t rs = r0; rs < r1; rs += (int64_t)size * BALLAST_GEN_CHUNK_ROWS) {
    int64_t a = PetscMin(rs + (int64_t)rank * BALLAST_GEN_CHUNK_ROWS, r1), b = PetscMin(a + BALLAST_GEN_CHUNK_ROWS, r1);
    char   *p = buf;
    for (int64_t row = a; row < b; row++) {
      BallastGenDrawRow(g, row, &w);
      p = format_row(g, &w, p);
      totals_add(tot, &w);
    }
    long long len = (long long)(p - buf), off = 0, all = 0;
    PetscCallMPI(MPI_Exscan(&len, &off, 1, MPI_LONG_LONG, MPI_SUM, comm));
    if (rank == 0) off = 0;
    PetscCallMPI(MPI_Allreduce(&len, &all, 1, MPI_LONG_LONG, MPI_SUM, comm));
    rc = MPI_File_write_at_all(fh, base + (MPI_Offset)off, buf, (int)len, MPI_BYTE, &st);
    if (rc != MPI_SUCCESS) failed = PETSC_TRUE;
    base += (MPI_Offset)all;
  }
  rc = MPI_File_close(&fh);
  if (rc != MPI_SUCCESS) failed = PETSC_TRUE;
  if (failed) snprintf(msg, sizeof msg, "%s: write failed (disk full or no permission?)", path);
  BallastTextFree(&header);
  PetscCall(BallastAgreeError(comm, failed ? BALLAST_ERR_IO : 0, msg));
  PetscFunctionReturn(0);
}
