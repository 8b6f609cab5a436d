import { describe, expect, it } from 'vitest';
import { StringStream } from '@codemirror/language';
import { keepalivedParser, isKeepalivedConfig } from '../../docs/.vitepress/theme/lab/keepalived-language.ts';

/** Tokenize a document line by line, as CodeMirror does, into [text, style] pairs (whitespace dropped). */
function tokens(doc: string): [string, string | null][] {
  const state = keepalivedParser.startState!(2);
  const out: [string, string | null][] = [];
  for (const line of doc.split('\n')) {
    const stream = new StringStream(line, 4, 2);
    while (!stream.eol()) {
      const style = keepalivedParser.token(stream, state);
      const text = stream.current();
      if (stream.pos === stream.start) throw new Error(`parser did not advance at "${line}"`);
      stream.start = stream.pos;
      if (text.trim()) out.push([text, style]);
    }
  }
  return out;
}

describe('keepalived syntax colouring', () => {
  it('colours blocks, directives, values, addresses and comments', () => {
    const conf = [
      '! Configuration File for keepalived',
      'vrrp_instance VI_1 {',
      '    state MASTER   # the master',
      '    interface eth0',
      '    priority 100',
      '    authentication {',
      '        auth_type PASS',
      '        auth_pass "s3cret"',
      '    }',
      '    virtual_ipaddress {',
      '        10.88.1.100/24 dev eth0',
      '    }',
      '    notify_master /etc/keepalived/notify.sh',
      '}',
    ].join('\n');
    expect(tokens(conf)).toEqual([
      ['! Configuration File for keepalived', 'comment'],
      ['vrrp_instance', 'keyword'],
      ['VI_1', 'variableName.definition'],
      ['{', 'brace'],
      ['state', 'propertyName'],
      ['MASTER', 'atom'],
      ['# the master', 'comment'],
      ['interface', 'propertyName'],
      ['eth0', null],
      ['priority', 'propertyName'],
      ['100', 'number'],
      ['authentication', 'keyword'],
      ['{', 'brace'],
      ['auth_type', 'propertyName'],
      ['PASS', 'atom'],
      ['auth_pass', 'propertyName'],
      ['"s3cret"', 'string'],
      ['}', 'brace'],
      ['virtual_ipaddress', 'keyword'],
      ['{', 'brace'],
      ['10.88.1.100/24', 'number'],
      ['dev', null],
      ['eth0', null],
      ['}', 'brace'],
      ['notify_master', 'propertyName'],
      ['/etc/keepalived/notify.sh', 'string'],
      ['}', 'brace'],
    ]);
  });

  it('leaves a misspelt directive plain, so it stands out', () => {
    expect(tokens('  virtual_ipadress {')).toEqual([
      ['virtual_ipadress', null],
      ['{', 'brace'],
    ]);
    expect(tokens('  priorty 100')[0]).toEqual(['priorty', null]);
  });

  it('uses the keepalived language for .conf files only', () => {
    expect(isKeepalivedConfig('/etc/keepalived/keepalived.conf')).toBe(true);
    expect(isKeepalivedConfig('/etc/keepalived/notify.sh')).toBe(false);
  });
});
