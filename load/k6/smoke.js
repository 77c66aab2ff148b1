// Smoke test of the whole stack through the gateway: a few orders and report reads for a short while, checked.
//   compose:  docker-compose --profile load run --rm k6      (K6_SCRIPT=smoke.js, BASE_URL=http://nginx:8080)
//   local:    K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=load/results/k6-smoke-dashboard.html \
//             k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/smoke.js   (live charts on http://127.0.0.1:5665)
// Plain ES2017 and k6 built-ins only (no remote imports), so it runs offline. The summary is JSON, written to
// SUMMARY_PATH when set, else to stdout.
import http from 'k6/http';
import { check, sleep } from 'k6';

const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const JSON_HEADERS = { headers: { 'Content-Type': 'application/json' } };

export const options = {
  // Few users and short pauses: well under the gateway's write rate limit, so 429s mean something is wrong.
  vus: Number(__ENV.VUS || 3),
  duration: __ENV.DURATION || '30s',
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500'],
    checks: ['rate>0.99'],
  },
};

function post(path, body) {
  return http.post(`${BASE_URL}${path}`, JSON.stringify(body), JSON_HEADERS);
}

function created(response, what) {
  if (response.status !== 201) {
    throw new Error(`setup: ${what} answered ${response.status}: ${response.body}`);
  }
  return response.json();
}

/** One user and one product with ample stock, owned by this run (unique email and sku). */
export function setup() {
  const run = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const user = created(post('/users', { name: 'k6 smoke', email: `k6-${run}@example.test` }), 'POST /users');
  const product = created(
    post('/products', { name: `k6 smoke ${run}`, sku: `K6-${run}`, price: 9.99 }),
    'POST /products',
  );
  created(post('/stocks', { product_id: product.product_id, quantity: 1000000 }), 'POST /stocks');
  return { userId: user.user_id, productId: product.product_id };
}

function isJsonArray(response) {
  const type = response.headers['Content-Type'] || '';
  return type.indexOf('application/json') === 0 && Array.isArray(response.json());
}

export default function smoke(data) {
  const order = post('/orders', {
    user_id: data.userId,
    items: [{ product_id: data.productId, quantity: 1 }],
  });
  check(order, {
    'POST /orders is 201': (r) => r.status === 201,
    'POST /orders returns an order_id': (r) => r.status === 201 && Number.isInteger(r.json('order_id')),
  });

  for (const report of ['highest-spenders', 'best-sellers']) {
    const response = http.get(`${BASE_URL}/orders/reports/${report}`, { tags: { name: report } });
    check(response, {
      [`GET ${report} is 200`]: (r) => r.status === 200,
      [`GET ${report} is a JSON array`]: isJsonArray,
    });
  }
  sleep(0.2);
}

export function handleSummary(data) {
  return { [__ENV.SUMMARY_PATH || 'stdout']: `${JSON.stringify(data, null, 2)}\n` };
}
