/* ballast generate: behavioural histories with known true parameters (behaviour_gen.h). The truth
 * of each segment is a constant below (recorded in history-true-parameters.csv); the histories are
 * BallastBehHistorySynthesize(seed, stream of the segment, ...), so they depend on the seed only,
 * never on the number of ranks (rank 0 writes them). */
#define _POSIX_C_SOURCE 200809L
#include "behaviour_gen.h"
#include <ballast/text.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIST_MONTHS 240

typedef struct {
  const char *name;
  int         stream;
  const char *category; /* deposits: regime category */
  double      beta;     /* deposits: pass-through written to run.cfg */
  BallastBehTruth t;
} GenSeg;

static const int tenor9[9] = {1, 3, 6, 12, 24, 36, 60, 84, 120};

/* The truths. S-curves: c per unit of decimal incentive, d decimal; margins: prepayment = pool rate
 * over the 10Y average, deposits = portfolio yield minus client rate. */
static void truth_of(int k, GenSeg *s)
{
  static const double w_sight[9] = {0.05, 0, 0, 0.05, 0, 0.15, 0.25, 0.20, 0.30};
  static const double w_sav[9]   = {0.05, 0, 0.05, 0, 0.15, 0, 0.35, 0.40, 0};
  static const double w_corp[9]  = {0.30, 0.20, 0, 0.30, 0, 0.20, 0, 0, 0};
  const double       *w          = NULL;
  memset(s, 0, sizeof *s);
  s->stream = k + 1;
  switch (k) {
  case 0:
    s->name    = "mortgages_fixed";
    s->t.model = BALLAST_BEH_PREPAYMENT;
    s->t.p[0] = 0.03, s->t.p[1] = 0.20, s->t.p[2] = 250.0, s->t.p[3] = 0.012;
    s->t.margin = 0.015, s->t.noise = 0.005;
    break;
  case 1:
    s->name    = "consumer_loans";
    s->t.model = BALLAST_BEH_PREPAYMENT;
    s->t.p[0] = 0.08, s->t.p[1] = 0.12, s->t.p[2] = 150.0, s->t.p[3] = 0.03;
    s->t.margin = 0.03, s->t.noise = 0.005;
    break;
  case 2:
    s->name = "nmd_retail_transactional", s->category = "retail_transactional", s->beta = 0.15, w = w_sight;
    s->t.core_share = 0.85, s->t.margin = 0.010;
    break;
  case 3:
    s->name = "nmd_retail_savings", s->category = "retail_non_transactional", s->beta = 0.50, w = w_sav;
    s->t.core_share = 0.65, s->t.margin = 0.005;
    break;
  case 4:
    s->name = "nmd_wholesale", s->category = "wholesale", s->beta = 0.70, w = w_corp;
    s->t.core_share = 0.40, s->t.margin = 0.002;
    break;
  default:
    s->name    = "term_deposits";
    s->t.model = BALLAST_BEH_EARLY_REDEMPTION;
    s->t.rate = 0.05, s->t.noise = 0.10;
  }
  if (w) {
    s->t.model  = BALLAST_BEH_DEPOSIT;
    s->t.noise  = 0.0002;
    s->t.ntenor = 9;
    for (int j = 0; j < 9; j++) s->t.tenor_months[j] = tenor9[j], s->t.weight[j] = w[j];
  }
}

static int in_use(int k, const BallastGenBehUse *u)
{
  const int f[6] = {u->mortgages, u->consumer, u->sight, u->savings, u->corporate, u->term};
  return f[k];
}

static const char *tenor_text(int m, char buf[16])
{
  if (m % 12) snprintf(buf, 16, "%dM", m);
  else snprintf(buf, 16, "%dY", m / 12);
  return buf;
}

/* Write text to dir/name whole or not at all (BallastWriteFileAtomic). */
static PetscErrorCode put_file(const char *dir, const char *name, BallastText *b)
{
  char path[PETSC_MAX_PATH_LEN + 64];
  PetscFunctionBeginUser;
  PetscCheck(!b->err, PETSC_COMM_SELF, PETSC_ERR_MEM, "%s: out of memory", name);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  PetscCall(BallastWriteFileAtomic(path, b->buf, b->len));
  PetscFunctionReturn(0);
}

