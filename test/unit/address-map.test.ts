import { describe, expect, it } from 'vitest';
import { addressMap } from '../../runner/lab/address-map.ts';

describe('addressMap', () => {
  const map = addressMap('10.88.1.0/24', '10.88.201.0/24');

  it('maps whole address tokens of the canonical /24, keeping prefixes and ports', () => {
    const text = 'virtual_ipaddress {\n  10.88.1.100/24 dev eth0\n}\nunicast_peer { 10.88.1.12 }\ncurl http://10.88.1.100:80/\n';
    expect(map.apply(text)).toEqual({
      text: 'virtual_ipaddress {\n  10.88.201.100/24 dev eth0\n}\nunicast_peer { 10.88.201.12 }\ncurl http://10.88.201.100:80/\n',
      replaced: 3,
    });
    expect(map.apply('network 10.88.1.0/24, gateway 10.88.1.1.').text).toBe('network 10.88.201.0/24, gateway 10.88.201.1.');
  });

  it('leaves numbers that only contain a canonical address, and other subnets, alone', () => {
    for (const text of ['110.88.1.1', '10.88.1.100.5', '10.88.1.256', '10.88.10.100', '210.88.1.12', 'v10.88.1.1x']) {
      const out = map.apply(text);
      if (text === 'v10.88.1.1x') expect(out.text).toBe('v10.88.201.1x');
      else expect(out, text).toEqual({ text, replaced: 0 });
    }
  });

  it('is the identity on the canonical subnet itself', () => {
    expect(addressMap('10.88.1.0/24', '10.88.1.0/24').apply('10.88.1.100')).toEqual({ text: '10.88.1.100', replaced: 0 });
  });
});
