/* The work estimate of the partition (BallastWorkEstimate, src/core/partition.c): the periods it
 * counts by hand, and the properties the balance needs - a contractual run does not count
 * behavioural work, a slotted deposit costs more than a contractual one in a behavioural run, a
 * longer schedule costs more, the estimate is positive and deterministic. */
#include "tap/basic.h"
#include <ballast/partition.h>
#include <math.h>

static BallastDate D(int y, int m, int d) { return BallastDateFromYMD(y, m, d); }

int main(void)
{
  BallastTerms t;
  plan(11);
  /* PAM, 10 years remaining (2020-01-01 to 2030-01-01 = 3653 days), quarterly interest (91 days):
   * 3653 / 91 = 40 whole periods, + 1 = 41 */
  BallastTermsInit(&t);
  t.contractType           = BALLAST_CT_PAM;
  t.statusDate             = D(2020, 1, 1);
  t.initialExchangeDate    = D(2019, 1, 1);
  t.maturityDate           = D(2030, 1, 1);
  t.cycleOfInterestPayment = (BallastCycle){3, 'M', 1};
  is_int(41, BallastWorkPeriods(&t), "PAM 10y quarterly: 3653/91 + 1 = 41 periods");
  /* with a semi-annual reset: + 3653/182 + 1 = 21 */
  t.cycleOfRateReset = (BallastCycle){6, 'M', 1};
  is_int(62, BallastWorkPeriods(&t), "with semi-annual resets: 41 + 3653/182 + 1 = 62");
  int64_t pam = BallastWorkEstimate(&t, 0);
  t.maturityDate = D(2040, 1, 1);
  ok(BallastWorkEstimate(&t, 0) > pam, "a longer schedule costs more (%lld > %lld)", (long long)BallastWorkEstimate(&t, 0), (long long)pam);
  /* ANN, 25 years monthly: 9132 days / 30 + 1 = 305 interest and 305 principal periods */
  BallastTermsInit(&t);
  t.contractType               = BALLAST_CT_ANN;
  t.statusDate                 = D(2025, 1, 1);
  t.maturityDate               = D(2050, 1, 1);
  t.cycleOfInterestPayment     = (BallastCycle){1, 'M', 1};
  t.cycleOfPrincipalRedemption = (BallastCycle){1, 'M', 1};
  is_int(2 * (9131 / 30 + 1), BallastWorkPeriods(&t), "ANN 25y monthly: 2 x (9131/30 + 1) periods");
  BallastWorkEstimateSetContractual(0);
  int64_t ann_beh = BallastWorkEstimate(&t, 1), ann_plain = BallastWorkEstimate(&t, 0);
  BallastWorkEstimateSetContractual(1);
  int64_t ann_con = BallastWorkEstimate(&t, 1), ann_con0 = BallastWorkEstimate(&t, 0);
  ok(ann_beh > ann_con, "behavioural run: a mortgage with prepayments costs more than under --contractual (%lld > %lld)", (long long)ann_beh, (long long)ann_con);
  ok(ann_con == ann_con0, "--contractual: the segment does not count (%lld = %lld)", (long long)ann_con, (long long)ann_con0);
  ok(ann_plain == ann_con0, "behavioural run, no segment: the contractual cost (%lld = %lld)", (long long)ann_plain, (long long)ann_con0);
  /* UMP: no schedule; slotted in a behavioural run */
  BallastTermsInit(&t);
  t.contractType = BALLAST_CT_UMP;
  t.statusDate   = D(2025, 1, 1);
  is_int(0, BallastWorkPeriods(&t), "UMP: no schedule periods");
  BallastWorkEstimateSetContractual(0);
  int64_t ump_beh = BallastWorkEstimate(&t, 1);
  BallastWorkEstimateSetContractual(1);
  int64_t ump_con = BallastWorkEstimate(&t, 1);
  ok(ump_beh > 10 * ump_con, "a slotted deposit costs far more than a contractual one (%lld, %lld)", (long long)ump_beh, (long long)ump_con);
  ok(ump_con > 0, "every contract costs something (%lld)", (long long)ump_con);
  ok(BallastWorkEstimate(&t, 1) == ump_con, "deterministic");
  BallastWorkEstimateSetContractual(0);
  return tap_failed() ? 1 : 0;
}
