import type { OrderBody } from '../scenarios/schema';

/** What set-up created through the API, by id source name. */
export interface Created {
  users: number[];
  products: number[];
}

export type Random = () => number;

type IdSource = OrderBody['user'];

/** An integer in [min, max], both included. */
export const between = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1));

function idPicker(source: IdSource, created: Created, random: Random): () => number {
  if ('range' in source) return () => between(random, source.range.min, source.range.max);
  const ids = created[source.created];
  if (ids.length === 0)
    throw new Error(`the scenario orders from created ${source.created}, but set-up created none`);
  return () => ids[Math.floor(random() * ids.length)]!;
}

/**
 * The order bodies of a task, as JSON text: a user, one line, and with `extraLines.probability` a few more lines
 * (the lab's 30 % of orders with 1–2 extra lines). Extra lines may name a product twice, as the lab's did.
 */
export function orderBodies(spec: OrderBody, created: Created, random: Random): () => string {
  const user = idPicker(spec.user, created, random);
  const product = idPicker(spec.product, created, random);
  const quantity = () => between(random, spec.quantity.min, spec.quantity.max);
  return () => {
    const items = [{ product_id: product(), quantity: quantity() }];
    if (random() < spec.extraLines.probability) {
      const extra = between(random, spec.extraLines.lines.min, spec.extraLines.lines.max);
      for (let line = 0; line < extra; line++) items.push({ product_id: product(), quantity: quantity() });
    }
    return JSON.stringify({ user_id: user(), items });
  };
}

/** Picks an index by relative weight. */
export function weightedPicker(weights: readonly number[], random: Random): () => number {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((weight, index) => (cumulative[index] = total += weight));
  return () => {
    const point = random() * total;
    for (let index = 0; index < cumulative.length - 1; index++) if (point < cumulative[index]!) return index;
    return cumulative.length - 1;
  };
}
