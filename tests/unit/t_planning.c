/* The planning layer's plain data: limit statuses at, below and above each level (a value AT a
 * level is on the safe side; NaN is a breach), the parsed configuration (include flattening in
 * order without repeats, templates parsed as CSV cells, dates derived from start and term, limits,
 * margins, reserves) and filter matching on a store of five contracts. Expected values by hand. */
#define _POSIX_C_SOURCE 200809L
#include "tap/basic.h"
#include <ballast/config.h>
#include <ballast/planning.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *cfg_text =
  "run = { name = \"t\"; as_of = \"2026-10-30\"; reporting_currency = \"EUR\"; group = \"BANK\"; };\n"
  "input = { contracts = [\"c.csv\"]; curves = \"k.csv\"; fx = \"f.csv\"; };\n"
  "output = { dir = \"out\"; };\n"
  "discount_curves = { EUR = \"EUR_ESTR\"; };\n"
  "nii = { horizon_months = 12; margins = ( { filter = { portfolio = \"MTG\"; }; margin = 0.012; } ); reserves_rate = { EUR = 0.02; }; };\n"
  "actions = (\n"
  "  { name = \"a\"; add_instruments = ( { terms = { contractType = \"SWPPV\"; contractRole = \"PFL\"; currency = \"EUR\"; portfolio = \"HEDGES\";\n"
  "      notionalPrincipal = 3.0e8; dayCountConvention = \"A360\"; cycleOfInterestPayment = \"P3ML0\"; cycleOfRateReset = \"P3ML0\";\n"
  "      marketObjectCodeOfRateReset = \"EUR_EURIBOR3M\"; counterpartyType = \"financial\"; };\n"
  "      start = \"2027-01-29\"; term = \"10Y\"; rate = \"par\"; spread = 0.0005; } ); },\n"
  "  { name = \"b\"; scale = ( { filter = { portfolio = [\"BONDS\", \"LOANS\"]; currency = \"USD\"; }; factor = 0.5; } ); },\n"
  "  { name = \"c\"; remove = ( { filter = { contractType = \"UMP\"; counterpartyType = \"financial\"; }; } ); },\n"
  "  { name = \"d\"; include = [\"a\", \"b\"]; },\n"
  "  { name = \"e\"; include = [\"d\", \"c\", \"a\"]; add = \"x.csv\"; }\n"
  ");\n"
  "new_business = { horizon_months = 36; products = (\n"
  "  { name = \"m\"; terms = { contractType = \"ANN\"; contractRole = \"RPA\"; currency = \"EUR\"; portfolio = \"MTG\";\n"
  "      dayCountConvention = \"30E360\"; cycleOfPrincipalRedemption = \"P1ML0\"; cycleOfInterestPayment = \"P1ML0\"; riskWeight = 0.35; };\n"
  "    term = \"20Y\"; pricing = { type = \"fixed\"; curve = \"EUR_ESTR\"; spread = 0.015; }; volume = { type = \"replace\"; portfolio = \"MTG\"; growth = 0.03; }; },\n"
  "  { name = \"f\"; terms = { contractType = \"PAM\"; contractRole = \"RPA\"; currency = \"EUR\"; portfolio = \"CORP\";\n"
  "      dayCountConvention = \"A360\"; cycleOfRateReset = \"P3ML0\"; };\n"
  "    term = \"5Y\"; pricing = { type = \"floating\"; index = \"EUR_EURIBOR3M\"; spread = 0.018; }; volume = { type = \"monthly\"; amounts = [2.0e7, 2.5e7]; }; } ); };\n"
  "limits = ( { name = \"LCR\"; metric = \"lcr\"; min = 1.0; warning = 1.2; },\n"
  "  { name = \"KR\"; metric = \"key_rate_pv01\"; currency = \"EUR\"; key_tenor = \"10Y\"; max_abs = 5.0e4; } );\n";

static BallastLimit lim(BallastLimitKind k, double level, PetscBool w, double warning)
{
  BallastLimit l = {0};
  l.kind = k; l.level = level; l.has_warning = w; l.warning = warning;
  return l;
}

