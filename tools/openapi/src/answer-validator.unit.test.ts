import { answerValidator, type Answer } from './answer-validator';
import { loadDocument } from './document';

const document = loadDocument();
const json = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r-1' };
const order = {
  order_id: 7,
  user_id: 1,
  total_amount: 119,
  items: [{ product_id: 2, quantity: 2, unit_price: 59.5 }],
  created_at: '2026-12-06T01:00:00.000Z',
};
const reportHeaders = {
  ...json,
  'x-cache': 'MISS',
  age: '0',
  'cache-control': 'max-age=60',
  'x-report-source': 'projection',
};

describe('answerValidator', () => {
  const validator = answerValidator(document);
  const check = (answer: Partial<Answer> & Pick<Answer, 'url' | 'status' | 'body'>) =>
    validator.problems({ method: 'GET', headers: json, ...answer });

  it('When an answer matches its operation, then it has no problem', () => {
    expect(check({ url: '/orders/7', status: 200, body: order })).toEqual([]);
    expect(
      check({ url: '/orders/reports/best-sellers?limit=3', status: 200, headers: reportHeaders, body: [] }),
    ).toEqual([]);
  });

  it('When a body field is missing or has the wrong type, then the problem names it', () => {
    const withoutDate: Record<string, unknown> = { ...order };
    delete withoutDate.created_at;
    expect(check({ url: '/orders/7', status: 200, body: withoutDate })).toEqual([
      "getOrder 200: body (root) must have required property 'created_at'",
    ]);
    expect(check({ url: '/orders/7', status: 200, body: { ...order, total_amount: '119.00' } })).toEqual([
      'getOrder 200: body /total_amount must be number',
    ]);
  });

  it('When an answer has a field the document does not list, then that is a problem', () => {
    expect(
      check({ url: '/users/1', status: 200, body: { id: 1, name: 'A', email: 'a@example.com', age: 3 } }),
    ).toEqual(['getUser 200: body (root) must NOT have additional properties']);
  });

  it('When an error answer carries another code than its status allows, then that is a problem', () => {
    const problems = check({ url: '/users/1', status: 404, body: { error: 'gone', code: 'INVALID_ID' } });
    expect(problems.join('\n')).toContain('getUser 404: body /code must be equal to constant');
  });

  it('When the status is not documented, then that is a problem', () => {
    expect(check({ url: '/users/1', status: 418, body: {} })).toEqual(['getUser 418: status not documented']);
  });

  it('When a required header is missing or a header has a value outside its schema, then that is a problem', () => {
    const withoutCache: Record<string, string> = { ...reportHeaders };
    delete withoutCache['x-cache'];
    expect(
      check({ url: '/orders/reports/best-sellers', status: 200, headers: withoutCache, body: [] }),
    ).toEqual(['getBestSellers 200: header X-Cache missing']);
    const stale = { ...reportHeaders, 'x-data-as-of': 'yesterday' };
    expect(check({ url: '/orders/reports/best-sellers', status: 200, headers: stale, body: [] })).toEqual([
      'getBestSellers 200: header X-Data-As-Of: "yesterday" (root) must match format "date-time"',
    ]);
  });

  it('When the body is not JSON where the document says JSON, then that is a problem', () => {
    expect(check({ url: '/orders/7', status: 200, headers: { 'x-request-id': 'r' }, body: 'ok' })).toEqual([
      'getOrder 200: content-type (none), not JSON',
    ]);
  });

  it('When a path has no operation, then that is a problem; a literal path wins over a template', () => {
    expect(check({ url: '/carts/1', status: 200, body: {} })).toEqual([
      'GET /carts/1: no such operation in the document',
    ]);
    expect(check({ url: '/stocks/reports/overview-stocks', status: 200, body: [] })).toEqual([]);
    expect(validator.checked).toContain('getStockOverview 200');
  });

  it('When every documented response is checked, then each schema and header resolves', () => {
    const fresh = answerValidator(document);
    for (const { method, path, operation } of fresh.operations) {
      for (const status of Object.keys(operation.responses)) {
        const url = path.replace(/\{[^}]+\}/g, '1');
        expect(() =>
          fresh.problems({ method, url, status: Number(status), headers: json, body: null }),
        ).not.toThrow();
      }
    }
  });
});
