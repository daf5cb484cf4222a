/* ballast generate: the balance-sheet recipe of a mid-size European bank — which contracts, in
 * which shares, in which business lines and portfolios (BallastGenCreate).
 *
 * The shares below are those before issue 10; the current ones are BallastGenCategories (MTG 36.7,
 * CONS 15.52, CORP 11.35, BOND 1.0, CALL 0.5, CASH 0.4, SIGHT 9.9, SAV 7.6, CDEP 2.4, TD 11.15, WSF
 * 1.48, IRS 2.0 %) and docs/generator.md "How the proportions were chosen" gives the reasons.
 *
 * What it looks like (by number of contracts; amounts are means of lognormal draws, so a 1M-contract
 * book is a bank of about EUR 80 bn total assets; see docs/generator.md for the measured totals):
 *
 *   share   prefix  contracts                        ACTUS          business line (portfolio)
 *   34.0 %  MTG     residential mortgages            ANN RPA        RETAIL-MORTGAGES
 *                   monthly P1ML0, 15-30 y, 30E360 (DE, 60 % ES) / A365; fixed (DE 90 %, ES 55 %,
 *                   UK 75 %) or floating on EURIBOR 6M / SONIA 3M with floor (and some caps);
 *                   riskWeight 0.35; behaviourSegment mortgages_fixed / mortgages_floating
 *   18.0 %  CONS    consumer instalment loans        ANN RPA        CONSUMER-LOANS
 *                   monthly, 2-7 y, fixed; riskWeight 0.75; behaviourSegment consumer_loans
 *   10.0 %  CORP    SME and corporate loans          LAM 55 % / PAM RPA  CORPORATE
 *                   quarterly/semi-annual/annual; 60 % floating on EURIBOR 3M/6M, TERM SOFR 3M,
 *                   SONIA 3M (+ spread, 50 % with a zero floor); 40 % of bullets and 10 % of
 *                   amortising loans with undrawnCommitment (credit), loans to financials are
 *                   liquidity facilities; riskWeight 0.75 (SME), 0.5/1.0/1.5 (corporate)
 *    0.4 %  BOND    bonds held                       PAM RPA        TREASURY-HQLA
 *                   annual (EUR) / semi-annual coupons, AA; sovereign and MDB (hqlaLevel 1),
 *                   covered (2A), RMBS (2B_RMBS), corporate (2B); 25 % encumbered (repo, central
 *                   bank collateral) until a date within two years
 *    0.3 %  CALL    interbank call money             CLM RPA 55 % / RPL  INTERBANK
 *                   xDayNotice P1D/P2D/P1W/P1M, A360/A365, interest accrued since the deal
 *    0.05 % CASH    central bank reserves, vault cash CSH RPA       TREASURY-HQLA
 *   14.0 %  SIGHT   retail sight accounts (pools)    UMP RPL        RETAIL-DEPOSITS
 *                   quarterly interest, nmd_retail_transactional, 75 % stable, 90 % insured
 *    8.0 %  SAV     retail savings accounts (pools)  UMP RPL        RETAIL-DEPOSITS
 *                   annual/quarterly interest, nmd_retail_savings, some with notice periods
 *    3.0 %  CDEP    corporate sight deposits         UMP RPL        CORPORATE-DEPOSITS
 *                   monthly interest, nmd_wholesale, operational for part of them
 *   11.3 %  TD      term deposits                    PAM RPL        RETAIL-DEPOSITS (85 %,
 *                   behaviourSegment term_deposits, insured up to 100k) / CORPORATE-DEPOSITS
 *    0.45 % WSF     wholesale funding                PAM RPL        WHOLESALE-FUNDING
 *                   covered bonds and senior bonds issued (fixed; 30 % of seniors floating),
 *                   interbank term borrowing, central bank term funding on ESTR
 *    0.5 %  IRS     interest rate swaps (hedges)     SWPPV PFL 65 % / RFL 35 %  ALM-HEDGES
 *                   fixed vs EURIBOR 6M/3M, TERM SOFR 3M, SONIA 3M; 2-30 y
 *
 * Legal entities BANK-DE, BANK-ES, BANK-UK, one per portfolio (the entity pattern over a line's
 * portfolios is DE, ES, DE, UK, ES, DE, ...). Currency: retail books in the entity's currency (EUR,
 * GBP for BANK-UK); wholesale books of DE/ES 80 % EUR, 14 % USD, 6 % GBP, of UK 70 % GBP, 20 % USD,
 * 10 % EUR: about 80 % EUR overall. Portfolios per line: one each, the rest shared by line weights;
 * contracts inside a line drawn with Zipf weights 1/(q+1)^0.8, so portfolio sizes are unequal.
 *
 * Determinism: row r of the file holds logical contract k = perm(r) (a keyed Feistel bijection
 * of [0, N) with cycle walking); k fixes the category (exact counts by largest remainder). */
