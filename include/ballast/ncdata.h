/* A whole (small) NetCDF-4 result file in memory: dimensions, variables with their attributes and
 * values, global attributes, in file order (src/io/ncdata.c). `ballast combine` (src/app/combine.c)
 * reads the parts' alm.nc this way, merges them as plain arrays and writes the result, so the
 * NetCDF calls stay in src/io. Only what Ballast writes is supported: variables of doubles, 64-bit
 * integers or strings; attributes of text, doubles, 32- or 64-bit integers (others are refused
 * naming the file and the variable). */
#ifndef BALLAST_NCDATA_H
#define BALLAST_NCDATA_H

#include <ballast/ballast.h>

enum { BALLAST_NCK_DOUBLE = 0, BALLAST_NCK_INT64 = 1, BALLAST_NCK_STRING = 2 };        /* variable kinds */
enum { BALLAST_NCA_TEXT = 0, BALLAST_NCA_DOUBLE = 1, BALLAST_NCA_INT = 2, BALLAST_NCA_INT64 = 3 }; /* attribute kinds */

typedef struct {
  char  *name;
  int    kind;
  size_t len;  /* characters (text) or values */
  void  *data; /* text: len chars plus a NUL */
} BallastNCAtt;

typedef struct {
  char         *name;
  int           kind, ndims, dim[8]; /* dim: indices into BallastNCData.dim_name */
  size_t        count;               /* product of the dimension lengths */
  void         *data;                /* count doubles, int64_t or char * (strings) */
  int           natt;
  BallastNCAtt *att;
} BallastNCVar;

typedef struct {
  char         *path; /* the file read (messages) */
  int           ndims;
  char        **dim_name;
  size_t       *dim_len;
  int           nvars;
  BallastNCVar *var;
  int           natt;
  BallastNCAtt *att; /* global */
} BallastNCData;

/* Not collective. Read all of path; BALLAST_ERR_IO naming the file (and variable) on failure. */
PetscErrorCode BallastNCDataRead(const char *path, BallastNCData *d);
/* Not collective. Write d to path through a temporary name in the same directory, renamed when
 * complete (BALLAST_ERR_IO naming the file on failure, the temporary removed). */
PetscErrorCode BallastNCDataWrite(const BallastNCData *d, const char *path);
PetscErrorCode BallastNCDataFree(BallastNCData *d);
/* Not collective helpers: a variable / global attribute by name (-1 / NULL: none). */
int           BallastNCDataFindVar(const BallastNCData *d, const char *name);
int           BallastNCDataFindDim(const BallastNCData *d, const char *name);
BallastNCAtt *BallastNCDataFindAtt(const BallastNCData *d, const char *name);
/* Text of a global text attribute (NULL: absent or not text). */
const char *BallastNCDataAttText(const BallastNCData *d, const char *name);

#endif
