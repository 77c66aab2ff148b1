import { request } from 'node:http';
import { startStubGateway, type StubGateway } from './gateway-fixture';

/*
 * The contract's rule for bad input (docs/api/openapi.yaml) holds at the gateway too: a JSON 4xx in the error shape, never a 5xx and never
 * nginx's HTML page. nginx answers some malformed paths itself, before any upstream (a NUL byte, dot segments
 * above the root once %2f is decoded): those once reached a named error location with no URI and came back as
 * an HTML 500. Paths are sent byte for byte (node:http, not fetch, which would resolve the dot segments first).
 * Ports from this test's own range (23xxx).
 */
let gateway: StubGateway;

beforeAll(async () => {
  gateway = await startStubGateway(
    { gateway: 23080, status: 23081, ordersWrite: 23101, reportsRead: 23201 },
    // Hundreds of writes in a row: the write limit would answer most of them (a JSON 429) and hide the rest.
    { GATEWAY_WRITE_RATE: '100000r/s', GATEWAY_WRITE_BURST: '100000' },
  );
}, 300_000);

afterAll(() => gateway?.stop());

const ROUTE_PREFIXES = [
  '/users/',
  '/products/',
  '/stocks/',
  '/stocks/reports/',
  '/orders/',
  '/orders/reports/',
  '/metrics/',
  '/',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** What nginx itself refuses on every prefix: a NUL byte, and dot segments (plain, encoded, with encoded slashes)
 * that climb above the root. Four levels are more than any prefix is deep. */
const REFUSED_BY_THE_GATEWAY = [
  '%00',
  '1%00',
  '%00/1',
  '..%2f..%2f..%2f..%2fetc',
  '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
  '../../../../etc',
  '%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc',
  '.%2e/.%2e/.%2e/.%2e/etc',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc',
];

/** The rest of the corpus: the gateway may pass these on (the stubs answer 200) or refuse them, never fail. */
const OTHER_BAD_SEGMENTS = [
  '%2f',
  '1%2f2',
  '..%2fetc',
  '%5c..%5c..%5cetc',
  '..',
  './1',
  '%',
  '%zz',
  '%ff',
  '%c0%ae%c0%ae/etc',
  '-1',
  '0',
  '99999999999999999999',
  '1.5',
  '1;drop',
  '%20',
  '%0d%0aX-Injected:%201',
];

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

function send(method: string, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${gateway.url}${path}`, { method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body }),
      );
    });
    req.once('error', reject);
    req.end();
  });
}

const parse = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return `not JSON: ${body.slice(0, 80)}`;
  }
};

describe('Malformed paths through the gateway (the repository nginx.conf)', () => {
  test.each(ROUTE_PREFIXES)(
    'When a NUL byte, encoded slashes or dot segments above the root follow %s, then the gateway answers 400 JSON and no upstream sees it',
    async (prefix) => {
      gateway.reached.splice(0);
      const answers = [];
      for (const method of METHODS)
        for (const segment of REFUSED_BY_THE_GATEWAY) {
          const answer = await send(method, `${prefix}${segment}`);
          answers.push({
            request: `${method} ${prefix}${segment}`,
            status: answer.status,
            body: parse(answer.body),
          });
        }

      const expected = answers.map(({ request }) => ({
        request,
        status: 400,
        body: { error: 'bad request', code: 'VALIDATION_FAILED' },
      }));
      expect(answers).toEqual(expected);
      expect(gateway.reached).toEqual([]);
    },
  );

  test.each(ROUTE_PREFIXES)(
    'When the bad-input corpus follows %s, then no answer is a 5xx and every answer is JSON, errors in the API shape',
    async (prefix) => {
      const wrong = [];
      for (const method of METHODS)
        for (const segment of [...REFUSED_BY_THE_GATEWAY, ...OTHER_BAD_SEGMENTS]) {
          const answer = await send(method, `${prefix}${segment}`);
          const body = parse(answer.body);
          const errorShaped =
            typeof body === 'object' &&
            body !== null &&
            typeof (body as { error?: unknown }).error === 'string' &&
            typeof (body as { code?: unknown }).code === 'string';
          const fine =
            answer.status < 500 &&
            answer.contentType.startsWith('application/json') &&
            typeof body === 'object' &&
            (answer.status < 400 || errorShaped);
          if (!fine) wrong.push({ request: `${method} ${prefix}${segment}`, status: answer.status, body });
        }

      expect(wrong).toEqual([]);
    },
  );
});