#include "gen_impl.h"
#include <inttypes.h>
#include <stdio.h>

/* ------------------------------------------------------------------ the row permutation */
void BallastGenPermInit(BallastGenPerm *p, uint64_t n, uint64_t seedkey)
{
  int bits = 2;
  while (bits < 62 && ((uint64_t)1 << bits) < n) bits += 2;
  p->n    = n;
  p->half = bits / 2;
  p->mask = ((uint64_t)1 << p->half) - 1;
  for (int i = 0; i < 4; i++) p->keys[i] = mix64(seedkey ^ (0x5851f42d4c957f2dULL * (uint64_t)(i + 1)));
}

uint64_t BallastGenPermApply(const BallastGenPerm *p, uint64_t x)
{
  do {
    uint64_t L = x >> p->half, R = x & p->mask;
    for (int i = 0; i < 4; i++) {
      uint64_t F = mix64(R ^ p->keys[i]) & p->mask, nL = R;
      R = L ^ F;
      L = nL;
    }
    x = (L << p->half) | R;
  } while (x >= p->n);
  return x;
}


/* ------------------------------------------------------------------ legal entities, lines, categories */
const char *const BallastGenEntityName[NENT] = {"BANK-DE", "BANK-ES", "BANK-UK"};
static const int  entity_pattern[6]          = {ENT_DE, ENT_ES, ENT_DE, ENT_UK, ENT_ES, ENT_DE};

/* Business lines: a portfolio belongs to exactly one. With fewer portfolios than lines, a line is
 * booked in its parent's portfolio (the first P lines are kept). weight: share of the extra
 * portfolios when P > NLINES. */
const BallastGenLineDef BallastGenLines[NLINES] = {
  {"RETAIL-MORTGAGES", -1, 24, 1}, {"RETAIL-DEPOSITS", L_MORTGAGES, 20, 1}, {"TREASURY-HQLA", L_MORTGAGES, 6, 0},
  {"CORPORATE", L_MORTGAGES, 20, 0}, {"ALM-HEDGES", L_TREASURY, 3, 0},     {"CONSUMER-LOANS", L_MORTGAGES, 10, 1},
  {"CORPORATE-DEPOSITS", L_RETAIL_DEP, 10, 0}, {"WHOLESALE-FUNDING", L_TREASURY, 4, 0}, {"INTERBANK", L_TREASURY, 3, 0},
};

/* Categories: exact shares of the contract count (basis points, sum 10000). */
const BallastGenCategoryDef BallastGenCategories[NCAT] = {
  {"MTG", "residential mortgages (ANN)", 3670},    {"CONS", "consumer loans (ANN)", 1552},
  {"CORP", "SME and corporate loans (LAM/PAM)", 1135}, {"BOND", "bonds held (PAM)", 100},
  {"CALL", "interbank call money (CLM)", 50},      {"CASH", "cash and central bank reserves (CSH)", 40},
  {"SIGHT", "retail sight deposits (UMP)", 990},  {"SAV", "retail savings deposits (UMP)", 760},
  {"CDEP", "corporate sight deposits (UMP)", 240}, {"TD", "term deposits (PAM RPL)", 1115},
  {"WSF", "wholesale funding and issued bonds (PAM RPL)", 148}, {"IRS", "interest rate swaps (SWPPV)", 200},
};


