/* Shared libconfig helpers of src/config (see cfg_util.h). */
#include "cfg_util.h"
#include <stdio.h>
#include <string.h>

/* Dotted path of a setting for messages ("lcr.outflow_rates", "liquidity.scenarios[2].haircut_add"). */
const char *BallastCfgPath(const config_setting_t *s)
{
  static char       buf[4][256];
  static int        slot;
  char             *b = buf[slot++ & 3];
  const char       *parts[16];
  int               np = 0;
  char              idx[16][16];
  b[0]               = 0;
  for (const config_setting_t *p = s; p && config_setting_parent(p) && np < 16; p = config_setting_parent(p)) {
    const char *n = config_setting_name(p);
    if (n) parts[np] = n;
    else {
      snprintf(idx[np], sizeof idx[np], "[%d]", config_setting_index(p) + 1);
      parts[np] = idx[np];
    }
    np++;
  }
  if (!np) return "the file";
  for (int k = np - 1; k >= 0; k--) {
    if (k < np - 1 && parts[k][0] != '[') strncat(b, ".", 255 - strlen(b));
    strncat(b, parts[k], 255 - strlen(b));
  }
  return b;
}

PetscErrorCode BallastCfgCheckKeys(MPI_Comm comm, const char *file, const config_setting_t *grp, const char *const *allowed, int nallowed, const char *prefix, const char *suffix)
{
  PetscFunctionBeginUser;
  int n = config_setting_length(grp);
  for (int i = 0; i < n; i++) {
    const config_setting_t *s     = config_setting_get_elem(grp, (unsigned)i);
    const char             *nm    = config_setting_name(s);
    PetscBool               found = PETSC_FALSE;
    for (int k = 0; nallowed < 0 ? allowed[k] != NULL : k < nallowed; k++)
      if (nm && allowed[k] && !strcmp(nm, allowed[k])) found = PETSC_TRUE;
    if (found) continue;
    char in[300];
    if (!suffix) {
      snprintf(in, sizeof in, " in %s", BallastCfgPath(grp));
      suffix = in;
    }
    SETERRQ(comm, BALLAST_ERR_USAGE, "%s:%d: %sunknown key '%s'%s", file, BallastCfgLine(s), prefix ? prefix : "", nm ? nm : "?", suffix);
  }
  PetscFunctionReturn(0);
}
