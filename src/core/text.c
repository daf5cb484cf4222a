/* The growable text buffer and the atomic file writer (include/ballast/text.h). */
#define _POSIX_C_SOURCE 200809L
#include <ballast/text.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int reserve(BallastText *t, size_t extra)
{
  if (t->err) return 1;
  if (t->len + extra + 1 <= t->cap) return 0;
  size_t cap = t->cap ? t->cap : 4096;
  while (cap < t->len + extra + 1) cap *= 2;
  char *b = (char *)realloc(t->buf, cap);
  if (!b) {
    t->err = 1;
    return 1;
  }
  t->buf = b;
  t->cap = cap;
  return 0;
}

void BallastTextAppend(BallastText *t, const char *s, size_t n)
{
  if (reserve(t, n)) return;
  if (n) memcpy(t->buf + t->len, s, n); /* s may be NULL when n is 0 */
  t->len += n;
  t->buf[t->len] = 0;
}

void BallastTextPrintf(BallastText *t, const char *fmt, ...)
{
  va_list ap;
  char    small[512];
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    t->err = 1;
    return;
  }
  if ((size_t)n < sizeof small) {
    BallastTextAppend(t, small, (size_t)n);
    return;
  }
  if (reserve(t, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

void BallastTextClear(BallastText *t)
{
  t->len = 0;
  if (t->buf) t->buf[0] = 0;
}

void BallastTextFree(BallastText *t)
{
  free(t->buf);
  memset(t, 0, sizeof(*t));
}

PetscErrorCode BallastWriteFileAtomic(const char *path, const void *buf, size_t len)
{
  char tmp[4096];
  int  fd, e = 0;
  PetscFunctionBeginUser;
  PetscCheck(strlen(path) + 5 < sizeof tmp, PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: path too long", path);
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  PetscCheck(fd >= 0, PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: cannot create: %s", tmp, strerror(errno));
  const char *p = (const char *)buf;
  size_t      left = len;
  while (left > 0 && !e) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) e = errno ? errno : EIO;
    else {
      p += w;
      left -= (size_t)w;
    }
  }
  if (!e && fsync(fd) != 0) e = errno;
  if (close(fd) != 0 && !e) e = errno;
  if (!e && rename(tmp, path) != 0) e = errno;
  if (e) {
    unlink(tmp);
    SETERRQ(PETSC_COMM_SELF, BALLAST_ERR_IO, "%s: cannot write: %s", path, strerror(e));
  }
  PetscFunctionReturn(0);
}
