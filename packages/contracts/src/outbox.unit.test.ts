import { outboxRowToEvent, type OutboxRow } from './outbox';

const data = {
  order_id: 11,
  user_id: 3,
  user_name: 'Alan Turing',
  total_cents: 11_900,
  items: [{ product_id: 2, product_name: 'Keyboard DEF', quantity: 2, unit_price_cents: 5_950 }],
};

const row = (overrides: Partial<OutboxRow> = {}): OutboxRow => ({
  sequence: '42',
  event_id: '0b8f2c1e-4a3d-4c55-9f1e-2b7d6a9c8e01',
  type: 'OrderCreated',
  version: 1,
  payload: JSON.stringify(data),
  traceparent: null,
  created_at: '2026-11-27 13:00:00.250',
  ...overrides,
});

describe('outbox row → event', () => {
  test('When the row comes as text (MariaDB JSON, MikroORM dateStrings), then the event is the published envelope', () => {
    expect(outboxRowToEvent(row())).toEqual({
      ok: true,
      event: {
        event_id: '0b8f2c1e-4a3d-4c55-9f1e-2b7d6a9c8e01',
        type: 'OrderCreated',
        version: 1,
        sequence: 42,
        occurred_at: '2026-11-27T13:00:00.250Z',
        data,
      },
    });
  });

  test('When the driver gives a Date, a parsed payload and a traceparent, then the same event carries the traceparent', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const result = outboxRowToEvent(
      row({
        sequence: 42,
        payload: data,
        traceparent,
        created_at: new Date('2026-11-27T13:00:00.250Z'),
      }),
    );
    expect(result).toMatchObject({
      ok: true,
      event: { sequence: 42, occurred_at: '2026-11-27T13:00:00.250Z', traceparent, data },
    });
  });

  test('When traceparent is empty, then the event has none', () => {
    const result = outboxRowToEvent(row({ traceparent: '' }));
    expect(result.ok && 'traceparent' in result.event).toBe(false);
  });

  test.each([
    ['an unknown type', { type: 'OrderShipped' }, /type/],
    ['a payload that is not JSON', { payload: '{nope' }, /payload is not JSON/],
    ['a payload without items', { payload: JSON.stringify({ ...data, items: [] }) }, /data\.items/],
    ['an event_id that is not a uuid', { event_id: 'nope' }, /event_id/],
    ['another version', { version: 2 }, /version/],
    ['a created_at that is no DATETIME', { created_at: 'yesterday' }, /created_at/],
  ])('When the row has %s, then it is not an event and the reason names the field', (_what, bad, reason) => {
    const result = outboxRowToEvent(row(bad));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});
