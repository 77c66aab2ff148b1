import { startStubGateway, type StubGateway } from './gateway-fixture';

/*
 * The repository's nginx.conf in front of stub upstreams that write down what reached them (gateway-fixture.ts):
 * so "never exposed" is checked where it matters, at the upstream, for every spelling of an internal path.
 * Ports from this test's own range (24xxx).
 */
let gateway: StubGateway;
let GATEWAY: string;
let reached: string[];

beforeAll(async () => {
  gateway = await startStubGateway(
    { gateway: 24080, status: 24081, ordersWrite: 24101, reportsRead: 24201 },
    {
      GATEWAY_WRITE_RATE: '1r/m', // the second write within a minute is refused
      GATEWAY_WRITE_BURST: '1',
    },
  );
  GATEWAY = gateway.url;
  reached = gateway.reached;
}, 300_000);

afterAll(() => gateway?.stop());

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

describe('Gateway hardening (the repository nginx.conf)', () => {
  test.each([
    ['GET', '/metrics'],
    ['GET', '/METRICS'],
    ['GET', '/metrics/'],
    ['GET', '/%6Detrics'],
    ['GET', '//metrics'],
    ['GET', '/products/../metrics'],
    ['GET', '/orders/reports/%2e%2e/%2e%2e/metrics'],
    ['GET', '/metrics?format=json'],
    ['GET', '/admin/reconcile'],
    ['POST', '/admin/rebuild'],
    ['GET', '/Admin'],
    ['GET', '/health/ready'],
    ['GET', '/health/live'],
  ])(
    'When %s %s comes through the gateway, then it answers 404 and no upstream sees it',
    async (method, path) => {
      reached.splice(0);

      const response = await fetch(`${GATEWAY}${path}`, { method });

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not found', code: 'NOT_FOUND' });
      expect(reached).toEqual([]);
    },
  );

  test('When a normal path comes through, then it reaches its upstream (the stubs do see what is routed)', async () => {
    reached.splice(0);

    const response = await fetch(`${GATEWAY}/products/1`);

    expect(response.status).toBe(200);
    expect(reached).toEqual(['GET /products/1']);
  });

  test.each([
    ['a proxied answer', '/products/1', 200],
    ['a proxied report', '/orders/reports/best-sellers', 200],
    ["the gateway's own 404", '/metrics', 404],
    ["the gateway's own health check", '/health-check', 200],
  ])(
    'When %s is returned, then it carries each security header exactly once and no X-Powered-By',
    async (_what, path, status) => {
      const response = await fetch(`${GATEWAY}${path}`);

      expect(response.status).toBe(status);
      expect(
        Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, response.headers.get(name)])),
      ).toEqual(
        SECURITY_HEADERS, // a header sent twice would read "nosniff, nosniff"
      );
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('server')).toBe('nginx'); // no version
    },
  );

  test('When writes are rate limited, then the 429 carries the security headers too', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(await fetch(`${GATEWAY}/orders`, { method: 'POST', body: '{}' }));

    const refused = answers.find((response) => response.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(refused?.headers.get('x-content-type-options')).toBe('nosniff');
    expect(refused?.headers.get('content-security-policy')).toBe(SECURITY_HEADERS['content-security-policy']);
  });
});
