/** A source of uniform numbers in [0, 1) (Math.random in the bench; a seeded one in tests). */
export type Random = () => number;

export interface OrderBody {
  user_id: number;
  items: { product_id: number; quantity: number }[];
}

export interface MixSpace {
  productIds: readonly number[];
  userIds: readonly number[];
  maxLines: number;
  maxQuantity: number;
}

/** The lab's own mix: the four seeded products and three seeded users (every order meets the same stock rows). */
export const LAB_SPACE: MixSpace = {
  productIds: [1, 2, 3, 4],
  userIds: [1, 2, 3],
  maxLines: 3,
  maxQuantity: 5,
};

const integerFrom1 = (max: number, random: Random) => 1 + Math.floor(random() * max);

/**
 * One random order: 1..maxLines lines of distinct products (a real basket names a product once), each of quantity
 * 1..maxQuantity, from a uniformly chosen user. Distinct products by a partial Fisher–Yates shuffle.
 */
export function randomOrder(space: MixSpace, random: Random): OrderBody {
  const lineCount = Math.min(integerFrom1(space.maxLines, random), space.productIds.length);
  const pool = [...space.productIds];
  const items = Array.from({ length: lineCount }, (_, i) => {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    return { product_id: pool[i], quantity: integerFrom1(space.maxQuantity, random) };
  });
  const user = space.userIds[Math.floor(random() * space.userIds.length)]!;
  return { user_id: user, items };
}

/** A small seeded generator (mulberry32), so tests can draw many orders reproducibly. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
