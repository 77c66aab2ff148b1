import { centsToDecimal, centsToNumber, hasAtMostTwoDecimals, toCents } from './money';

describe('money', () => {
  it('When decimals are parsed, then cents are exact', () => {
    expect(toCents('1999.99')).toBe(199999);
    expect(toCents('59.5')).toBe(5950);
    expect(toCents('0.10')).toBe(10);
    expect(toCents(5.75)).toBe(575);
    expect(toCents('238')).toBe(23800);
  });

  it('When cents are summed, then 0.10 × 3 is 0.30 and 5.75 × 7 is 40.25', () => {
    expect(centsToNumber(toCents('0.10') * 3)).toBe(0.3);
    expect(centsToNumber(toCents('5.75') * 7)).toBe(40.25);
    expect(centsToDecimal(toCents('5.75') * 7)).toBe('40.25');
    expect(centsToDecimal(5)).toBe('0.05');
  });

  it('When a number has more than two decimals, then it is refused', () => {
    expect(hasAtMostTwoDecimals(59.5)).toBe(true);
    expect(hasAtMostTwoDecimals(0.29)).toBe(true);
    expect(hasAtMostTwoDecimals(1.001)).toBe(false);
    expect(() => toCents('1.001')).toThrow(RangeError);
  });
});
