"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.refusalError = exports.MissingReferenceError = exports.ProductInUseError = exports.IdempotencyKeyTakenError = exports.EmailTakenError = exports.orderError = exports.ORDER_ERROR_STATUS = void 0;
const errors_1 = require("@store/service-kit/errors");
/** orders-write's own error codes (docs/api/openapi.yaml) and their status; the codes every service shares are service-kit's. */
exports.ORDER_ERROR_STATUS = {
    EMAIL_TAKEN: 409,
    INSUFFICIENT_STOCK: 409,
    PRODUCT_IN_USE: 409,
    IDEMPOTENCY_KEY_REUSED: 422,
    UNKNOWN_USER: 422,
    UNKNOWN_PRODUCT: 422,
};
exports.orderError = (0, errors_1.serviceErrors)(exports.ORDER_ERROR_STATUS);
/*
 * What the stores report in the domain's words. data-access catches the driver's exceptions (MikroORM, mysql2)
 * and throws these instead, so use cases decide what a constraint hit means without knowing the driver.
 */
/** The users.email unique key already holds this address. */
class EmailTakenError extends Error {
    name = 'EmailTakenError';
}
exports.EmailTakenError = EmailTakenError;
/** The idempotency key was stored by a concurrent request that committed first. */
class IdempotencyKeyTakenError extends Error {
    name = 'IdempotencyKeyTakenError';
}
exports.IdempotencyKeyTakenError = IdempotencyKeyTakenError;
/** A product cannot be deleted: order items refer to it. */
class ProductInUseError extends Error {
    name = 'ProductInUseError';
}
exports.ProductInUseError = ProductInUseError;
/** A write referred to a row that is gone: a user or a product deleted by a concurrent request. */
class MissingReferenceError extends Error {
    name = 'MissingReferenceError';
}
exports.MissingReferenceError = MissingReferenceError;
/** A refused order as the API answers it (422 or 409, with the refusal's message and details). */
const refusalError = (refusal) => (0, exports.orderError)(refusal.code, refusal.message, refusal.details);
exports.refusalError = refusalError;
//# sourceMappingURL=errors.js.map