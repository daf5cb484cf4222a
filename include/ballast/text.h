/* One growable text buffer and one atomic file writer, for every module that builds text output
 * (CSV printers, the generator's files, result listings). */
#ifndef BALLAST_TEXT_H
#define BALLAST_TEXT_H

#include <ballast/ballast.h>
#include <stddef.h>

/* Zero-initialise ({0}) before use. Appends never fail loudly: an allocation failure sets `err`
 * and later appends do nothing, so the buffer can be filled from an event sink that must not fail;
 * check `err` once at the end. `buf` is always NUL-terminated once anything was appended. */
typedef struct {
  char  *buf;
  size_t len, cap;
  int    err;
} BallastText;

/* Append n bytes of s. Not collective. */
void BallastTextAppend(BallastText *t, const char *s, size_t n);
/* Append formatted text (any length). Not collective. */
void BallastTextPrintf(BallastText *t, const char *fmt, ...) PETSC_ATTRIBUTE_FORMAT(2, 3);
/* Forget the contents, keep the memory. Not collective. */
void BallastTextClear(BallastText *t);
/* Free and zero. Not collective. */
void BallastTextFree(BallastText *t);

/* Not collective. Write len bytes to `path` whole or not at all: into "<path>.tmp" in the same
 * directory, fsync, rename over `path`. On failure the temporary is removed, an earlier `path` is
 * untouched, and the error (BALLAST_ERR_IO) names the file and the system's reason. */
PetscErrorCode BallastWriteFileAtomic(const char *path, const void *buf, size_t len);

#endif
