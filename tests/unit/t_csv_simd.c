/* The vectorised CSV splitter (BallastCSVSplitN) against the portable scalar scan
 * (BallastCSVSplitNScalar) and against the splitter it replaced (a byte-at-a-time stop-table loop,
 * kept below as the reference), on random lines: quoted fields with commas and doubled quotes,
 * empty fields, CRLF endings, fields longer than a 64-byte block, UTF-8, stray quotes, unterminated
 * quotes, embedded NULs and field limits. Every result must agree: return value, error column,
 * fields, lengths, start columns and the bytes of the line after splitting in place. */
#include "tap/basic.h"
#include <ballast/io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char ref_stop[256] = {[0] = 1, [','] = 1, ['"'] = 1};

/* The splitter before the vectorised scan (src/io/csv.c at 98902ce), unchanged. */
static int ref_split(char *line, char **fields, int *lens, int *colpos, int maxfields, int *errcol)
{
  int   n = 0;
  char *p = line;
  for (;;) {
    if (n == maxfields) {
      *errcol = (int)(p - line) + 1;
      return -2;
    }
    if (colpos) colpos[n] = (int)(p - line) + 1;
    if (*p == '"') {
      char *w = p, *r = p + 1;
      fields[n] = w;
      for (;;) {
        if (!*r) {
          *errcol = (int)(p - line) + 1;
          return -1;
        }
        if (*r == '"') {
          if (r[1] == '"') {
            *w++ = '"';
            r += 2;
            continue;
          }
          r++;
          break;
        }
        *w++ = *r++;
      }
      if (*r && *r != ',') {
        *errcol = (int)(r - line) + 1;
        return -1;
      }
      char end = *r;
      *w       = 0;
      if (lens) lens[n] = (int)(w - fields[n]);
      n++;
      if (!end) return n;
      p = r + 1;
    } else {
      char *s   = p;
      fields[n] = p;
      while (!ref_stop[(unsigned char)*p]) p++;
      if (*p == '"') {
        *errcol = (int)(p - line) + 1;
        return -1;
      }
      if (lens) lens[n] = (int)(p - s);
      n++;
      if (!*p) return n;
      *p++ = 0;
    }
  }
}

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

