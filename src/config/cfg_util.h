/* Small libconfig helpers shared by the parsers of src/config (private: only src/config includes
 * libconfig). libconfig 1.5 lookups fail silently on a type mismatch, so every parser checks a
 * setting's type before reading it and names the expected type in its message. */
#ifndef BALLAST_CFG_UTIL_H
#define BALLAST_CFG_UTIL_H

#include <ballast/ballast.h>
#include <libconfig.h>

/* "a number", "a string", ... for messages such as "key 'x' must be a number, not a string". */
static inline const char *BallastCfgTypeName(int t)
{
  switch (t) {
  case CONFIG_TYPE_GROUP: return "a group { }";
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64: return "an integer";
  case CONFIG_TYPE_FLOAT: return "a number";
  case CONFIG_TYPE_STRING: return "a string";
  case CONFIG_TYPE_BOOL: return "a boolean";
  case CONFIG_TYPE_ARRAY: return "an array [ ]";
  case CONFIG_TYPE_LIST: return "a list ( )";
  default: return "nothing";
  }
}

/* Source line of a setting (0 for none). */
static inline int BallastCfgLine(const config_setting_t *s) { return s ? (int)config_setting_source_line(s) : 0; }

/* Dotted path of a setting for messages ("lcr.outflow_rates", "behaviour.segments[2].beta");
 * "the file" for the root. Returns one of four rotating static buffers. Not thread-safe. */
const char *BallastCfgPath(const config_setting_t *s);

/* THE unknown-key check of every libconfig group (a misspelt key is never ignored silently).
 * Every member of `grp` must be named in `allowed`: `nallowed` names, or NULL-terminated when
 * nallowed < 0 (NULL entries are skipped). Otherwise BALLAST_ERR_USAGE
 *   "<file>:<line>: <prefix>unknown key '<name>'<suffix>"
 * with prefix "" when NULL and suffix " in <dotted path of grp>" when NULL (BallastCfgPath, "the
 * file" for the root); callers whose messages name the group otherwise pass their own suffix
 * (" in group run", " for type parallel"). Not collective by itself; every rank checks the same
 * bytes, so all fail together. */
PetscErrorCode BallastCfgCheckKeys(MPI_Comm comm, const char *file, const config_setting_t *grp, const char *const *allowed, int nallowed, const char *prefix, const char *suffix);

#endif
