/* CSV record splitting (include/ballast/io.h).
 *
 * A structural scan: the positions of the characters that end an unquoted field or are an error
 * in it (NUL, ',' and '"') are found 64 bytes at a time as a bit mask, and the fields are cut at
 * the set bits in order (docs/loading.md, "Speed"). The mask is built with SSE2 (16 bytes a
 * compare, baseline on x86-64) when the compiler targets it, else by a portable byte loop with
 * the same result; BALLAST_CSV_SCALAR forces the portable one. Quoted fields (rare in contract
 * files) are unquoted byte by byte. The scan never reads outside line[0..len]: the last partial
 * block is copied into a zero-padded buffer first. */
#include <ballast/io.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && !defined(BALLAST_CSV_SCALAR)
#include <emmintrin.h>
#define BALLAST_CSV_SIMD 1
#else
#define BALLAST_CSV_SIMD 0
#endif

/* Characters that end an unquoted field or are an error in it: NUL, ',' and '"'. */
static const unsigned char stop[256] = {[0] = 1, [','] = 1, ['"'] = 1};

/* Bit k set when p[k] (k < 64) is a stop character. */
static inline uint64_t stops64_scalar(const char *p)
{
  uint64_t m = 0;
  for (int k = 0; k < 64; k++) m |= (uint64_t)stop[(unsigned char)p[k]] << k;
  return m;
}

#if BALLAST_CSV_SIMD
static inline uint64_t stops64_simd(const char *p)
{
  const __m128i comma = _mm_set1_epi8(','), quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
  uint64_t      m     = 0;
  for (int k = 0; k < 4; k++) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    __m128i s = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, comma), _mm_cmpeq_epi8(x, quote)), _mm_cmpeq_epi8(x, zero));
    m |= (uint64_t)(unsigned)_mm_movemask_epi8(s) << (16 * k);
  }
  return m;
}
#endif

static inline int ctz64(uint64_t m)
{
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_ctzll(m);
#else
  int k = 0;
  while (!(m & 1)) m >>= 1, k++;
  return k;
#endif
}

/* The splitter, with the mask builder chosen by `simd` (a constant at each call site). */
static inline int split_core(char *line, size_t len, char **fields, int *lens, int *colpos, int maxfields, int *errcol, int simd)
{
  int    n  = 0;
  size_t fs = 0; /* start of the current field */
  for (;;) {
    if (n == maxfields) {
      *errcol = (int)fs + 1;
      return -2; /* too many fields */
    }
    if (colpos) colpos[n] = (int)fs + 1;
    if (line[fs] == '"') {
      /* quoted: "" is a quote; the field ends at the closing quote */
      char *p = line + fs, *w = p, *r = p + 1;
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
      fs = (size_t)(r - line) + 1;
      continue;
    }
    /* unquoted fields, cut at the stop characters found 64 bytes at a time; a field that starts
     * with a quote (or the field limit) goes back to the loop above */
    fields[n]  = line + fs;
    size_t pos = fs;
    for (;;) {
      uint64_t m;
      if (len - pos >= 64) {
#if BALLAST_CSV_SIMD
        m = simd ? stops64_simd(line + pos) : stops64_scalar(line + pos);
#else
        (void)simd;
        m = stops64_scalar(line + pos);
#endif
      } else { /* the last part of the line: zero padded (the NUL at len ends it) */
        char tmp[64];
        memset(tmp, 0, sizeof tmp);
        memcpy(tmp, line + pos, len - pos);
#if BALLAST_CSV_SIMD
        m = simd ? stops64_simd(tmp) : stops64_scalar(tmp);
#else
        m = stops64_scalar(tmp);
#endif
      }
      while (m) {
        size_t i = pos + (size_t)ctz64(m);
        m &= m - 1;
        char ch = line[i];
        if (ch == ',') {
          line[i] = 0;
          if (lens) lens[n] = (int)(i - fs);
          n++;
          fs = i + 1;
          if (n == maxfields || line[fs] == '"') goto next_field;
          if (colpos) colpos[n] = (int)fs + 1;
          fields[n] = line + fs;
          continue;
        }
        if (ch == '"') {
          *errcol = (int)i + 1;
          return -1; /* quote inside an unquoted field */
        }
        if (lens) lens[n] = (int)(i - fs); /* NUL: the end of the line */
        return n + 1;
      }
      pos += 64;
    }
  next_field:;
  }
}

int BallastCSVSplitN(char *line, size_t len, char **fields, int *lens, int *colpos, int maxfields, int *errcol)
{
  return split_core(line, len, fields, lens, colpos, maxfields, errcol, 1);
}

int BallastCSVSplitNScalar(char *line, size_t len, char **fields, int *lens, int *colpos, int maxfields, int *errcol)
{
  return split_core(line, len, fields, lens, colpos, maxfields, errcol, 0);
}

int BallastCSVSplitIsSIMD(void) { return BALLAST_CSV_SIMD; }

int BallastCSVSplitLen(char *line, char **fields, int *lens, int *colpos, int maxfields, int *errcol)
{
  return BallastCSVSplitN(line, strlen(line), fields, lens, colpos, maxfields, errcol);
}

int BallastCSVSplit(char *line, char **fields, int *colpos, int maxfields, int *errcol)
{
  return BallastCSVSplitLen(line, fields, NULL, colpos, maxfields, errcol);
}
