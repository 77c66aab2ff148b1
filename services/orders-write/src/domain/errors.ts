import { serviceErrors, type AppError } from '@store/service-kit/errors';
import type { Refusal } from './order-rules';

/** orders-write's own error codes (docs/api/openapi.yaml) and their status; the codes every service shares are service-kit's. */
export const ORDER_ERROR_STATUS = {
  EMAIL_TAKEN: 409,
  INSUFFICIENT_STOCK: 409,
  PRODUCT_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  UNKNOWN_USER: 422,
  UNKNOWN_PRODUCT: 422,
} as const;

export const orderError = serviceErrors(ORDER_ERROR_STATUS);

/*
 * What the stores report in the domain's words. data-access catches the driver's exceptions (MikroORM, mysql2)
 * and throws these instead, so use cases decide what a constraint hit means without knowing the driver.
 */

/** The users.email unique key already holds this address. */
export class EmailTakenError extends Error {
  override readonly name = 'EmailTakenError';
}

/** The idempotency key was stored by a concurrent request that committed first. */
export class IdempotencyKeyTakenError extends Error {
  override readonly name = 'IdempotencyKeyTakenError';
}

/** A product cannot be deleted: order items refer to it. */
export class ProductInUseError extends Error {
  override readonly name = 'ProductInUseError';
}

/** A write referred to a row that is gone: a user or a product deleted by a concurrent request. */
export class MissingReferenceError extends Error {
  override readonly name = 'MissingReferenceError';
}

/** A refused order as the API answers it (422 or 409, with the refusal's message and details). */
export const refusalError = (refusal: Refusal): AppError =>
  orderError(refusal.code, refusal.message, refusal.details);
