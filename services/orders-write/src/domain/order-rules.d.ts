export interface OrderRequest {
    userId: number;
    items: {
        productId: number;
        quantity: number;
    }[];
}
export interface ProductFacts {
    id: number;
    name: string;
    priceCents: number;
}
/** What an order is decided against: read (and the stock rows locked) in the order's transaction. */
export interface OrderFacts {
    /** user id → name, for the users that exist. */
    users: ReadonlyMap<number, string>;
    products: ReadonlyMap<number, ProductFacts>;
    /** product id → units available now (for a batch: after the orders decided before this one). */
    stock: ReadonlyMap<number, number>;
}
export interface OrderLine {
    productId: number;
    productName: string;
    quantity: number;
    unitPriceCents: number;
}
/** A decided order, everything but the id the database gives it. */
export interface OrderDraft {
    userId: number;
    userName: string;
    totalCents: number;
    /** In the request's order; repeated product lines stay separate lines. */
    lines: OrderLine[];
}
export type RefusalCode = 'UNKNOWN_USER' | 'UNKNOWN_PRODUCT' | 'INSUFFICIENT_STOCK';
export interface Refusal {
    code: RefusalCode;
    message: string;
    details: Record<string, number>[];
}
export type OrderDecision = {
    accepted: true;
    draft: OrderDraft; /** product id → units taken */
    stockTaken: Map<number, number>;
} | {
    accepted: false;
    refusal: Refusal;
};
/** Units per product over all lines (repeated product lines are summed: stock is checked on the sum). */
export declare function unitsByProduct(items: {
    productId: number;
    quantity: number;
}[]): Map<number, number>;
/** Decides one order: refused whole (unknown user, unknown products, short stock) or priced line by line. */
export declare function decideOrder(request: OrderRequest, facts: OrderFacts): OrderDecision;
/**
 * Decides orders in turn against a running stock: each one sees what the ones before it took, so a short order
 * is refused alone and the others stand. The caller's stock map is not changed.
 */
export declare function decideInTurn(requests: OrderRequest[], facts: OrderFacts): {
    decisions: OrderDecision[];
    stockTaken: Map<number, number>;
};