/* One random field into b (returns its length). */
static size_t gen_field(char *b, size_t room)
{
  static const char *utf8[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xc3\x9f"};
  size_t             l = 0, want;
  unsigned           kind = rnd(12);
  switch (rnd(8)) {
  case 0: want = 0; break;                  /* empty */
  case 1: want = 60 + rnd(200); break;      /* long: spans 64-byte blocks */
  default: want = 1 + rnd(12); break;
  }
  if (want + 8 > room) want = room > 8 ? room - 8 : 0;
  if (kind == 0 && room > 4) { /* quoted, with commas and doubled quotes inside */
    b[l++] = '"';
    while (l < want + 1) {
      unsigned c = rnd(10);
      if (c == 0) b[l++] = ',';
      else if (c == 1 && l + 2 < room) b[l++] = '"', b[l++] = '"';
      else b[l++] = (char)('a' + rnd(26));
    }
    if (rnd(300)) b[l++] = '"'; /* sometimes unterminated */
    if (!rnd(300) && l + 1 < room) b[l++] = 'x'; /* sometimes text after the closing quote */
    return l;
  }
  while (l < want) {
    unsigned c = rnd(40);
    if (c == 0 && !rnd(100)) b[l++] = '"'; /* a stray quote: an error */
    else if (c < 3) {
      const char *u = utf8[rnd(4)];
      size_t      k = strlen(u);
      if (l + k >= room) break;
      memcpy(b + l, u, k);
      l += k;
    } else if (c < 5) b[l++] = ' ';
    else if (c < 6) b[l++] = '\t';
    else if (c < 16) b[l++] = (char)('0' + rnd(10));
    else b[l++] = (char)('a' + rnd(26));
  }
  return l;
}

#define LINE_MAX_BYTES 4096
#define MAXF 64

int main(void)
{
  const int ntest = 40000;
  int       bad_ref = 0, bad_scalar = 0, nerr = 0, nquoted = 0, nlong = 0, nlimit = 0;
  plan(6);
  diag("BallastCSVSplitN is the %s scan", BallastCSVSplitIsSIMD() ? "SSE2" : "portable scalar");
  for (int t = 0; t < ntest; t++) {
    char   line[LINE_MAX_BYTES + 1];
    size_t len    = 0;
    int    nf     = 1 + (int)rnd(t % 5 == 0 ? 70 : 40);
    for (int k = 0; k < nf && len < LINE_MAX_BYTES - 300; k++) {
      if (k) line[len++] = ',';
      len += gen_field(line + len, LINE_MAX_BYTES - 300 - len);
    }
    if (!rnd(5)) line[len++] = '\r'; /* a CRLF line as a caller that kept the CR sees it */
    if (!rnd(50) && len) line[rnd((unsigned)len)] = 0; /* an embedded NUL ends the line early */
    line[len] = 0;
    for (size_t i = 0; i < len; i++) nquoted += line[i] == '"';
    if (len > 64) nlong++;
    int maxf = rnd(10) ? MAXF : 1 + (int)rnd(8);
    nlimit += maxf < MAXF;

    char  a[LINE_MAX_BYTES + 1], b[LINE_MAX_BYTES + 1], c[LINE_MAX_BYTES + 1];
    char *fa[MAXF], *fb[MAXF], *fc[MAXF];
    int   la[MAXF], lb[MAXF], lc[MAXF], pa[MAXF], pb[MAXF], pc[MAXF], ea = -7, eb = -7, ec = -7;
    memcpy(a, line, len + 1);
    memcpy(b, line, len + 1);
    memcpy(c, line, len + 1);
    int na = ref_split(a, fa, la, pa, maxf, &ea);
    int nb = BallastCSVSplitN(b, len, fb, lb, pb, maxf, &eb);
    int nc = BallastCSVSplitNScalar(c, len, fc, lc, pc, maxf, &ec);
    nerr += na < 0;
    int same_b = na == nb && memcmp(a, b, len + 1) == 0, same_c = na == nc && memcmp(a, c, len + 1) == 0;
    if (na < 0) {
      same_b = same_b && ea == eb;
      same_c = same_c && ea == ec;
    } else
      for (int i = 0; i < na; i++) {
        same_b = same_b && fa[i] - a == fb[i] - b && la[i] == lb[i] && pa[i] == pb[i];
        same_c = same_c && fa[i] - a == fc[i] - c && la[i] == lc[i] && pa[i] == pc[i];
      }
    if (!same_b && bad_ref++ < 5) diag("SIMD differs from the reference on line %d: '%s' (ref %d/%d, simd %d/%d)", t, line, na, ea, nb, eb);
    if (!same_c && bad_scalar++ < 5) diag("scalar differs from the reference on line %d: '%s' (ref %d/%d, scalar %d/%d)", t, line, na, ea, nc, ec);
  }
  is_int(0, bad_ref, "BallastCSVSplitN equals the reference splitter on %d random lines", ntest);
  is_int(0, bad_scalar, "BallastCSVSplitNScalar equals the reference splitter on %d random lines", ntest);
  ok(nerr > 100 && nerr < ntest / 2, "the lines include quoting errors and field limits (%d of %d)", nerr, ntest);
  ok(nquoted > 1000 && nlong > 1000 && nlimit > 1000, "the lines include quotes, long lines and small field limits (%d, %d, %d)", nquoted, nlong, nlimit);
  {
    /* every length from 0 to 200 of a line of one-character fields: the block edges */
    int bad = 0;
    for (size_t len = 0; len <= 200; len++) {
      char   l1[256], l2[256];
      char  *f1[256], *f2[256];
      int    n1, n2, e1 = 0, e2 = 0, q1[256], q2[256];
      for (size_t i = 0; i < len; i++) l1[i] = (i % 2) ? ',' : (char)('a' + i % 26);
      l1[len] = 0;
      memcpy(l2, l1, len + 1);
      n1 = ref_split(l1, f1, q1, NULL, 256, &e1);
      n2 = BallastCSVSplitN(l2, len, f2, q2, NULL, 256, &e2);
      if (n1 != n2 || memcmp(l1, l2, len + 1)) bad++;
      for (int i = 0; i < n1 && n1 == n2; i++)
        if (q1[i] != q2[i] || f1[i] - l1 != f2[i] - l2) bad++;
    }
    is_int(0, bad, "lines of every length 0..200 split alike at the 64-byte block edges");
  }
  {
    char l[] = "a,\"b,\"\"c\"\"\",,d\r";
    char *f[8];
    int   lens[8], e = 0;
    int   n = BallastCSVSplitN(l, strlen(l), f, lens, NULL, 8, &e);
    ok(n == 4 && !strcmp(f[1], "b,\"c\"") && lens[2] == 0 && !strcmp(f[3], "d\r"), "quoted comma, doubled quotes, empty field, a kept CR");
  }
  return 0;
}
