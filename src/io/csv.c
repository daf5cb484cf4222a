#include <ballast/io.h>

/* Characters that end an unquoted field or are an error in it: NUL, ',' and '"'. One table load
 * per byte (the loader's hottest loop). */
static const unsigned char stop[256] = {[0] = 1, [','] = 1, ['"'] = 1};

int BallastCSVSplitLen(char *line, char **fields, int *lens, int *colpos, int maxfields, int *errcol)
{
  int   n = 0;
  char *p = line;
  for (;;) {
    if (n == maxfields) {
      *errcol = (int)(p - line) + 1;
      return -2; /* too many fields */
    }
    if (colpos) colpos[n] = (int)(p - line) + 1;
    if (*p == '"') {
      /* quoted: "" is a quote; the field ends at the closing quote */
      char *w = p, *r = p + 1;
      fields[n] = w;
      for (;;) {
        if (!*r) {
          *errcol = (int)(p - line) + 1;
          return -1; /* unterminated */
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
        return -1; /* text after the closing quote */
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
      while (!stop[(unsigned char)*p]) p++;
      if (*p == '"') {
        *errcol = (int)(p - line) + 1;
        return -1; /* quote inside an unquoted field */
      }
      if (lens) lens[n] = (int)(p - s);
      n++;
      if (!*p) return n;
      *p++ = 0;
    }
  }
}

int BallastCSVSplit(char *line, char **fields, int *colpos, int maxfields, int *errcol)
{
  return BallastCSVSplitLen(line, fields, NULL, colpos, maxfields, errcol);
}
