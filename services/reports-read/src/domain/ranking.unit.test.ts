import { rankTop, renderReport } from './ranking';

const member = (id: number, score: number, name = `m${id}`) => ({ id, name, score });

describe('rankTop', () => {
  test('When scores differ, then the highest come first and only `limit` are kept', () => {
    const ranked = rankTop([member(1, 5), member(2, 50), member(3, 20)], 2);
    expect(ranked.map((m) => m.id)).toEqual([2, 3]);
  });

  test('When scores tie, then ids are ascending numerically, not as Redis orders strings ("10" < "9")', () => {
    const ranked = rankTop([member(10, 7), member(9, 7), member(100, 7), member(2, 8)], 10);
    expect(ranked.map((m) => m.id)).toEqual([2, 9, 10, 100]);
  });

  test('When a tie straddles the limit, then the smaller ids win the last places', () => {
    const ranked = rankTop([member(30, 9), member(12, 5), member(4, 5), member(21, 5)], 3);
    expect(ranked.map((m) => m.id)).toEqual([30, 4, 12]);
  });

  test('When a member scores 0 or less (all its orders deleted), then it is not listed', () => {
    const ranked = rankTop([member(1, 0), member(2, -3), member(3, 1)], 10);
    expect(ranked.map((m) => m.id)).toEqual([3]);
  });

  test('When there are no candidates, then the ranking is empty', () => {
    expect(rankTop([], 10)).toEqual([]);
  });
});

describe('renderReport', () => {
  test('When rendering highest spenders, then cents become a number with at most 2 decimals', () => {
    const body = renderReport('highest-spenders', [member(1, 199999, 'Ada'), member(2, 23800, 'Alan')]);
    expect(body).toBe(
      '[{"user_id":1,"name":"Ada","total_expense":1999.99},{"user_id":2,"name":"Alan","total_expense":238}]',
    );
  });

  test('When cents are awkward for binary floats, then the printed value is still exact', () => {
    const body = renderReport('highest-spenders', [
      member(1, 10, 'a'),
      member(2, 29, 'b'),
      member(3, 123456789012, 'c'),
    ]);
    expect(JSON.parse(body)).toEqual([
      { user_id: 1, name: 'a', total_expense: 0.1 },
      { user_id: 2, name: 'b', total_expense: 0.29 },
      { user_id: 3, name: 'c', total_expense: 1234567890.12 },
    ]);
    expect(body).toContain('1234567890.12');
  });

  test('When rendering best sellers, then units are listed as quantity_sold', () => {
    expect(renderReport('best-sellers', [member(4, 12, 'Screen')])).toBe(
      '[{"product_id":4,"name":"Screen","quantity_sold":12}]',
    );
  });
});
