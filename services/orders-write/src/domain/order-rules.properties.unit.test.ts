import fc from 'fast-check';
import {
  decideInTurn,
  decideOrder,
  type OrderDecision,
  type OrderFacts,
  type OrderRequest,
} from './order-rules';

/*
 * Random shops and batches, biased so that most orders could be accepted and compete for a few units: users 1–3
 * and products 1–6 exist (user 4 and product 7 do not), some products have no stock row, lines repeat products.
 */
const CATALOGUE = [1, 2, 3, 4, 5, 6];

const factsArbitrary: fc.Arbitrary<OrderFacts> = fc
  .record({
    prices: fc.array(fc.integer({ min: 0, max: 10_000_000 }), {
      minLength: CATALOGUE.length,
      maxLength: CATALOGUE.length,
    }),
    levels: fc.array(fc.option(fc.integer({ min: 0, max: 30 }), { freq: 5 }), {
      minLength: CATALOGUE.length,
      maxLength: CATALOGUE.length,
    }),
  })
  .map(({ prices, levels }) => ({
    users: new Map([1, 2, 3].map((id) => [id, `user ${id}`])),
    products: new Map(
      CATALOGUE.map((id, index) => [id, { id, name: `product ${id}`, priceCents: prices[index]! }]),
    ),
    stock: new Map(
      CATALOGUE.flatMap((id, index) => {
        const level = levels[index];
        return level === null || level === undefined ? [] : [[id, level] as const];
      }),
    ),
  }));

const requestArbitrary: fc.Arbitrary<OrderRequest> = fc.record({
  userId: fc.integer({ min: 1, max: 4 }),
  items: fc.array(
    fc.record({ productId: fc.integer({ min: 1, max: 7 }), quantity: fc.integer({ min: 1, max: 8 }) }),
    { minLength: 1, maxLength: 4 },
  ),
});

const batchArbitrary = fc.array(requestArbitrary, { maxLength: 12 });

const taken = (decision: OrderDecision): Map<number, number> =>
  decision.accepted ? decision.stockTaken : new Map();

describe('decideInTurn, for any shop and batch', () => {
  it('When a batch is decided, then no product loses more units than it had', () => {
    fc.assert(
      fc.property(factsArbitrary, batchArbitrary, (facts, requests) => {
        const { decisions, stockTaken } = decideInTurn(requests, facts);
        const summed = new Map<number, number>();
        for (const [id, units] of decisions.flatMap((decision) => [...taken(decision)])) {
          summed.set(id, (summed.get(id) ?? 0) + units);
        }
        expect(stockTaken).toEqual(summed);
        for (const [id, units] of stockTaken) expect(units).toBeLessThanOrEqual(facts.stock.get(id) ?? 0);
      }),
    );
  });

  it('When an order is accepted, then its total is Σ price × quantity over its lines, which are the request`s', () => {
    fc.assert(
      fc.property(factsArbitrary, batchArbitrary, (facts, requests) => {
        const { decisions } = decideInTurn(requests, facts);
        decisions.forEach((decision, index) => {
          if (!decision.accepted) return;
          const request = requests[index]!;
          const expected = request.items.reduce(
            (sum, item) => sum + facts.products.get(item.productId)!.priceCents * item.quantity,
            0,
          );
          expect(decision.draft.totalCents).toBe(expected);
          expect(Number.isSafeInteger(decision.draft.totalCents)).toBe(true);
          expect(decision.draft.userId).toBe(request.userId);
          expect(decision.draft.lines.map(({ productId, quantity }) => ({ productId, quantity }))).toEqual(
            request.items,
          );
        });
      }),
    );
  });

  it('When a batch is decided, then every order gets exactly one decision, accepted or refused with a reason', () => {
    fc.assert(
      fc.property(factsArbitrary, batchArbitrary, (facts, requests) => {
        const { decisions } = decideInTurn(requests, facts);
        expect(decisions).toHaveLength(requests.length);
        for (const decision of decisions) {
          if (decision.accepted) continue;
          expect(['UNKNOWN_USER', 'UNKNOWN_PRODUCT', 'INSUFFICIENT_STOCK']).toContain(decision.refusal.code);
          expect(decision.refusal.details.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('When the orders are decided one by one on what the earlier ones left, then the decisions are the same', () => {
    fc.assert(
      fc.property(factsArbitrary, batchArbitrary, (facts, requests) => {
        const stockBefore = new Map(facts.stock);
        let stock = new Map(facts.stock);
        const oneByOne = requests.map((request) => {
          const decision = decideOrder(request, { ...facts, stock });
          stock = new Map(stock);
          for (const [id, units] of taken(decision)) stock.set(id, (stock.get(id) ?? 0) - units);
          return decision;
        });
        expect(decideInTurn(requests, facts).decisions).toEqual(oneByOne);
        expect(facts.stock).toEqual(stockBefore);
      }),
    );
  });
});
