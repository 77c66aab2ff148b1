import type { Message } from 'amqplib';
import { storeEventSchema } from '@store/contracts';
import { jsonMessageParser, PoisonMessageError, poisonReason } from './poison';

const raw = (text: string) => ({ content: Buffer.from(text, 'utf8') }) as Message;
const parse = jsonMessageParser(storeEventSchema);

const validEvent = {
  event_id: '0b7f1b53-5a8e-4d0a-9a57-3f4f0f2b9c11',
  type: 'OrderCreated',
  version: 1,
  sequence: 1,
  occurred_at: '2025-01-01T00:00:00.000Z',
  data: {
    order_id: 1,
    user_id: 2,
    user_name: 'Ada',
    total_cents: 500,
    items: [{ product_id: 3, product_name: 'Pen', quantity: 1, unit_price_cents: 500 }],
  },
};

describe('jsonMessageParser', () => {
  test('When the body is a valid event, then it returns the parsed event', () => {
    expect(parse(raw(JSON.stringify(validEvent)))).toEqual(validEvent);
  });

  test('When the body is not JSON, then it throws a PoisonMessageError saying so', () => {
    expect(() => parse(raw('{not json'))).toThrow(PoisonMessageError);
    expect(() => parse(raw('{not json'))).toThrow(/^not JSON: /);
  });

  test('When the body fails the schema, then the reason names the offending field', () => {
    const invalid = { ...validEvent, data: { ...validEvent.data, total_cents: -1 } };
    expect(() => parse(raw(JSON.stringify(invalid)))).toThrow(/^invalid message: data\.total_cents: /);
  });
});

describe('poisonReason', () => {
  test('When the error message is long or multi-line, then the reason is one bounded line', () => {
    const reason = poisonReason(new Error(`first\nsecond ${'x'.repeat(1_000)}`));
    expect(reason.startsWith('first second x')).toBe(true);
    expect(reason).toHaveLength(500);
  });

  test('When something other than an Error is thrown, then it is still described', () => {
    expect(poisonReason('bad')).toBe('bad');
  });
});
