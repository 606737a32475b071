// Step and depth budgets: the interpreter stops cleanly on exhaustion and keeps what it knew.

/** Thrown when the step budget is spent; caught by the top-level runner, never by user code. */
export class BudgetExhausted extends Error {
  override name = "BudgetExhausted";
}

/** `range(n)` loops longer than this run their body once with an unknown loop variable. */
export const MAX_LOOP_UNROLL = 1000;

/** `while` loops whose condition stays true stop after this many iterations. */
export const MAX_WHILE_ITERATIONS = 1000;

/** Known lists are iterated element by element up to this length. */
export const MAX_LIST_ITERATION = 10_000;

/**
 * JS-stack guard: nested expressions, statements and calls together. Real code stays far below;
 * deep recursion and 5,000-deep generated expressions stop here instead of overflowing.
 */
export const MAX_NESTING = 600;

/**
 * A list loop around a whole training (models or phases in turn) has each item traced as its own
 * run up to this many items; a longer list prices its first item once per item, as before. A cost
 * bound, not a measured one: each traced item re-runs the training body, and real model or phase
 * lists hold a handful of items.
 */
export const MAX_TRAINING_PASSES = 16;
