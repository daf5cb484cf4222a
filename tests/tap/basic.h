/* A tiny TAP producer in the spirit of c-tap-harness: plan, ok, is_int, is_double, is_string,
 * diag, skip, skip_all, bail. On failure the expected and seen values are printed as diagnostics.
 * Output is TAP 13 (no version line) so that prove accepts it. */
#ifndef TAP_BASIC_H
#define TAP_BASIC_H

#include <stddef.h>

#if defined(__GNUC__)
#define TAP_FORMAT(a, b) __attribute__((format(printf, a, b)))
#define TAP_NORETURN __attribute__((noreturn))
#else
#define TAP_FORMAT(a, b)
#define TAP_NORETURN
#endif

void plan(unsigned long n);
void plan_lazy(void); /* print the plan at exit from the number of tests run */
int  ok(int success, const char *fmt, ...) TAP_FORMAT(2, 3);
int  is_int(long long expected, long long seen, const char *fmt, ...) TAP_FORMAT(3, 4);
/* |seen - expected| <= tol (absolute) */
int  is_double(double expected, double seen, double tol, const char *fmt, ...) TAP_FORMAT(4, 5);
/* |seen - expected| <= rtol |expected| + atol */
int  is_close(double expected, double seen, double rtol, double atol, const char *fmt, ...) TAP_FORMAT(5, 6);
int  is_string(const char *expected, const char *seen, const char *fmt, ...) TAP_FORMAT(3, 4);
/* true if needle occurs in haystack */
int  contains(const char *haystack, const char *needle, const char *fmt, ...) TAP_FORMAT(3, 4);
void skip(const char *fmt, ...) TAP_FORMAT(1, 2);
void diag(const char *fmt, ...) TAP_FORMAT(1, 2);
void skip_all(const char *fmt, ...) TAP_FORMAT(1, 2) TAP_NORETURN;
void bail(const char *fmt, ...) TAP_FORMAT(1, 2) TAP_NORETURN;
/* number of failed tests so far */
unsigned long tap_failed(void);
/* Path of a test fixture: $BALLAST_TEST_DATA/name (or tests/data/name relative to the source tree
 * given by the BALLAST_SOURCE_DIR environment variable). Returns a static buffer. */
const char *test_data(const char *name);

#endif