/* ------------------------------------------------------------------ the generator's state */
PetscErrorCode BallastGenCreate(const BallastGenerateOptions *o, BallastGen *g)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(g, sizeof(*g)));
  g->as_of = o->as_of;
  BallastDateToYMD(o->as_of, &g->ay, &g->am, &g->ad);
  g->seedkey = mix64(o->seed ^ 0x42616c6c61737421ULL); /* "Ballast!" */
  g->n       = o->ncontracts;
  BallastGenPermInit(&g->perm, (uint64_t)g->n, mix64(g->seedkey + 1));

  /* exact counts: largest remainder, then at least one of each category when N allows */
  int64_t left = g->n, rem[NCAT];
  for (int c = 0; c < NCAT; c++) {
    g->count[c] = g->n / 10000 * BallastGenCategories[c].bp + (g->n % 10000) * BallastGenCategories[c].bp / 10000;
    rem[c]      = ((g->n % 10000) * BallastGenCategories[c].bp) % 10000;
    left -= g->count[c];
  }
  while (left > 0) {
    int best = 0;
    for (int c = 1; c < NCAT; c++)
      if (rem[c] > rem[best]) best = c;
    g->count[best]++;
    rem[best] = -1;
    left--;
  }
  if (g->n >= NCAT)
    for (int c = 0; c < NCAT; c++)
      if (!g->count[c]) {
        int big = 0;
        for (int b = 1; b < NCAT; b++)
          if (g->count[b] > g->count[big]) big = b;
        g->count[big]--;
        g->count[c]++;
      }
  g->start[0] = 0;
  for (int c = 0; c < NCAT; c++) g->start[c + 1] = g->start[c] + g->count[c];
  int64_t maxc = 1;
  for (int c = 0; c < NCAT; c++) maxc = PetscMax(maxc, g->count[c]);
  g->idwidth = 1;
  for (int64_t x = maxc; x >= 10; x /= 10) g->idwidth++;
  g->idwidth = PetscMax(7, g->idwidth);

  /* portfolios per line */
  int64_t P      = o->nportfolios;
  int     active = (int)PetscMin(P, (int64_t)NLINES);
  for (int l = 0; l < NLINES; l++) {
    int e = l;
    while (e >= active) e = BallastGenLines[e].parent;
    g->eff_line[l] = e;
    g->lcount[l]   = e == l ? 1 : 0;
  }
  if (P > NLINES) {
    int64_t extra = P - NLINES, given = 0, r[NLINES];
    for (int l = 0; l < NLINES; l++) {
      g->lcount[l] += extra * BallastGenLines[l].weight / 100;
      given += extra * BallastGenLines[l].weight / 100;
      r[l] = (extra * BallastGenLines[l].weight) % 100;
    }
    while (given < extra) {
      int best = 0;
      for (int l = 1; l < NLINES; l++)
        if (r[l] > r[best]) best = l;
      g->lcount[best]++;
      r[best] = -1;
      given++;
    }
  }
  g->nport = P;
  PetscCall(PetscCalloc1(P, &g->pname));
  PetscCall(PetscMalloc1(P, &g->pentity));
  PetscCall(PetscMalloc1(P, &g->pcum));
  int64_t id = 0;
  for (int l = 0; l < NLINES; l++) {
    g->lfirst[l] = id;
    double tot = 0;
    for (int64_t q = 0; q < g->lcount[l]; q++) tot += pow((double)(q + 1), -0.8);
    double cum = 0;
    for (int64_t q = 0; q < g->lcount[l]; q++, id++) {
      char name[64];
      cum += pow((double)(q + 1), -0.8);
      g->pcum[id] = q + 1 == g->lcount[l] ? 1.0 : cum / tot;
      if (P == 1) snprintf(name, sizeof name, "BANKING-BOOK-%03" PRId64, q + 1);
      else snprintf(name, sizeof name, "%s-%03" PRId64, BallastGenLines[l].name, q + 1);
      PetscCall(PetscStrallocpy(name, &g->pname[id]));
      g->pentity[id] = entity_pattern[q % 6];
    }
  }
  BallastGenIndexFixings(g);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastGenDestroy(BallastGen *g)
{
  PetscFunctionBeginUser;
  for (int64_t i = 0; i < g->nport; i++) PetscCall(PetscFree(g->pname[i]));
  PetscCall(PetscFree(g->pname));
  PetscCall(PetscFree(g->pentity));
  PetscCall(PetscFree(g->pcum));
  PetscFunctionReturn(0);
}

void BallastGenSegmentsInUse(const BallastGen *g, BallastGenBehUse *use)
{
  use->mortgages = g->count[C_MTG] > 0;
  use->consumer  = g->count[C_CONS] > 0;
  use->sight     = g->count[C_SIGHT] > 0;
  use->savings   = g->count[C_SAV] > 0;
  use->corporate = g->count[C_CDEP] > 0;
  use->term      = g->count[C_TD] > 0;
}
