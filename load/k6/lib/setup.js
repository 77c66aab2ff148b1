// Set-up and teardown of the k6 scenario scripts, through the gateway: restock what the scenario orders, create the
// users and products its orders name, and (freshness only) delete them again afterwards.
import http from 'k6/http';
import { sleep } from 'k6';
import { hasFreshness } from './plan.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const MAX_ATTEMPTS = 60;
// One probe order must lift its (fresh) buyer to the top of highest-spenders whatever else the run writes: more
// than twice the report's top at set-up, at least $1,000,000 (the same rule as load/src/runner/freshness-probe.ts).
// The freshness teardown deletes the probes afterwards. Other created products are cheap.
const MIN_PROBE_CENTS = 100000000;
const HEADROOM_CENTS = 10000000;
const MAX_UNIT_CENTS = 9999999999; // products.price is DECIMAL(10,2)
const CHEAP_PRICE = 10;

/** A set-up write; 429 (the gateway's write limit) is waited out, anything else unexpected stops the run. */
function write(baseUrl, method, path, body, expected) {
  const params = { headers: JSON_HEADERS, tags: { name: 'setup', phase: 'setup' } };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const response = http.request(method, baseUrl + path, body ? JSON.stringify(body) : null, params);
    if (response.status === expected) return response;
    if (response.status !== 429) {
      throw new Error(
        'set-up: ' + method + ' ' + path + ' answered ' + response.status + ': ' + response.body,
      );
    }
    sleep(Number(response.headers['Retry-After']) || 1);
  }
  throw new Error(
    'set-up: ' + method + ' ' + path + ' still rate-limited after ' + MAX_ATTEMPTS + ' attempts',
  );
}

function probePrice(scenario, baseUrl) {
  const probe = scenario.tasks.filter((task) => task.kind === 'freshness')[0];
  const answer = http.get(baseUrl + probe.reportPath, { tags: { name: 'setup', phase: 'setup' } });
  if (answer.status !== 200) throw new Error('set-up: ' + probe.reportPath + ' answered ' + answer.status);
  const rows = answer.json();
  const top = rows.length > 0 ? Math.round(rows[0].total_expense * 100) : 0;
  const cents = Math.max(MIN_PROBE_CENTS, 2 * top + HEADROOM_CENTS);
  if (cents > MAX_UNIT_CENTS) {
    throw new Error(
      'set-up: the top spender (' + top / 100 + ') is too far ahead for a freshness probe to overtake',
    );
  }
  return cents / 100;
}

export function runSetup(scenario, baseUrl) {
  const run = Date.now().toString(36) + '-' + Math.floor(Math.random() * 1e6).toString(36);
  const setup = scenario.setup;
  if (setup.restock) {
    setup.restock.productIds.forEach((id) => {
      write(baseUrl, 'POST', '/stocks', { product_id: id, quantity: setup.restock.quantity }, 201);
    });
  }
  const users = [];
  for (let i = 1; i <= setup.createUsers; i++) {
    const user = { name: 'k6 ' + scenario.name + ' ' + i, email: 'k6-' + run + '-' + i + '@example.test' };
    users.push(write(baseUrl, 'POST', '/users', user, 201).json('user_id'));
  }
  const price = hasFreshness(scenario) ? probePrice(scenario, baseUrl) : CHEAP_PRICE;
  const products = [];
  for (let i = 1; i <= setup.createProducts; i++) {
    const product = { name: 'k6 ' + scenario.name + ' ' + i, sku: 'K6-' + run + '-' + i, price: price };
    const id = write(baseUrl, 'POST', '/products', product, 201).json('product_id');
    if (setup.createdStock > 0) {
      write(baseUrl, 'POST', '/stocks', { product_id: id, quantity: setup.createdStock }, 201);
    }
    products.push(id);
  }
  return { users: users, products: products, run: run };
}

/**
 * Freshness probes are deleted (their orders go with them, and OrderDeleted takes them out of the projection), so
 * the probes of later runs can reach the top of the report. Other scenarios' rows stay: they are ordinary data.
 */
export function runTeardown(scenario, baseUrl, data) {
  if (!hasFreshness(scenario) || !data) return;
  const remove = (path) => {
    try {
      write(baseUrl, 'DELETE', path, null, 200);
    } catch (error) {
      console.warn('teardown: ' + error.message);
    }
  };
  data.users.forEach((id) => remove('/users/' + id));
  data.products.forEach((id) => remove('/products/' + id));
}
