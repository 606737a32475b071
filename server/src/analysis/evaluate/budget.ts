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
