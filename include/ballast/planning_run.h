/* The planning inputs checked against the loaded run (src/run/planning.c). */
#ifndef BALLAST_PLANNING_RUN_H
#define BALLAST_PLANNING_RUN_H

#include <ballast/run.h>

/* Collective. Called after the contracts are loaded, before any computation: checks every action,
 * product, margin and limit of ctx->cfg.planning against the balance sheet (portfolios of filters
 * and `replace` volumes exist, every filter matches at least one contract counted over all ranks,
 * segments and entities occur), the market data (currencies with FX, curves), the run's scenarios,
 * the regime's liquidity scenarios and key tenors; loads each action's added contract files with
 * the contract loader (BALLAST_ERR_INPUT, file:line:column) and refuses contractIDs already in the
 * balance sheet. Maps the templates' currency and curve names to market ids. Configuration errors:
 * BALLAST_ERR_USAGE "file:line: ..." on every rank. With summary, rank 0 prints the plan. */
PetscErrorCode BallastPlanningValidate(BallastRunContext *ctx, PetscBool summary);

/* Not collective (the same on every rank). After the actions' added contracts joined the run's
 * tables (BallastRunActionsCreate) and before the control totals and the behaviour segment map:
 * a product naming a portfolio the balance sheet does not have opens it, appended to the run's
 * portfolio list after the balance sheet's and the actions' new portfolios, in product order, owned
 * by rank 0 (docs/planning.md "New portfolios"); each product's behaviourSegment and legalEntity are
 * interned into this rank's name tables (BallastProduct.alm gets the local ids), so originations
 * get their segment's behaviour like a loaded contract. */
PetscErrorCode BallastRunNewBusinessPrepare(BallastRunContext *ctx);

#endif
