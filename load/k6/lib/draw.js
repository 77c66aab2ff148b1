// Random draws of the k6 scenario scripts: which task, how long to think, what to order. `random` is passed in
// (Math.random in k6, a seeded source in the unit tests, which run this file under Node). Plain ES2017.

/** A task at random by weight. */
export function pickTask(tasks, random) {
  const total = tasks.reduce((sum, task) => sum + task.weight, 0);
  let point = random() * total;
  for (let i = 0; i < tasks.length; i++) {
    point -= tasks[i].weight;
    if (point < 0) return tasks[i];
  }
  return tasks[tasks.length - 1];
}

export const between = (range, random) => range.min + Math.floor(random() * (range.max - range.min + 1));

export function thinkSeconds(range, random) {
  return range.min + random() * (range.max - range.min);
}

function idPicker(source, createdIds, random) {
  if (source.range) {
    return { size: source.range.max - source.range.min + 1, pick: () => between(source.range, random) };
  }
  const ids = createdIds[source.created];
  return { size: ids.length, pick: () => ids[Math.floor(random() * ids.length)] };
}

/**
 * One order of the body spec: one line, plus `extraLines` more with their probability, each of a distinct product
 * (a basket names a product once) while the products allow. `createdIds`: { users: [...], products: [...] }.
 */
export function orderBody(spec, createdIds, random) {
  const products = idPicker(spec.product, createdIds, random);
  const extra = random() < spec.extraLines.probability ? between(spec.extraLines.lines, random) : 0;
  const lines = Math.min(1 + extra, products.size);
  const items = [];
  const seen = {};
  while (items.length < lines) {
    const productId = products.pick();
    if (seen[productId]) continue;
    seen[productId] = true;
    items.push({ product_id: productId, quantity: between(spec.quantity, random) });
  }
  return { user_id: idPicker(spec.user, createdIds, random).pick(), items: items };
}
