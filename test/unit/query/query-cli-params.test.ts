/**
 * `provml query q5|q6 --param …`: the argument syntax (exact values coerced to numbers and
 * booleans, ranges `a..b`, bounds `>=` `>` `<=` `<`) and its errors.
 */
import { describe, expect, it } from 'vitest';
import { parseParameters } from '../../../src/cli/query-command.js';

describe('provml query --param', () => {
  it('coerces numeric text to numbers (so epochs=100 matches a captured 100) and true/false to booleans', () => {
    expect(parseParameters(['epochs=100', 'lr=1e-3', 'share=.25', 'offset=-2.5', 'plus=+3', 'flag=true', 'off=false', 'name=abc', 'path=../data', 'empty='])).toEqual({
      epochs: 100,
      lr: 0.001,
      share: 0.25,
      offset: -2.5,
      plus: 3,
      flag: true,
      off: false,
      name: 'abc',
      path: '../data',
      empty: '',
    });
  });

  it('reads ranges: a..b (both included), a.. and ..b (one side open)', () => {
    expect(parseParameters(['lr=0.001..0.01', 'epochs=10..', 'tile=..64', 'neg=-5..-1'])).toEqual({
      lr: { min: 0.001, max: 0.01 },
      epochs: { min: 10 },
      tile: { max: 64 },
      neg: { min: -5, max: -1 },
    });
  });

  it('reads bounds >= > <= < and combines several bounds of one name', () => {
    expect(parseParameters(['epochs>=10', 'lr>0.001', 'lr<=0.01', 'share<0.5'])).toEqual({
      epochs: { min: 10 },
      lr: { gt: 0.001, max: 0.01 },
      share: { lt: 0.5 },
    });
  });

  it('names the offending argument', () => {
    const fails = (args: string[]) => {
      try {
        parseParameters(args);
      } catch (err) {
        expect((err as Error).name).toBe('InputError');
        return (err as Error).message;
      }
      throw new Error(`no error for ${JSON.stringify(args)}`);
    };
    expect(fails(['firstInline'])).toBe('--param expects name=value, got "firstInline" (forms: name=value, name=a..b, name>=a, name>a, name<=b or name<b)');
    expect(fails(['=5'])).toMatch(/^--param expects name=value, got "=5"/);
    expect(fails(['x=..'])).toBe('--param x=..: a range needs at least one bound, e.g. x=1..10, x=1.. or x=..10');
    expect(fails(['x>=abc'])).toBe('--param x>=abc: >= needs a number, got "abc"');
    expect(fails(['x=5..1'])).toBe('--param: parameter "x": empty range (5 > 1)');
    expect(fails(['x>=1', 'x=2..3'])).toBe('--param x=2..3: x already has a min bound');
    expect(fails(['x=1', 'x>=2'])).toBe('--param x>=2: x is given twice (an exact value and another condition)');
    expect(fails(['x>1', 'x>=1'])).toBe('--param: parameter "x": give min or gt, not both');
  });
});
