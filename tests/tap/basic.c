#include "tap/basic.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long tap_n, tap_fail, tap_planned;
static int           tap_lazy;

static void finish(void)
{
  if (tap_lazy) printf("1..%lu\n", tap_n);
  else if (tap_planned && tap_planned != tap_n) printf("# planned %lu tests but ran %lu\n", tap_planned, tap_n);
  fflush(stdout);
}

void plan(unsigned long n)
{
  tap_planned = n;
  printf("1..%lu\n", n);
  fflush(stdout);
  atexit(finish);
}

void plan_lazy(void)
{
  tap_lazy = 1;
  atexit(finish);
}

static int vok(int success, const char *fmt, va_list ap)
{
  tap_n++;
  if (!success) tap_fail++;
  printf("%sok %lu", success ? "" : "not ", tap_n);
  if (fmt && *fmt) {
    printf(" - ");
    vprintf(fmt, ap);
  }
  printf("\n");
  fflush(stdout);
  return success;
}

int ok(int success, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int r = vok(success, fmt, ap);
  va_end(ap);
  return r;
}

int is_int(long long expected, long long seen, const char *fmt, ...)
{
  int s = expected == seen;
  if (!s) printf("# expected: %lld\n#     seen: %lld\n", expected, seen);
  va_list ap;
  va_start(ap, fmt);
  vok(s, fmt, ap);
  va_end(ap);
  return s;
}

int is_double(double expected, double seen, double tol, const char *fmt, ...)
{
  int s = (isnan(expected) && isnan(seen)) || fabs(seen - expected) <= tol;
  if (!s) printf("# expected: %.17g\n#     seen: %.17g (tolerance %g)\n", expected, seen, tol);
  va_list ap;
  va_start(ap, fmt);
  vok(s, fmt, ap);
  va_end(ap);
  return s;
}

int is_close(double expected, double seen, double rtol, double atol, const char *fmt, ...)
{
  int s = (isnan(expected) && isnan(seen)) || fabs(seen - expected) <= rtol * fabs(expected) + atol;
  if (!s) printf("# expected: %.17g\n#     seen: %.17g (rtol %g, atol %g)\n", expected, seen, rtol, atol);
  va_list ap;
  va_start(ap, fmt);
  vok(s, fmt, ap);
  va_end(ap);
  return s;
}

int is_string(const char *expected, const char *seen, const char *fmt, ...)
{
  int s = expected && seen ? !strcmp(expected, seen) : expected == seen;
  if (!s) printf("# expected: %s\n#     seen: %s\n", expected ? expected : "(null)", seen ? seen : "(null)");
  va_list ap;
  va_start(ap, fmt);
  vok(s, fmt, ap);
  va_end(ap);
  return s;
}

int contains(const char *haystack, const char *needle, const char *fmt, ...)
{
  int s = haystack && needle && strstr(haystack, needle);
  if (!s) printf("# looked for: %s\n#         in: %s\n", needle ? needle : "(null)", haystack ? haystack : "(null)");
  va_list ap;
  va_start(ap, fmt);
  vok(s, fmt, ap);
  va_end(ap);
  return s;
}

void skip(const char *fmt, ...)
{
  va_list ap;
  tap_n++;
  printf("ok %lu # skip ", tap_n);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
}

void diag(const char *fmt, ...)
{
  va_list ap;
  printf("# ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
}

void skip_all(const char *fmt, ...)
{
  va_list ap;
  printf("1..0 # skip ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
  exit(0);
}

void bail(const char *fmt, ...)
{
  va_list ap;
  printf("Bail out! ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
  exit(255);
}

unsigned long tap_failed(void) { return tap_fail; }

const char *test_data(const char *name)
{
  static char buf[4096];
  const char *d = getenv("BALLAST_TEST_DATA");
  if (d) snprintf(buf, sizeof buf, "%s/%s", d, name);
  else {
    const char *s = getenv("BALLAST_SOURCE_DIR");
    snprintf(buf, sizeof buf, "%s/tests/data/%s", s ? s : ".", name);
  }
  return buf;
}
