/* Numbers read whole and correctly rounded (issue 13 item 2): BallastParseNumber against the C
 * library's strtod (glibc's is correctly rounded: the independent reference) on a million random
 * decimal tokens of the shapes a contract file holds (and some it should not), bit for bit; then
 * hand cases: long tokens, overflow and underflow, things that are not decimal numbers. */
#include "tap/basic.h"
#include <ballast/terms.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) /* splitmix64 */
{
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z          = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z          = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* A random token: optional sign, 0-4 leading zeros, 1-25 digits, a decimal point at a random
 * place (or none), and for a quarter of them an exponent e[+-]0..350. */
static size_t token(char *b)
{
  size_t n = 0;
  uint64_t r = next();
  if (r % 4 == 0) b[n++] = '-';
  else if (r % 17 == 0) b[n++] = '+';
  int nz = (int)(next() % 5), nd = 1 + (int)(next() % 25), dot = (int)(next() % (nd + 2)) - 1;
  for (int i = 0; i < nz; i++) b[n++] = '0';
  for (int i = 0; i < nd; i++) {
    if (i == dot) b[n++] = '.';
    b[n++] = (char)('0' + next() % 10);
  }
  if (next() % 4 == 0) n += (size_t)sprintf(b + n, "e%s%d", next() % 2 ? "-" : "", (int)(next() % 351));
  b[n] = 0;
  return n;
}

int main(void)
{
  char   b[512];
  double v;
  plan(17);
  long bad = 0, fast = 0, n = 1000000;
  for (long i = 0; i < n; i++) {
    size_t l = token(b);
    char  *end;
    errno      = 0;
    double ref = strtod(b, &end);
    int    want = (errno == ERANGE || !isfinite(ref)) ? -2 : 0;
    int    got  = BallastParseNumber(b, l, &v);
    if (got != want || (!got && memcmp(&v, &ref, sizeof v))) {
      if (bad++ < 5) diag("token %s: got %d %.17g, strtod %d %.17g", b, got, got ? 0.0 : v, want, ref);
    }
    if (!strchr(b, 'e') && l < 17) fast++;
  }
  is_int(0, bad, "a million random decimal tokens: the same double as strtod, bit for bit (same status for out-of-range)");
  ok(fast > 100000, "... of which many take the short exact path");
  /* 0.1 and friends: the compiler's conversion of the literal is the reference */
  ok(!BallastParseNumber("0.1", 3, &v) && v == 0.1, "0.1");
  ok(!BallastParseNumber("182340.55", 9, &v) && v == 182340.55, "182340.55");
  ok(!BallastParseNumber("-0", 2, &v) && v == 0 && signbit(v), "-0 keeps its sign (as strtod)");
  ok(!BallastParseNumber("9007199254740993", 16, &v) && v == 9007199254740992.0, "2^53 + 1 rounds to even (16 digits: strtod path)");
  /* a long token: 300 zeros then 1000000e-3 = 1000; cut at 255 characters it would read 1000000 */
  {
    char   s[400];
    size_t l = 0;
    for (int i = 0; i < 300; i++) s[l++] = '0';
    l += (size_t)sprintf(s + l, "1000000e-3");
    ok(!BallastParseNumber(s, l, &v) && v == 1000.0, "313-character token read whole: 1000");
    for (size_t i = 0; i < 300; i++) s[i] = i == 0 ? '1' : '0'; /* 1 followed by 299 zeros, then the rest */
    ok(!BallastParseNumber(s, l, &v) && v == 1e303, "1, 299 zeros, 1000000e-3: 10^303 + 1000, correctly rounded to 1e303");
  }
  is_int(-2, BallastParseNumber("1e400", 5, &v), "1e400 overflows: out of range");
  is_int(-2, BallastParseNumber("-1e400", 6, &v), "-1e400 too");
  is_int(-2, BallastParseNumber("1e-400", 6, &v), "1e-400 underflows: out of range");
  ok(!BallastParseNumber("0e-400", 6, &v) && v == 0, "0e-400 is zero, not an underflow");
  is_int(-1, BallastParseNumber("inf", 3, &v), "inf is not a number here");
  is_int(-1, BallastParseNumber("0x10", 4, &v), "hexadecimal is not a decimal");
  is_int(-1, BallastParseNumber("1.2.3", 5, &v), "two decimal points");
  is_int(-1, BallastParseNumber(".", 1, &v), "a lone point");
  is_int(-1, BallastParseNumber("12ab", 2, &v) == 0 && v == 12 ? -1 : 0, "a token is its first len characters (12 of 12ab)");
  return 0;
}
