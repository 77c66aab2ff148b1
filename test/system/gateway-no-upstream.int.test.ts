import { startStubGateway, type StubGateway } from './gateway-fixture';

/*
 * No replica answering (all down or restarting) is, to a client, the API's 503 UNAVAILABLE: nginx's own 502 is
 * dressed as one. Ports from this test's own range (22xxx); nothing listens on the upstream ports.
 */
let gateway: StubGateway;

beforeAll(async () => {
  gateway = await startStubGateway(
    { gateway: 22080, status: 22081, ordersWrite: 22101, reportsRead: 22201 },
    {},
    { upstreams: false },
  );
}, 300_000);

afterAll(() => gateway?.stop());

describe('The gateway with no replica answering', () => {
  test.each(['/products/1', '/orders/reports/best-sellers'])(
    'When %s is requested, then the answer is 503 UNAVAILABLE in the API error shape',
    async (path) => {
      const response = await fetch(`${gateway.url}${path}`);

      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toEqual({ error: 'no upstream answered', code: 'UNAVAILABLE' });
    },
  );
});
