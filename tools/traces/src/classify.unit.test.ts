import { classify, compareStages, operationOf, sqlKind } from './classify';
import type { Span } from './span';

const span = (overrides: Partial<Span>): Span => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  name: 'span',
  kind: 'internal',
  service: 'orders-write',
  startMs: 0,
  endMs: 1,
  attributes: {},
  ...overrides,
});

describe('stage classification', () => {
  test.each([
    ['select `p0`.* from `products` as `p0`', 'select'],
    ['  INSERT INTO orders VALUES (?)', 'insert'],
    ['start transaction', 'begin'],
    ['begin', 'begin'],
    ['commit', 'commit'],
    [
      'START TRANSACTION; SELECT id, name FROM users WHERE id IN (?); SELECT … FOR UPDATE',
      'batch read + locks',
    ],
    [
      'INSERT INTO orders VALUES (?); INSERT INTO order_items VALUES (LAST_INSERT_ID(), ?); UPDATE stocks …; COMMIT',
      'batch write + commit',
    ],
  ])('When the statement is "%s", then the SQL kind is %s', (statement, kind) => {
    expect(sqlKind(span({ attributes: { 'db.statement': statement } }))).toBe(kind);
  });

  test('When the statement is missing, then the span name gives the SQL kind', () => {
    expect(
      classify(span({ name: 'UPDATE', kind: 'client', attributes: { 'db.system.name': 'mysql' } })),
    ).toBe('SQL update');
  });

  test.each<[string, Partial<Span>, string | undefined]>([
    [
      'a new-convention SQL span',
      { attributes: { 'db.system.name': 'mariadb', 'db.query.text': 'delete from x' } },
      'SQL delete',
    ],
    ['an ioredis call', { kind: 'client', attributes: { 'db.system': 'redis' } }, 'Redis'],
    ['a validation span', { name: 'validate order' }, 'validation'],
    ['the report computation', { name: 'compute report' }, 'report compute'],
    ['the outbox wait', { name: 'outbox wait' }, 'outbox wait'],
    ['the relay publish', { name: 'outbox publish' }, 'publish and confirm'],
    [
      'an amqplib producer',
      { kind: 'producer', attributes: { 'messaging.system': 'rabbitmq' } },
      'publish and confirm',
    ],
    [
      'an amqplib consumer',
      { kind: 'consumer', attributes: { 'messaging.system': 'rabbitmq' } },
      'projector apply',
    ],
    ['an HTTP server span', { kind: 'server', name: 'GET /orders/:id' }, 'HTTP handler'],
    ["express's route span", { name: 'request handler - /orders' }, undefined],
  ])('When the span is %s, then its stage is %s', (_what, overrides, stage) => {
    expect(classify(span(overrides))).toBe(stage);
  });

  test('When a server span has old or new HTTP attributes, then the operation is method and route', () => {
    const old = span({
      kind: 'server',
      attributes: { 'http.method': 'get', 'http.route': '/orders/reports/best-sellers' },
    });
    const current = span({
      kind: 'server',
      attributes: { 'http.request.method': 'POST', 'url.path': '/orders' },
    });
    const target = span({ kind: 'server', attributes: { 'http.method': 'GET', 'http.target': '/a?b=1' } });

    expect([operationOf(old), operationOf(current), operationOf(target)]).toEqual([
      'GET /orders/reports/best-sellers',
      'POST /orders',
      'GET /a',
    ]);
    expect(
      operationOf(span({ kind: 'client', attributes: { 'http.method': 'GET', 'http.route': '/x' } })),
    ).toBeUndefined();
  });

  test('When stages are sorted, then they follow the request: gateway first, SQL kinds before commit, untraced last', () => {
    const sorted = [
      'untraced',
      'SQL commit',
      'SQL replace',
      'Redis',
      'gateway',
      'SQL select',
      'queue wait',
    ].sort(compareStages);

    expect(sorted).toEqual([
      'gateway',
      'SQL select',
      'SQL replace',
      'SQL commit',
      'Redis',
      'queue wait',
      'untraced',
    ]);
  });
});