int main(int argc, char **argv)
{
  PetscInitialize(&argc, &argv, NULL, NULL);
  plan(64);
  BallastLimit lcr = lim(BALLAST_LIMIT_MIN, 1.0, PETSC_TRUE, 1.2);
  is_int(2, BallastLimitStatus(&lcr, 0.999), "LCR min 1.0: 0.999 is a breach");
  is_int(1, BallastLimitStatus(&lcr, 1.0), "LCR min 1.0: 1.0 is within the breach level (warning below 1.2)");
  is_int(1, BallastLimitStatus(&lcr, 1.1999), "LCR: 1.1999 below the warning 1.2");
  is_int(0, BallastLimitStatus(&lcr, 1.2), "LCR: at the warning 1.2 is within");
  is_int(0, BallastLimitStatus(&lcr, 1.5), "LCR: 1.5 within");
  BallastLimit eve = lim(BALLAST_LIMIT_MAX, 0.15, PETSC_TRUE, 0.12);
  is_int(0, BallastLimitStatus(&eve, 0.10), "EVE SOT max 0.15: 0.10 within");
  is_int(0, BallastLimitStatus(&eve, 0.12), "EVE SOT: at the warning 0.12 within");
  is_int(1, BallastLimitStatus(&eve, 0.1201), "EVE SOT: 0.1201 warning");
  is_int(1, BallastLimitStatus(&eve, 0.15), "EVE SOT: at the breach level 0.15 is a warning, not a breach");
  is_int(2, BallastLimitStatus(&eve, 0.1501), "EVE SOT: 0.1501 breach");
  BallastLimit pv = lim(BALLAST_LIMIT_MAX_ABS, 1.5e5, PETSC_TRUE, 1.2e5);
  is_int(0, BallastLimitStatus(&pv, -1.2e5), "PV01 max_abs: -120000 at the warning: within");
  is_int(1, BallastLimitStatus(&pv, -1.2e5 - 1), "PV01 max_abs: -120001 warning");
  is_int(1, BallastLimitStatus(&pv, 1.5e5), "PV01 max_abs: +150000 at the level: warning");
  is_int(2, BallastLimitStatus(&pv, -1.5e5 - 1), "PV01 max_abs: -150001 breach");
  is_int(2, BallastLimitStatus(&pv, 1.5e5 + 1), "PV01 max_abs: +150001 breach");
  BallastLimit surv = lim(BALLAST_LIMIT_MIN, 30, PETSC_FALSE, 0);
  is_int(0, BallastLimitStatus(&surv, 30), "survival min 30, no warning: 30 within");
  is_int(2, BallastLimitStatus(&surv, 29), "survival: 29 breach");
  is_int(0, BallastLimitStatus(&surv, 365), "survival: 365 within");
  is_int(2, BallastLimitStatus(&eve, NAN), "a value not computed (NaN) is a breach");
  BallastLimit dn = lim(BALLAST_LIMIT_MIN, -1.5e7, PETSC_TRUE, -1.0e7);
  is_int(1, BallastLimitStatus(&dn, -1.2e7), "delta_nii min -15 M warning -10 M: -12 M warning");

  /* ---- the parsed configuration */
  char path[] = "/tmp/t_planning_XXXXXX";
  int  fd     = mkstemp(path);
  FILE *fp    = fdopen(fd, "w");
  fputs(cfg_text, fp);
  fclose(fp);
  BallastConfig cfg;
  PetscErrorCode ierr = BallastConfigLoad(PETSC_COMM_WORLD, path, &cfg);
  unlink(path);
  is_int(0, ierr, "configuration with every planning key loads");
  const BallastPlanning *p = &cfg.planning;
  is_int(5, (int)p->nactions, "5 actions");
  const BallastAction *e = &p->actions[4];
  /* e includes d (= a, b, d), c, a (already there): a, b, d, c, e */
  is_int(5, (int)e->nflat, "e flattens to 5 actions, a once");
  ok(e->nflat == 5 && e->flat[0] == 0 && e->flat[1] == 1 && e->flat[2] == 3 && e->flat[3] == 2 && e->flat[4] == 4, "order a, b, d, c, e (included first, in order)");
  is_int(3, (int)p->actions[3].nflat, "d flattens to a, b, d");
  ok(strstr(e->add[0], "/x.csv") != NULL && e->add[0][0] == '/', "added file path resolved against the configuration's directory (%s)", e->add[0]);
  const BallastInstrument *in = &p->actions[0].instr[0];
  is_int(BALLAST_CT_SWPPV, in->terms.contractType, "template contractType SWPPV");
  is_int(BALLAST_ROLE_PFL, in->terms.contractRole, "template contractRole PFL");
  is_double(3.0e8, in->terms.notionalPrincipal, 0, "a number in a template is parsed as the CSV cell '3e+08'");
  is_int(BALLAST_DCC_A360, in->terms.dayCountConvention, "dayCountConvention A360");
  ok(in->terms.cycleOfRateReset.n == 3 && in->terms.cycleOfRateReset.unit == 'M', "cycleOfRateReset P3ML0");
  is_int(BALLAST_CP_FINANCIAL, in->alm.counterpartyType, "ALM attribute counterpartyType financial");
  ok(!strcmp(in->portfolio, "HEDGES"), "portfolio HEDGES (a new portfolio is allowed for added contracts)");
  is_int(BallastDateFromYMD(2027, 1, 29), in->start, "start 2027-01-29");
  is_int(BallastDateFromYMD(2037, 1, 29), in->maturity, "maturity = start + 10Y");
  is_int(BALLAST_RATE_PAR, in->rate_kind, "rate par");
  ok(!strcmp(in->contract_id, "a#1"), "instrument contractID a#1 (%s)", in->contract_id);
  ok(isnan(p->plan.products[0].terms.notionalPrincipal), "a product's template has no notional (the volume sets it)");
  is_double(0.0005, in->spread, 0, "spread 5 bp");
  const BallastScale *sc = &p->actions[1].scale[0];
  ok(sc->filter.nvalues[BALLAST_FILTER_PORTFOLIO] == 2 && !strcmp(sc->filter.values[BALLAST_FILTER_PORTFOLIO][1], "LOANS"), "filter portfolio list of two");
  is_double(0.5, sc->factor, 0, "scale factor 0.5");
  is_int(36, (int)p->plan.horizon_months, "new business over 36 months");
  const BallastProduct *m = &p->plan.products[0], *f = &p->plan.products[1];
  ok(m->volume == BALLAST_VOLUME_REPLACE && !strcmp(m->replace_portfolio, "MTG") && m->growth == 0.03, "mortgages replace MTG's run-off +3 %%");
  ok(m->pricing == BALLAST_PRICING_FIXED && !strcmp(m->curve, "EUR_ESTR") && m->spread == 0.015, "mortgages fixed at par on EUR_ESTR + 150 bp");
  ok(m->term_n == 20 && m->term_unit == 'Y', "mortgage term 20Y");
  ok(f->pricing == BALLAST_PRICING_FLOATING && !strcmp(f->curve, "EUR_EURIBOR3M") && f->spread == 0.018, "floating on EURIBOR 3M + 180 bp");
  ok(f->namounts == 2 && f->amounts[1] == 2.5e7, "monthly amounts 20 M, 25 M (the last repeats)");
  is_int(2, (int)p->nlimits, "2 limits");
  ok(p->limits[1].metric == BALLAST_METRIC_KEY_RATE_PV01 && p->limits[1].kind == BALLAST_LIMIT_MAX_ABS && !strcmp(p->limits[1].key_tenor, "10Y"), "key-rate PV01 limit with its key tenor");
  ok(p->nmargins == 1 && p->margins[0].margin == 0.012, "nii.margins");
  ok(p->nreserves == 1 && !strcmp(p->reserves_ccy[0], "EUR") && p->reserves_rate[0] == 0.02, "nii.reserves_rate EUR 2 %%");

  /* ---- filter matching on five contracts (portfolios BONDS=0, LOANS=1, MTG=2; currencies EUR=0, USD=1) */
  BallastContracts cs;
  BallastNames     ccy;
  BallastContractsCreate(&cs);
  BallastNamesCreate(&ccy);
  BallastNamesIntern(ccy, "EUR");
  BallastNamesIntern(ccy, "USD");
  cs->nportfolios = 3;
  PetscMalloc1(3, &cs->portfolio_names);
  PetscStrallocpy("BONDS", &cs->portfolio_names[0]);
  PetscStrallocpy("LOANS", &cs->portfolio_names[1]);
  PetscStrallocpy("MTG", &cs->portfolio_names[2]);
  const int pf[5] = {0, 1, 1, 2, 0}, cur[5] = {1, 1, 0, 1, 0}, ct[5] = {BALLAST_CT_PAM, BALLAST_CT_LAM, BALLAST_CT_LAM, BALLAST_CT_ANN, BALLAST_CT_UMP};
  const int cp[5] = {BALLAST_CP_SOVEREIGN, BALLAST_CP_CORPORATE, BALLAST_CP_CORPORATE, BALLAST_CP_RETAIL, BALLAST_CP_FINANCIAL};
  for (int i = 0; i < 5; i++) {
    BallastTerms t;
    BallastAlm   a = {0};
    char         id[8];
    BallastTermsInit(&t);
    t.contractType     = (BallastContractType)ct[i];
    t.contractRole     = BALLAST_ROLE_RPA;
    t.currency         = cur[i];
    a.portfolio        = pf[i];
    a.legalEntity      = i == 4 ? BallastNamesIntern(cs->entities, "BANK-ES") : -1;
    a.behaviourSegment = -1;
    a.counterpartyType = (uint8_t)cp[i];
    snprintf(id, sizeof id, "C%d", i);
    BallastContractsAppend(cs, &t, &a, id, 0, i + 2);
  }
  BallastFilter *bf = &((BallastPlanning *)p)->actions[1].scale[0].filter; /* BONDS or LOANS, USD: contracts 0 and 1 */
  BallastFilterResolve(bf, cs, ccy, "BANK");
  int got = 0;
  for (int i = 0; i < 5; i++) got |= BallastFilterMatch(bf, cs, i) << i;
  is_int(0x3, got, "portfolio in {BONDS, LOANS} and currency USD: contracts 0 and 1");
  BallastFilter *rf = &((BallastPlanning *)p)->actions[2].remove[0]; /* UMP and financial: contract 4 */
  BallastFilterResolve(rf, cs, ccy, "BANK");
  got = 0;
  for (int i = 0; i < 5; i++) got |= BallastFilterMatch(rf, cs, i) << i;
  is_int(0x10, got, "contractType UMP and counterpartyType financial: contract 4");
  BallastFilter g = {0};
  g.nvalues[BALLAST_FILTER_LEGAL_ENTITY] = 1;
  PetscMalloc1(1, &g.values[BALLAST_FILTER_LEGAL_ENTITY]);
  PetscStrallocpy("BANK", &g.values[BALLAST_FILTER_LEGAL_ENTITY][0]);
  BallastFilterResolve(&g, cs, ccy, "BANK");
  got = 0;
  for (int i = 0; i < 5; i++) got |= BallastFilterMatch(&g, cs, i) << i;
  is_int(0xF, got, "legalEntity = the group name matches the contracts without an entity (0-3)");
  PetscFree(g.values[BALLAST_FILTER_LEGAL_ENTITY][0]);
  PetscStrallocpy("BANK-ES", &g.values[BALLAST_FILTER_LEGAL_ENTITY][0]);
  BallastFilterResolve(&g, cs, ccy, "BANK");
  got = 0;
  for (int i = 0; i < 5; i++) got |= BallastFilterMatch(&g, cs, i) << i;
  is_int(0x10, got, "legalEntity BANK-ES: contract 4");
  PetscFree(g.values[BALLAST_FILTER_LEGAL_ENTITY][0]);
  PetscStrallocpy("BANK-FR", &g.values[BALLAST_FILTER_LEGAL_ENTITY][0]);
  BallastFilterResolve(&g, cs, ccy, "BANK");
  got = 0;
  for (int i = 0; i < 5; i++) got |= BallastFilterMatch(&g, cs, i) << i;
  is_int(0, got, "an entity absent from the store matches nothing");
  BallastFilterDestroy(&g);
  BallastNamesDestroy(&ccy);
  BallastContractsDestroy(&cs);

  /* ---- configuration errors (file:line) */
  const char *bad[][2] = {
    {"actions = ( { name = \"a\"; include = [\"b\"]; }, { name = \"b\"; include = [\"c\"]; }, { name = \"c\"; include = [\"a\"]; } );\n", "circular include"},
    {"limits = ( { name = \"x\"; metric = \"lcr\"; min = 1.0; max = 2.0; } );\n", "exactly one breach level"},
    {"new_business = { horizon_months = 12; products = ( { name = \"m\"; terms = { contractType = \"PAM\"; contractRole = \"RPA\"; currency = \"EUR\"; portfolio = \"P\"; dayCountConvention = \"AA\"; notionalPrincipal = 1; }; term = \"1Y\"; pricing = { type = \"fixed\"; curve = \"C\"; }; volume = { type = \"monthly\"; amounts = [1.0]; }; } ); };\n", "product notional"},
    {"new_business = { horizon_months = 0; products = ( ); };\n", "horizon 0"},
    {"limits = ( { name = \"x\"; metric = \"pv01\"; max_abs = 1.0; } );\n", "needs a currency"},
    {"actions = ( { name = \"a\"; add_instruments = ( { terms = { contractType = \"PAM\"; contractRole = \"RPA\"; currency = \"EUR\"; portfolio = \"P\"; notionalPrincipal = 1; dayCountConvention = \"AA\"; maturityDate = \"2030-01-01\"; }; term = \"3Y\"; } ); } );\n", "set by the"},
    {"actions = ( { name = \"a\"; add_instruments = ( { terms = { contractType = \"PAM\"; contractRole = \"RPA\"; currency = \"EUR\"; portfolio = \"P\"; notionalPrincipal = 1; dayCountConvention = \"AA\"; }; } ); } );\n", "needs a term"},
    {"actions = ( { name = \"a\"; add_instruments = ( { terms = { contractType = \"PAM\"; contractRole = \"RPA\"; currency = \"EUR\"; portfolio = \"P\"; notionalPrincipal = 1; dayCountConvention = \"AA\"; colour = \"red\"; }; term = \"1Y\"; } ); } );\n", "terms key 'colour' is not a contract column"},
  };
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL);
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    char p2[] = "/tmp/t_planning_XXXXXX";
    int  fd2  = mkstemp(p2);
    FILE *f2  = fdopen(fd2, "w");
    /* the common part of cfg_text: its first four lines */
    const char *endhdr = strstr(strstr(strstr(strstr(cfg_text, "\n") + 1, "\n") + 1, "\n") + 1, "\n") + 1;
    fwrite(cfg_text, 1, (size_t)(endhdr - cfg_text), f2);
    fputs(bad[k][0], f2);
    fclose(f2);
    BallastConfig c2;
    PetscErrorCode e2 = BallastConfigLoad(PETSC_COMM_WORLD, p2, &c2);
    const char    *msg = NULL;
    PetscErrorMessage(e2, NULL, (char **)&msg);
    ok(e2 == BALLAST_ERR_USAGE, "bad planning input %d refused (%s)", (int)k + 1, bad[k][1]);
    BallastConfigDestroy(&c2);
    unlink(p2);
  }
  PetscPopErrorHandler();
  BallastConfigDestroy(&cfg);
  PetscFinalize();
  return 0;
}
