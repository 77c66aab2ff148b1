import { Registry, createLogger } from '@store/observability';
import { SECURITY_HEADERS, createHttpApp, finishHttpApp, listen, type RunningServer } from '../src';

describe('security headers', () => {
  let server: RunningServer;

  beforeAll(async () => {
    const logger = createLogger('security-headers-test', { level: 'silent' });
    const app = createHttpApp({ service: 'test', logger, metrics: new Registry(), readiness: {} });
    app.get('/things', (_req, res) => {
      res.json([{ id: 1 }]);
    });
    app.get('/broken', () => {
      throw new Error('SELECT secret FROM somewhere');
    });
    finishHttpApp(app, logger);
    server = await listen(app, 0);
  });
  afterAll(() => server.close());

  // Every row has its three values: Jest takes a test function with more parameters than values for a done-callback.
  const requests: Array<[string, string, RequestInit]> = [
    ['a route', '/things', {}],
    ['an unknown route (404)', '/nowhere', {}],
    ['a failing route (500)', '/broken', {}],
    ['/metrics', '/metrics', {}],
    ['a health route', '/health/live', {}],
    [
      'a body that is not JSON (415)',
      '/things',
      { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } },
    ],
    [
      'malformed JSON (400)',
      '/things',
      { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } },
    ],
  ];

  test.each(requests)(
    'When %s is answered, then it has the security headers and no X-Powered-By',
    async (_what, path, init) => {
      const response = await fetch(`${server.url}${path}`, init);

      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect(response.headers.get(name)).toBe(value);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    },
  );
});
