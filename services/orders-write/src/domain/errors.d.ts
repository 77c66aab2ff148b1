import { type AppError } from '@store/service-kit/errors';
import type { Refusal } from './order-rules';
/** orders-write's own error codes (docs/api/openapi.yaml) and their status; the codes every service shares are service-kit's. */
export declare const ORDER_ERROR_STATUS: {
    readonly EMAIL_TAKEN: 409;
    readonly INSUFFICIENT_STOCK: 409;
    readonly PRODUCT_IN_USE: 409;
    readonly IDEMPOTENCY_KEY_REUSED: 422;
    readonly UNKNOWN_USER: 422;
    readonly UNKNOWN_PRODUCT: 422;
};
export declare const orderError: (code: "EMAIL_TAKEN" | "INSUFFICIENT_STOCK" | "PRODUCT_IN_USE" | "IDEMPOTENCY_KEY_REUSED" | "UNKNOWN_USER" | "UNKNOWN_PRODUCT", message: string, details?: unknown[], options?: {
    cause?: unknown;
}) => AppError;
/** The users.email unique key already holds this address. */
export declare class EmailTakenError extends Error {
    readonly name = "EmailTakenError";
}
/** The idempotency key was stored by a concurrent request that committed first. */
export declare class IdempotencyKeyTakenError extends Error {
    readonly name = "IdempotencyKeyTakenError";
}
/** A product cannot be deleted: order items refer to it. */
export declare class ProductInUseError extends Error {
    readonly name = "ProductInUseError";
}
/** A write referred to a row that is gone: a user or a product deleted by a concurrent request. */
export declare class MissingReferenceError extends Error {
    readonly name = "MissingReferenceError";
}
/** A refused order as the API answers it (422 or 409, with the refusal's message and details). */
export declare const refusalError: (refusal: Refusal) => AppError;
