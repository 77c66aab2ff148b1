import { LAB_SPACE, randomOrder, seededRandom, type MixSpace } from './order-mix';

const uniformSpace: MixSpace = {
  productIds: Array.from({ length: 1000 }, (_, i) => 5001 + i),
  userIds: Array.from({ length: 100 }, (_, i) => 901 + i),
  maxLines: 3,
  maxQuantity: 5,
};

describe('order mixes', () => {
  it.each([
    ['uniform', uniformSpace],
    ['lab', LAB_SPACE],
  ])('When many %s orders are drawn, then every one stays within the ranges', (_mix, space) => {
    const random = seededRandom(42);
    for (let n = 0; n < 5000; n++) {
      const order = randomOrder(space, random);
      expect(space.userIds).toContain(order.user_id);
      expect(order.items.length).toBeGreaterThanOrEqual(1);
      expect(order.items.length).toBeLessThanOrEqual(3);
      const products = order.items.map((item) => item.product_id);
      expect(new Set(products).size).toBe(products.length);
      for (const item of order.items) {
        expect(space.productIds).toContain(item.product_id);
        expect(item.quantity).toBeGreaterThanOrEqual(1);
        expect(item.quantity).toBeLessThanOrEqual(5);
      }
    }
  });

  it('When many lab orders are drawn, then every line count, quantity, product and user occurs', () => {
    const random = seededRandom(7);
    const orders = Array.from({ length: 2000 }, () => randomOrder(LAB_SPACE, random));
    const lines = orders.flatMap((order) => order.items);
    expect(new Set(orders.map((order) => order.items.length))).toEqual(new Set([1, 2, 3]));
    expect(new Set(lines.map((line) => line.quantity))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(new Set(lines.map((line) => line.product_id))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(orders.map((order) => order.user_id))).toEqual(new Set([1, 2, 3]));
  });

  it('When the random source returns its extremes, then the order still stays within the ranges', () => {
    const almostOne = () => 0.999999;
    const order = randomOrder(LAB_SPACE, almostOne);
    expect(order.items).toHaveLength(3);
    expect(order.user_id).toBe(3);
    expect(order.items.every((item) => item.quantity === 5)).toBe(true);
    expect(randomOrder(LAB_SPACE, () => 0)).toEqual({ user_id: 1, items: [{ product_id: 1, quantity: 1 }] });
  });
});
