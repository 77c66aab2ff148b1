import {
  decideInTurn,
  decideOrder,
  type OrderDecision,
  type OrderFacts,
  type OrderRequest,
} from './order-rules';

/** A shop with two users, three products and the given stock levels (product id → units). */
function shop(stock: Record<number, number>): OrderFacts {
  return {
    users: new Map([
      [1, 'Ada'],
      [2, 'Grace'],
    ]),
    products: new Map([
      [10, { id: 10, name: 'Pen', priceCents: 10 }],
      [20, { id: 20, name: 'Lamp', priceCents: 575 }],
      [30, { id: 30, name: 'Desk', priceCents: 199_999 }],
    ]),
    stock: new Map(Object.entries(stock).map(([id, units]) => [Number(id), units])),
  };
}

const order = (userId: number, ...lines: [productId: number, quantity: number][]): OrderRequest => ({
  userId,
  items: lines.map(([productId, quantity]) => ({ productId, quantity })),
});

function accepted(decision: OrderDecision) {
  if (!decision.accepted) throw new Error(`refused: ${decision.refusal.message}`);
  return decision;
}

function refused(decision: OrderDecision) {
  if (decision.accepted) throw new Error('accepted');
  return decision.refusal;
}

describe('decideOrder: pricing', () => {
  it('When 3 units at 0.10 are ordered, then the total is exactly 30 cents', () => {
    const decision = accepted(decideOrder(order(1, [10, 3]), shop({ 10: 5 })));
    expect(decision.draft.totalCents).toBe(30);
    expect(decision.draft.lines).toEqual([
      { productId: 10, productName: 'Pen', quantity: 3, unitPriceCents: 10 },
    ]);
  });

  it('When lines of several products are ordered, then the total is the sum of price × quantity in cents', () => {
    const decision = accepted(decideOrder(order(2, [20, 7], [10, 3]), shop({ 10: 5, 20: 7 })));
    expect(decision.draft).toEqual({
      userId: 2,
      userName: 'Grace',
      totalCents: 575 * 7 + 30,
      lines: [
        { productId: 20, productName: 'Lamp', quantity: 7, unitPriceCents: 575 },
        { productId: 10, productName: 'Pen', quantity: 3, unitPriceCents: 10 },
      ],
    });
  });

  it('When a large quantity of an expensive product is ordered, then the total stays exact', () => {
    const decision = accepted(decideOrder(order(1, [30, 999_999], [10, 1]), shop({ 30: 1_000_000, 10: 1 })));
    expect(decision.draft.totalCents).toBe(199_998_800_011);
  });
});

describe('decideOrder: stock per product', () => {
  it('When one product is ordered on two lines, then stock is checked on their sum and the lines stay apart', () => {
    const decision = accepted(decideOrder(order(1, [10, 2], [20, 1], [10, 3]), shop({ 10: 5, 20: 1 })));
    expect(decision.draft.lines.map((line) => [line.productId, line.quantity])).toEqual([
      [10, 2],
      [20, 1],
      [10, 3],
    ]);
    expect(decision.draft.totalCents).toBe(5 * 10 + 575);
    expect(decision.stockTaken).toEqual(
      new Map([
        [10, 5],
        [20, 1],
      ]),
    );
  });

  it('When each line fits but their sum does not, then the order is refused with the sum requested', () => {
    const refusal = refused(decideOrder(order(1, [10, 2], [10, 3]), shop({ 10: 4 })));
    expect(refusal).toEqual({
      code: 'INSUFFICIENT_STOCK',
      message: 'not enough stock for this order',
      details: [{ product_id: 10, requested: 5, available: 4 }],
    });
  });

  it('When several products are short, then every short product is listed and no other', () => {
    const refusal = refused(decideOrder(order(1, [30, 2], [20, 1], [10, 9]), shop({ 10: 8, 20: 1 })));
    expect(refusal.details).toEqual([
      { product_id: 30, requested: 2, available: 0 },
      { product_id: 10, requested: 9, available: 8 },
    ]);
  });
});

describe('decideOrder: refusals', () => {
  it('When the user does not exist, then the order is refused as UNKNOWN_USER even with unknown products', () => {
    expect(refused(decideOrder(order(7, [99, 1]), shop({})))).toEqual({
      code: 'UNKNOWN_USER',
      message: 'user 7 does not exist',
      details: [{ user_id: 7 }],
    });
  });

  it('When products are unknown, then each is listed once, in the order the request gives them', () => {
    const refusal = refused(decideOrder(order(1, [99, 1], [10, 1], [42, 2], [99, 3]), shop({ 10: 0 })));
    expect(refusal).toEqual({
      code: 'UNKNOWN_PRODUCT',
      message: 'unknown products: 99, 42',
      details: [{ product_id: 99 }, { product_id: 42 }],
    });
  });

  it('When one product is unknown, then the message names it in the singular', () => {
    expect(refused(decideOrder(order(1, [99, 1]), shop({}))).message).toBe('unknown product: 99');
  });
});

describe('decideInTurn', () => {
  it('When a short order sits between two others, then it alone is refused and the later one sees what is left', () => {
    const facts = shop({ 10: 5, 20: 2 });
    const { decisions, stockTaken } = decideInTurn(
      [order(1, [10, 3]), order(2, [10, 3], [20, 1]), order(2, [10, 2], [20, 2])],
      facts,
    );
    expect(decisions.map((decision) => decision.accepted)).toEqual([true, false, true]);
    expect(refused(decisions[1]!).details).toEqual([{ product_id: 10, requested: 3, available: 2 }]);
    expect(stockTaken).toEqual(
      new Map([
        [10, 5],
        [20, 2],
      ]),
    );
    expect(facts.stock).toEqual(
      new Map([
        [10, 5],
        [20, 2],
      ]),
    );
  });

  it('When orders are refused for any reason, then stockTaken sums the accepted orders only', () => {
    const { decisions, stockTaken } = decideInTurn(
      [order(9, [10, 1]), order(1, [10, 1], [77, 1]), order(1, [20, 4]), order(2, [10, 2], [10, 1])],
      shop({ 10: 10, 20: 3 }),
    );
    expect(decisions.map((decision) => decision.accepted || decision.refusal.code)).toEqual([
      'UNKNOWN_USER',
      'UNKNOWN_PRODUCT',
      'INSUFFICIENT_STOCK',
      true,
    ]);
    expect(stockTaken).toEqual(new Map([[10, 3]]));
  });

  it('When no order is given, then nothing is decided and nothing is taken', () => {
    expect(decideInTurn([], shop({ 10: 1 }))).toEqual({ decisions: [], stockTaken: new Map() });
  });
});
