"use strict";
/*
 * The contract's "Rules of an order" (docs/api/openapi.yaml, POST /orders) as pure code: no I/O, no ORM, no clock. The per-order path and the group commit
 * both decide with these functions, so a batch of orders follows exactly the rules one order follows.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.unitsByProduct = unitsByProduct;
exports.decideOrder = decideOrder;
exports.decideInTurn = decideInTurn;
/** Units per product over all lines (repeated product lines are summed: stock is checked on the sum). */
function unitsByProduct(items) {
    const units = new Map();
    for (const item of items)
        units.set(item.productId, (units.get(item.productId) ?? 0) + item.quantity);
    return units;
}
/** Decides one order: refused whole (unknown user, unknown products, short stock) or priced line by line. */
function decideOrder(request, facts) {
    const userName = facts.users.get(request.userId);
    if (userName === undefined) {
        return refuse('UNKNOWN_USER', `user ${request.userId} does not exist`, [{ user_id: request.userId }]);
    }
    const requested = unitsByProduct(request.items);
    const unknown = [...requested.keys()].filter((id) => !facts.products.has(id));
    if (unknown.length > 0) {
        const noun = unknown.length > 1 ? 'products' : 'product';
        return refuse('UNKNOWN_PRODUCT', `unknown ${noun}: ${unknown.join(', ')}`, unknown.map((product_id) => ({ product_id })));
    }
    const shortages = [...requested]
        .map(([product_id, units]) => ({
        product_id,
        requested: units,
        available: facts.stock.get(product_id) ?? 0,
    }))
        .filter((line) => line.requested > line.available);
    if (shortages.length > 0)
        return refuse('INSUFFICIENT_STOCK', 'not enough stock for this order', shortages);
    const lines = request.items.map((item) => {
        const product = facts.products.get(item.productId);
        return {
            productId: item.productId,
            productName: product.name,
            quantity: item.quantity,
            unitPriceCents: product.priceCents,
        };
    });
    const totalCents = lines.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
    return {
        accepted: true,
        draft: { userId: request.userId, userName, totalCents, lines },
        stockTaken: requested,
    };
}
/**
 * Decides orders in turn against a running stock: each one sees what the ones before it took, so a short order
 * is refused alone and the others stand. The caller's stock map is not changed.
 */
function decideInTurn(requests, facts) {
    const stock = new Map(facts.stock);
    const taken = new Map();
    const decisions = requests.map((request) => {
        const decision = decideOrder(request, { ...facts, stock });
        if (decision.accepted) {
            for (const [productId, units] of decision.stockTaken) {
                stock.set(productId, (stock.get(productId) ?? 0) - units);
                taken.set(productId, (taken.get(productId) ?? 0) + units);
            }
        }
        return decision;
    });
    return { decisions, stockTaken: taken };
}
const refuse = (code, message, details) => ({
    accepted: false,
    refusal: { code, message, details },
});
//# sourceMappingURL=order-rules.js.map