import { describe, expect, it } from 'vitest';
import { Scrollback } from '../../runner/server/scrollback.ts';

describe('Scrollback ring buffer', () => {
  it('keeps everything until full, oldest first', () => {
    const s = new Scrollback(10);
    s.push('abc');
    s.push(Buffer.from('def'));
    expect(s.text()).toBe('abcdef');
    expect(s.size).toBe(6);
  });

  it('keeps only the most recent bytes when it wraps, at any chunking', () => {
    const s = new Scrollback(10);
    s.push('0123456');
    s.push('789ab');
    expect(s.text()).toBe('23456789ab');
    s.push('cd');
    expect(s.text()).toBe('456789abcd');
    expect(s.size).toBe(10);
  });

  it('a chunk larger than the capacity leaves its tail', () => {
    const s = new Scrollback(4);
    s.push('xy');
    s.push('0123456789');
    expect(s.text()).toBe('6789');
  });

  it('matches a naive model over many random writes (memory stays at capacity)', () => {
    const cap = 97;
    const s = new Scrollback(cap);
    let model = '';
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2000; i++) {
      const chunk = String.fromCharCode(...Array.from({ length: Math.floor(rand() * 150) }, () => 97 + Math.floor(rand() * 26)));
      s.push(chunk);
      model = (model + chunk).slice(-cap);
      expect(s.text()).toBe(model);
      expect(s.size).toBeLessThanOrEqual(cap);
    }
  });

  it('drops a multi-byte character cut in half by the wrap instead of showing garbage', () => {
    const s = new Scrollback(4);
    s.push('aé€'); // 1 + 2 + 3 bytes: the ring keeps the last 4, starting with the second byte of 'é'
    expect(s.text()).toBe('€');
    s.clear();
    expect(s.text()).toBe('');
  });
});
