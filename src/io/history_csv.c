/* Behaviour segment histories: small monthly CSV files (docs/behaviour.md), read on the owner
 * rank of their segment (include/ballast/io.h, BallastBehHistoryRead). The fields are split by
 * the CSV tokenizer (BallastCSVSplit); every data error names file, line and column. */
#include <ballast/behaviour.h>
#include <ballast/io.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_double(const char *s, double *v)
{
  char *end;
  errno = 0;
  *v    = strtod(s, &end);
  if (end == s || errno) return -1;
  while (*end == ' ') end++;
  return *end || !isfinite(*v) ? -1 : 0;
}

#define HMAXCOL 64

PetscErrorCode BallastBehHistoryRead(BallastBehSegment *s, char *msg, size_t mlen, int *bad)
{
  const char *f = s->history_path;
  FILE       *fp;
  char       *buf = NULL, *fields[HMAXCOL];
  int         col[HMAXCOL], errcol, nf;
  long        len;
  PetscFunctionBeginUser;
  *bad = 1;
  {
    /* a directory, FIFO or device is refused at open (a FIFO would block this rank only) */
    char why[1024];
    int  st = BallastFileOpenRead(f, &fp, why, sizeof why);
    if (st == BALLAST_OPEN_NOT_REGULAR) {
      snprintf(msg, mlen, "%s (the history of behaviour segment '%s')", why, s->name);
      PetscFunctionReturn(0);
    }
    if (st) {
      snprintf(msg, mlen, "%s: cannot open the history of behaviour segment '%s': %s", f, s->name, strchr(why, ':') ? strrchr(why, ':') + 2 : why);
      PetscFunctionReturn(0);
    }
  }
  if (fseek(fp, 0, SEEK_END) || (len = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET)) {
    snprintf(msg, mlen, "%s: cannot read the history of behaviour segment '%s': %s", f, s->name, strerror(errno));
    fclose(fp);
    PetscFunctionReturn(0);
  }
  if (PetscMalloc1(len + 1, &buf)) {
    snprintf(msg, mlen, "%s: the history of behaviour segment '%s' (%ld bytes) does not fit in memory", f, s->name, len);
    fclose(fp);
    PetscFunctionReturn(0);
  }
  size_t got = fread(buf, 1, (size_t)len, fp);
  fclose(fp);
  buf[got] = 0;
  /* a NUL byte would end every string operation early and hide the rest of the file */
  const char *nul = memchr(buf, 0, got);
  if (nul) {
    int ln = 1, cl = 1;
    for (const char *p = buf; p < nul; p++) {
      if (*p == '\n') ln++, cl = 1;
      else cl++;
    }
    snprintf(msg, mlen, "%s:%d:%d: NUL byte in the history of behaviour segment '%s' (not a text file?)", f, ln, cl, s->name);
    goto done;
  }
  /* count data lines */
  PetscInt nlines = 0;
  for (char *p = buf; *p; p++) nlines += *p == '\n';
  if (got && buf[got - 1] != '\n') nlines++;
  /* header */
  char *line = buf, *next = strchr(line, '\n');
  if (next) *next++ = 0;
  size_t ll = strlen(line);
  if (ll && line[ll - 1] == '\r') line[ll - 1] = 0;
  nf = BallastCSVSplit(line, fields, col, HMAXCOL, &errcol);
  int idate = -1, ic1 = -1, ic2 = -1, ic3 = -1, itenor[HMAXCOL], ntenor = 0, tmonths[HMAXCOL];
  if (nf < 0) {
    snprintf(msg, mlen, "%s:1:%d: bad CSV header", f, errcol);
    goto done;
  }
  for (int k = 0; k < nf; k++) {
    const char *c = fields[k];
    int         n;
    char        unit;
    if (!strcmp(c, "date")) idate = k;
    else if (s->model == BALLAST_BEH_PREPAYMENT && !strcmp(c, "contract_rate")) ic1 = k;
    else if (s->model == BALLAST_BEH_PREPAYMENT && !strcmp(c, "market_rate")) ic2 = k;
    else if (s->model == BALLAST_BEH_PREPAYMENT && !strcmp(c, "cpr")) ic3 = k;
    else if (s->model != BALLAST_BEH_PREPAYMENT && !strcmp(c, "balance")) ic1 = k;
    else if (s->model == BALLAST_BEH_DEPOSIT && !strcmp(c, "deposit_rate")) ic2 = k;
    else if (s->model == BALLAST_BEH_EARLY_REDEMPTION && !strcmp(c, "redeemed")) ic2 = k;
    else if (s->model == BALLAST_BEH_DEPOSIT && !strncmp(c, "market_", 7) && !BallastTenorParse(c + 7, &n, &unit) && (unit == 'M' || unit == 'Y') && n > 0 && ntenor < BALLAST_BEH_MAX_TENORS) {
      itenor[ntenor]    = k;
      tmonths[ntenor++] = unit == 'Y' ? 12 * n : n;
    } else {
      snprintf(msg, mlen, "%s:1:%d: unexpected column '%s' in the history of %s segment '%s' (expected %s)", f, col[k], c, BallastBehModelName(s->model), s->name,
               s->model == BALLAST_BEH_PREPAYMENT ? "date,contract_rate,market_rate,cpr" : s->model == BALLAST_BEH_DEPOSIT ? "date,balance,deposit_rate,market_<tenor>..." : "date,balance,redeemed");
      goto done;
    }
  }
  if (idate < 0 || ic1 < 0 || ic2 < 0 || (s->model == BALLAST_BEH_PREPAYMENT && ic3 < 0)) {
    snprintf(msg, mlen, "%s:1: the history of %s segment '%s' lacks a column (needs %s)", f, BallastBehModelName(s->model), s->name,
             s->model == BALLAST_BEH_PREPAYMENT ? "date, contract_rate, market_rate, cpr" : s->model == BALLAST_BEH_DEPOSIT ? "date, balance, deposit_rate" : "date, balance, redeemed");
    goto done;
  }
  /* every tranche tenor needs its market rate column */
  int map[BALLAST_BEH_MAX_TENORS];
  if (s->model == BALLAST_BEH_DEPOSIT)
    for (PetscInt j = 0; j < s->ntenor; j++) {
      map[j] = -1;
      for (int k = 0; k < ntenor; k++)
        if (tmonths[k] == s->tenor_months[j]) map[j] = k;
      if (map[j] < 0) {
        snprintf(msg, mlen, "%s:1: no column market_%s for tranche %s of deposit segment '%s'", f, s->tenor_text[j], s->tenor_text[j], s->name);
        goto done;
      }
    }
  PetscCall(PetscNew(&s->hist));
  PetscCall(BallastBehHistoryAlloc(s->model, nlines, s->model == BALLAST_BEH_DEPOSIT ? s->ntenor : 0, s->hist));
  BallastBehHistory *h = s->hist;
  for (PetscInt j = 0; j < s->ntenor && s->model == BALLAST_BEH_DEPOSIT; j++) h->tenor_months[j] = s->tenor_months[j];
  PetscInt n = 0;
  for (int lineno = 2; next && *next; lineno++) {
    line = next;
    next = strchr(line, '\n');
    if (next) *next++ = 0;
    ll = strlen(line);
    if (ll && line[ll - 1] == '\r') line[--ll] = 0;
    if (!ll) continue;
    int m = BallastCSVSplit(line, fields, col, HMAXCOL, &errcol);
    if (m != nf) {
      snprintf(msg, mlen, "%s:%d: %d fields, the header has %d", f, lineno, m < 0 ? 0 : m, nf);
      goto done;
    }
    if (BallastDateParse(fields[idate], &h->date[n]) || (n && h->date[n] <= h->date[n - 1])) {
      snprintf(msg, mlen, "%s:%d:%d: date '%s' is not a YYYY-MM-DD date after the previous line's", f, lineno, col[idate], fields[idate]);
      goto done;
    }
    for (int k = 0; k < nf; k++) {
      double v;
      if (k == idate) continue;
      if (parse_double(fields[k], &v)) {
        snprintf(msg, mlen, "%s:%d:%d: '%s' is not a number", f, lineno, col[k], fields[k]);
        goto done;
      }
      if (s->model == BALLAST_BEH_PREPAYMENT) {
        if (k == ic1) h->contract_rate[n] = v;
        if (k == ic2) h->market_rate[n] = v;
        if (k == ic3) {
          if (v < 0 || v > 1) {
            snprintf(msg, mlen, "%s:%d:%d: cpr %g is not an annual rate in [0, 1]", f, lineno, col[k], v);
            goto done;
          }
          h->cpr[n] = v;
        }
      } else {
        if (k == ic1) {
          if (v <= 0) {
            snprintf(msg, mlen, "%s:%d:%d: balance %g must be positive", f, lineno, col[k], v);
            goto done;
          }
          h->balance[n] = v;
        }
        if (k == ic2 && s->model == BALLAST_BEH_DEPOSIT) h->deposit_rate[n] = v;
        if (k == ic2 && s->model == BALLAST_BEH_EARLY_REDEMPTION) {
          if (v < 0) {
            snprintf(msg, mlen, "%s:%d:%d: redeemed %g must be >= 0", f, lineno, col[k], v);
            goto done;
          }
          h->redeemed[n] = v;
        }
        if (s->model == BALLAST_BEH_DEPOSIT)
          for (PetscInt j = 0; j < s->ntenor; j++)
            if (itenor[map[j]] == k) h->market[n * s->ntenor + j] = v;
      }
    }
    n++;
  }
  h->n = n;
  {
    int need = 24;
    if (s->model == BALLAST_BEH_DEPOSIT) need = s->tenor_months[s->ntenor - 1] - 1 + 24;
    if (n < need) {
      snprintf(msg, mlen, "%s: %" PetscInt_FMT " months of history for segment '%s'; at least %d needed%s", f, n, s->name, need,
               s->model == BALLAST_BEH_DEPOSIT ? " (the longest tranche's window plus two years)" : "");
      goto done;
    }
  }
  *bad = 0;
done:
  PetscCall(PetscFree(buf));
  PetscFunctionReturn(0);
}
