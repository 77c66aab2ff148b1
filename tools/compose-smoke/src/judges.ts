import { describe, type Answer } from './answer';

/*
 * What each API must answer for the stack to be working, judged from one recorded answer. Pure: the unit tests
 * feed them recorded answers of the real APIs (src/fixtures/), the smoke run feeds them live ones.
 */
export type Verdict = { ok: true; detail: string } | { ok: false; detail: string };

const pass = (detail: string): Verdict => ({ ok: true, detail });
const fail = (detail: string): Verdict => ({ ok: false, detail });
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** POST /orders through the gateway: 201 with an order id. */
export function judgeOrder(answer: Answer): Verdict {
  const orderId = isObject(answer.json) ? answer.json.order_id : undefined;
  if (answer.status !== 201 || typeof orderId !== 'number')
    return fail(`expected 201 with an order_id, got ${describe(answer)}`);
  return pass(`order ${orderId}`);
}

/** A report through the gateway: 200 and a JSON array. */
export function judgeReport(answer: Answer): Verdict {
  if (answer.status !== 200 || !Array.isArray(answer.json))
    return fail(`expected 200 with a JSON array, got ${describe(answer)}`);
  return pass(`${answer.json.length} rows`);
}

/** The GraphQL stock query: data.product with a quantity, and no errors. */
export function judgeStockQuery(answer: Answer): Verdict {
  const json = isObject(answer.json) ? answer.json : {};
  const product = isObject(json.data) ? json.data.product : undefined;
  const errors = Array.isArray(json.errors) ? json.errors : [];
  if (answer.status !== 200 || !isObject(product) || typeof product.quantity !== 'number' || errors.length)
    return fail(`expected 200 with data.product.quantity and no errors, got ${describe(answer)}`);
  return pass(`product ${String(product.id)}: ${product.quantity} in stock`);
}

/**
 * Jaeger v2's GET /api/v3/traces/<id>: OTLP JSON under `result`; every service in `services` must have sent at
 * least one span of the trace (service.name of a resourceSpans entry).
 */
export function judgeTrace(answer: Answer, services: readonly string[]): Verdict {
  const result = isObject(answer.json) && isObject(answer.json.result) ? answer.json.result : undefined;
  if (answer.status !== 200 || !result) return fail(`expected 200 with a trace, got ${describe(answer)}`);
  const resourceSpans = Array.isArray(result.resourceSpans) ? (result.resourceSpans as unknown[]) : [];
  const seen = new Map<string, number>();
  for (const entry of resourceSpans) {
    if (!isObject(entry)) continue;
    const name = serviceName(entry.resource);
    const spans = (Array.isArray(entry.scopeSpans) ? entry.scopeSpans : []).reduce<number>(
      (sum, scope) => sum + (isObject(scope) && Array.isArray(scope.spans) ? scope.spans.length : 0),
      0,
    );
    if (name) seen.set(name, (seen.get(name) ?? 0) + spans);
  }
  const missing = services.filter((service) => !seen.get(service));
  const found = [...seen].map(([name, spans]) => `${name} (${spans} spans)`).join(', ') || 'no spans';
  return missing.length
    ? fail(`the trace has no span of ${missing.join(', ')}; it has ${found}`)
    : pass(found);
}

function serviceName(resource: unknown): string | undefined {
  const attributes = isObject(resource) && Array.isArray(resource.attributes) ? resource.attributes : [];
  for (const attribute of attributes as unknown[]) {
    if (isObject(attribute) && attribute.key === 'service.name' && isObject(attribute.value))
      return typeof attribute.value.stringValue === 'string' ? attribute.value.stringValue : undefined;
  }
  return undefined;
}

/** Prometheus's GET /api/v1/targets?state=active: at least one target, and every one up. */
export function judgeTargets(answer: Answer): Verdict {
  const data = isObject(answer.json) && isObject(answer.json.data) ? answer.json.data : undefined;
  const targets = data && Array.isArray(data.activeTargets) ? (data.activeTargets as unknown[]) : undefined;
  if (answer.status !== 200 || !targets?.length)
    return fail(`expected 200 with active targets, got ${describe(answer)}`);
  const down = targets.filter(isObject).filter((target) => target.health !== 'up');
  if (down.length === 0) return pass(`${targets.length} targets up`);
  const named = down.map((target) => {
    const labels = isObject(target.labels) ? target.labels : {};
    const error = typeof target.lastError === 'string' && target.lastError ? `: ${target.lastError}` : '';
    return `${String(labels.job)} ${String(labels.instance)} ${String(target.health)}${error}`;
  });
  return fail(`${down.length} of ${targets.length} targets not up: ${named.join('; ')}`);
}

/** Grafana's GET /api/search: the provisioned dashboard (by uid) is listed. */
export function judgeDashboard(answer: Answer, uid: string): Verdict {
  if (answer.status !== 200 || !Array.isArray(answer.json))
    return fail(`expected 200 with a list of dashboards, got ${describe(answer)}`);
  const hit = (answer.json as unknown[]).filter(isObject).find((item) => item.uid === uid);
  if (!hit) {
    const titles = (answer.json as unknown[]).filter(isObject).map((item) => String(item.title));
    return fail(`no dashboard with uid ${uid}; listed: ${titles.join(', ') || 'none'}`);
  }
  const folder = typeof hit.folderTitle === 'string' ? hit.folderTitle : 'General';
  return pass(`"${String(hit.title)}" in folder "${folder}"`);
}

/** RabbitMQ's GET /api/queues/<vhost>: every queue named in `names` exists. */
export function judgeQueues(answer: Answer, names: readonly string[]): Verdict {
  if (answer.status !== 200 || !Array.isArray(answer.json))
    return fail(`expected 200 with a list of queues, got ${describe(answer)}`);
  const queues = (answer.json as unknown[]).filter(isObject);
  const missing = names.filter((name) => !queues.some((queue) => queue.name === name));
  if (missing.length) {
    const listed = queues.map((queue) => String(queue.name)).join(', ') || 'none';
    return fail(`missing queue ${missing.join(', ')}; listed: ${listed}`);
  }
  const shown = names.map((name) => {
    const queue = queues.find((q) => q.name === name)!;
    const messages = typeof queue.messages === 'number' ? queue.messages : 0;
    return `${name} (${String(queue.type)}, ${messages} messages)`;
  });
  return pass(shown.join(', '));
}
