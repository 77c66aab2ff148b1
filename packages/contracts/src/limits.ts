/**
 * MySQL's signed INT, the type of every id column and of stock quantities: a larger number would not fit, so
 * the API refuses it up front (docs/api/openapi.yaml: path ids are positive integers ≤ 2^31−1).
 */
export const MAX_INT = 2 ** 31 - 1;
export const MAX_ID = MAX_INT;
