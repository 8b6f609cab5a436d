import { describe, expect, it } from 'vitest';
import { freeSubnets, parseCidr, poolSubnets } from '../../runner/engine/subnet-pool.ts';

describe('subnet pool', () => {
  it('cuts a pool into /24s', () => {
    expect(poolSubnets('10.89.0.0/22')).toEqual(['10.89.0.0/24', '10.89.1.0/24', '10.89.2.0/24', '10.89.3.0/24']);
    expect(poolSubnets('10.89.0.0/16')).toHaveLength(256);
  });

  it('skips every /24 that an engine network overlaps, and the reserved ones', () => {
    const free = freeSubnets('10.89.0.0/22', ['10.89.1.0/24', '10.89.2.128/25', '172.17.0.0/16'], ['10.89.0.0/24']);
    expect(free).toEqual(['10.89.3.0/24']);
    expect(freeSubnets('10.88.0.0/23', ['10.0.0.0/8'])).toEqual([]);
  });

  it('refuses a pool that is not a range of /24s, saying what to give', () => {
    expect(() => parseCidr('10.89.0.0/25')).toThrowError(/not a subnet pool kalab can use: give an IPv4 range of \/24s such as 10\.89\.0\.0\/16/);
    expect(() => parseCidr('nonsense')).toThrowError(/not a subnet pool/);
    expect(() => parseCidr('300.1.1.0/24')).toThrowError(/not a subnet pool/);
  });
});