PetscErrorCode BallastGenWriteHistories(const char *dir, BallastDate as_of, uint64_t seed, const BallastGenBehUse *use)
{
  int  y, m, d;
  BallastText truth = {0};
  char           dt[11], tb[16], name[128];
  PetscErrorCode ierr = 0;
  PetscFunctionBeginUser;
  BallastDateToYMD(as_of, &y, &m, &d);
  if (d != BallastDaysInMonth(y, m)) m--;
  if (m < 1) m = 12, y--;
  BallastDate end = BallastDateFromYMD(y, m, BallastDaysInMonth(y, m));
  BallastTextPrintf(&truth, "segment,model,parameter,value\n");
  for (int k = 0; k < 6; k++) {
    GenSeg            s;
    BallastBehHistory h;
    BallastText       b = {0};
    truth_of(k, &s);
    if (!in_use(k, use)) continue;
    PetscCall(BallastBehHistorySynthesize(seed, (uint64_t)s.stream, end, HIST_MONTHS, &s.t, &h));
    if (s.t.model == BALLAST_BEH_PREPAYMENT) {
      BallastTextPrintf(&b, "date,contract_rate,market_rate,cpr\n");
      for (PetscInt t = 0; t < h.n; t++) {
        BallastDateFormat(h.date[t], dt);
        BallastTextPrintf(&b, "%s,%.8f,%.8f,%.8f\n", dt, h.contract_rate[t], h.market_rate[t], h.cpr[t]);
      }
      const char *pn[4] = {"a", "b", "c", "d"};
      for (int j = 0; j < 4; j++) BallastTextPrintf(&truth, "%s,prepayment,%s,%.10g\n", s.name, pn[j], s.t.p[j]);
      BallastTextPrintf(&truth, "%s,prepayment,pool_margin,%.10g\n%s,prepayment,cpr_noise,%.10g\n", s.name, s.t.margin, s.name, s.t.noise);
    } else if (s.t.model == BALLAST_BEH_DEPOSIT) {
      BallastTextPrintf(&b, "date,balance,deposit_rate");
      for (PetscInt j = 0; j < h.ntenor; j++) BallastTextPrintf(&b, ",market_%s", tenor_text(h.tenor_months[j], tb));
      BallastTextPrintf(&b, "\n");
      for (PetscInt t = 0; t < h.n; t++) {
        BallastDateFormat(h.date[t], dt);
        BallastTextPrintf(&b, "%s,%.2f,%.8f", dt, h.balance[t], h.deposit_rate[t]);
        for (PetscInt j = 0; j < h.ntenor; j++) BallastTextPrintf(&b, ",%.8f", h.market[t * h.ntenor + j]);
        BallastTextPrintf(&b, "\n");
      }
      for (PetscInt j = 0; j < s.t.ntenor; j++) BallastTextPrintf(&truth, "%s,deposit,weight_%s,%.10g\n", s.name, tenor_text(s.t.tenor_months[j], tb), s.t.weight[j]);
      BallastTextPrintf(&truth, "%s,deposit,core_share,%.10g\n%s,deposit,margin,%.10g\n%s,deposit,rate_noise,%.10g\n", s.name, s.t.core_share, s.name, s.t.margin, s.name, s.t.noise);
    } else {
      BallastTextPrintf(&b, "date,balance,redeemed\n");
      for (PetscInt t = 0; t < h.n; t++) {
        BallastDateFormat(h.date[t], dt);
        BallastTextPrintf(&b, "%s,%.2f,%.2f\n", dt, h.balance[t], h.redeemed[t]);
      }
      BallastTextPrintf(&truth, "%s,early_redemption,rate,%.10g\n%s,early_redemption,relative_noise,%.10g\n", s.name, s.t.rate, s.name, s.t.noise);
    }
    snprintf(name, sizeof name, "history-%s.csv", s.name);
    ierr = put_file(dir, name, &b);
    BallastTextFree(&b);
    PetscCall(BallastBehHistoryFree(&h));
    if (ierr) break;
  }
  if (!ierr) ierr = put_file(dir, "history-true-parameters.csv", &truth);
  BallastTextFree(&truth);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode BallastGenBehaviourText(const BallastGenBehUse *use, PetscBool have_regime, char **text)
{
  BallastText b = {0};
  char tb[16];
  PetscFunctionBeginUser;
  BallastTextPrintf(&b, "# Behavioural models (docs/behaviour.md): calibrated on the histories written beside this file,\n"
                        "# drawn from the true parameters of history-true-parameters.csv.\n");
  if (!have_regime && (use->sight || use->savings || use->corporate))
    BallastTextPrintf(&b, "# The deposit segments (nmd_*) need the regime's caps: generate with --regime to have them here.\n");
  BallastTextPrintf(&b, "behaviour = {\n  accept_nonconvergence = false;\n  segments = (\n");
  int first = 1;
#define SEP() (first ? (first = 0, "    ") : ",\n    ")
  if (use->mortgages) {
    BallastTextPrintf(&b, "%s{ name = \"mortgages_fixed\"; model = \"prepayment\"; type = \"scurve\"; history = \"history-mortgages_fixed.csv\"; }", SEP());
    BallastTextPrintf(&b, "%s{ name = \"mortgages_floating\"; model = \"prepayment\"; type = \"constant\"; cpr = 0.05; }", SEP());
    BallastTextPrintf(&b, "%s{ name = \"mortgages_fixed_penalty\"; model = \"prepayment\"; type = \"constant\"; cpr = 0.03; }", SEP());
  }
  if (use->consumer) BallastTextPrintf(&b, "%s{ name = \"consumer_loans\"; model = \"prepayment\"; type = \"scurve\"; history = \"history-consumer_loans.csv\"; }", SEP());
  if (have_regime) {
    for (int k = 2; k <= 4; k++) {
      GenSeg s;
      truth_of(k, &s);
      if (!in_use(k, use)) continue;
      BallastTextPrintf(&b, "%s{ name = \"%s\"; model = \"deposit\"; category = \"%s\"; beta = %.2f;\n      tenors = [", SEP(), s.name, s.category, s.beta);
      for (int j = 0; j < 9; j++) BallastTextPrintf(&b, "%s\"%s\"", j ? ", " : "", tenor_text(tenor9[j], tb));
      BallastTextPrintf(&b, "]; history = \"history-%s.csv\"; }", s.name);
    }
  }
  if (use->term) BallastTextPrintf(&b, "%s{ name = \"term_deposits\"; model = \"early_redemption\"; history = \"history-term_deposits.csv\"; }", SEP());
#undef SEP
  BallastTextPrintf(&b, "\n  );\n};\n");
  PetscCheck(!b.err, PETSC_COMM_SELF, PETSC_ERR_MEM, "run.cfg behaviour section: out of memory");
  PetscCall(PetscStrallocpy(b.buf, text));
  BallastTextFree(&b);
  PetscFunctionReturn(0);
}
