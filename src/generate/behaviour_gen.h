/* ballast generate's behavioural part (src/generate/behaviour_gen.c): calibration histories of the
 * behaviour segments the generated contracts use, drawn from known true parameters, the file of
 * those parameters, and the `behaviour` section of run.cfg. Private to src/generate. */
#ifndef BALLAST_GENERATE_BEHAVIOUR_GEN_H
#define BALLAST_GENERATE_BEHAVIOUR_GEN_H

#include <ballast/behaviour.h>

/* Which segments the balance sheet uses (non-zero contract counts of their categories). */
typedef struct {
  int mortgages, consumer, sight, savings, corporate, term;
} BallastGenBehUse;

/* Not collective (rank 0). Writes history-<segment>.csv for every calibrated segment in use and
 * history-true-parameters.csv into dir (each whole or not at all, BallastWriteFileAtomic): 240
 * months ending at the last month end before as_of, deterministic for the seed. A write failure
 * returns BALLAST_ERR_IO naming the file (files already written stay; run.cfg, written after,
 * then does not appear). */
PetscErrorCode BallastGenWriteHistories(const char *dir, BallastDate as_of, uint64_t seed, const BallastGenBehUse *use);
/* Not collective. The `behaviour = { ... };` section of run.cfg (PetscFree the text). Deposit
 * segments need the regime's nmd caps: without a regime they are left out (a comment says so). */
PetscErrorCode BallastGenBehaviourText(const BallastGenBehUse *use, PetscBool have_regime, char **text);

#endif
