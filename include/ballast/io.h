/* Input readers (CSV) and result writers (NetCDF). Only src/io knows these formats. */
#ifndef BALLAST_IO_H
#define BALLAST_IO_H

#include <ballast/config.h>
#include <ballast/contracts.h>
#include <ballast/curve.h>
#include <ballast/cashflows.h>
#include <ballast/run.h>

/* Maximum number of diagnostics one rank keeps for one input step (all are counted). */
#define BALLAST_DIAG_LIMIT 50

/* Split one CSV record (RFC 4180 quoting; no line break inside quotes) in place. fields[i] point
 * into line, unquoted; colpos[i] (optional) the 1-based character column where field i starts.
 * Returns the number of fields, or -1 on a quoting error (*errcol = column). Not collective. */
int BallastCSVSplit(char *line, char **fields, int *colpos, int maxfields, int *errcol);
/* The same with lens[i] (optional) the length of field i after unquoting. Not collective. */
int BallastCSVSplitLen(char *line, char **fields, int *lens, int *colpos, int maxfields, int *errcol);
/* The same for a line of known length (line[len] == 0; a NUL before len ends the line as in the
 * others): the loader's hot path, a vectorised structural scan (SSE2 where the compiler targets
 * it). BallastCSVSplitNScalar is the portable scan with the same results (tests/unit/t_csv_simd.c
 * compares them); BallastCSVSplitIsSIMD says which one BallastCSVSplitN is. Not collective. */
int BallastCSVSplitN(char *line, size_t len, char **fields, int *lens, int *colpos, int maxfields, int *errcol);
int BallastCSVSplitNScalar(char *line, size_t len, char **fields, int *lens, int *colpos, int maxfields, int *errcol);
int BallastCSVSplitIsSIMD(void);

/* Collective. Reads curves and FX (rank 0 reads, all parse the same bytes), checks them against
 * the configuration (discount curves exist with the right currency, the reporting currency has
 * FX rate 1). Errors name file, line, column and value; BALLAST_ERR_INPUT. */
PetscErrorCode BallastMarketLoad(MPI_Comm comm, const BallastConfig *cfg, BallastMarketData *m);
/* Collective. Reads a curve file into m (curves appended; currencies interned in m->currencies). */
PetscErrorCode BallastCurvesRead(MPI_Comm comm, const char *path, BallastMarketData *m);

/* Collective. Reads every contract file of the configuration: ranks parse byte ranges, validate
 * every row (all errors reported, up to a limit), assign portfolios whole to ranks
 * (BallastPartitionPortfolios on the estimated work, largest first) and send each contract to its portfolio's owner. On any error
 * every rank returns BALLAST_ERR_INPUT after rank 0 printed the messages. */
PetscErrorCode BallastContractsLoad(MPI_Comm comm, const BallastConfig *cfg, const BallastMarketData *m, BallastContracts *cs);

/* Not collective (src/io/history_csv.c). Reads the history CSV of behaviour segment s
 * (s->history_path) into s->hist. On a data error *bad = 1 and msg holds "file:line:col: ..."
 * (the caller agrees on it with BallastAgreeError); otherwise *bad = 0. */
PetscErrorCode BallastBehHistoryRead(BallastBehSegment *s, char *msg, size_t mlen, int *bad);

/* cashflows.nc (src/io/cashflows_nc.c, `ballast run --cash-flows`): every event of the behavioural
 * stream of every contract under every scenario. Open: collective, a rank-local spill file in
 * the output directory (unlinked at once) that the sink fills during the projection (memory
 * bounded: one contract's rows at a time). Write: collective, the NetCDF-4 file in portfolio
 * order (identical on any number of ranks), written under <path>.tmp and renamed; *nrows the
 * events written, *seconds the time taken. */
typedef struct BallastCashFlowsFile_s *BallastCashFlowsFile;
PetscErrorCode      BallastCashFlowsFileOpen(BallastRunContext *ctx, PetscInt nscen, BallastCashFlowsFile *f);
BallastCashFlowSink BallastCashFlowsFileSink(BallastCashFlowsFile f);
PetscErrorCode      BallastCashFlowsFileWrite(BallastRunContext *ctx, BallastCashFlowsFile f, const char *path, int64_t *nrows, double *seconds);
PetscErrorCode      BallastCashFlowsFileDestroy(BallastCashFlowsFile *f);

/* The columnar contract store (src/io/contracts_store.c, docs/store.md).
 * Write: collective; the loaded contracts of ctx (BallastRunSetup) and the hashes of their CSV
 * files (ctx->input_sha[0 .. ncontract_files), BallastRunHashInputs) into the NetCDF-4 file
 * `path` (under path.tmp, renamed when complete); software names the converting ballast; deflate:
 * per-contract variables chunked and deflated (smaller, slower to read; else contiguous); *bytes
 * (may be NULL) the file's size. */
PetscErrorCode BallastContractsStoreWrite(BallastRunContext *ctx, const char *path, const char *software, PetscBool deflate, int64_t *bytes);
/* Not collective: 1 = HDF5 (NetCDF-4) magic, 2 = NetCDF classic magic, 0 = neither (text). */
int BallastContractsStoreSniff(const char *path);
/* Collective (rank 0 looks, broadcast): *kind = 1 when input.contracts is one HDF5 file (a store),
 * 2 one classic NetCDF file (not a store), 3 a NetCDF file among several, 0 CSV files. */
PetscErrorCode BallastContractsStoreDetect(MPI_Comm comm, const BallastConfig *cfg, int *kind);
/* Collective. Reads the store named by cfg->contract_files[0]: the same portfolio partition as
 * the CSV load, each rank its portfolios by hyperslab straight into *cs; then cfg names the
 * original CSV files (contract_files), their hashes (contract_sha) and the store
 * (contracts_store). A foreign, damaged or truncated store, another format version, a currency,
 * curve or segment this run's inputs do not have: BALLAST_ERR_INPUT naming the file on every rank. */
PetscErrorCode BallastContractsStoreRead(MPI_Comm comm, BallastConfig *cfg, const BallastMarketData *m, BallastContracts *cs);

#endif
