/**
 * The lab page with a classroom learner's own addresses (docs/.vitepress/theme/lab/page-addresses.ts):
 * the pure run mapping, and the walker over a small tree of plain objects shaped like the DOM nodes
 * it reads (element name, class attribute, child nodes, a text node's value).
 */
import { describe, expect, it } from 'vitest';
import { addressMap } from '../../runner/lab/address-map.ts';
import { mapTextRun, ownAddressText, PageAddresses, pageAddressMap, textRuns, type PageNode } from '../../docs/.vitepress/theme/lab/page-addresses.ts';

interface FakeText extends PageNode {
  nodeType: 3;
}

function text(value: string): FakeText {
  return { nodeType: 3, nodeName: '#text', nodeValue: value, childNodes: [] };
}

function el(name: string, attrs: Record<string, string>, ...children: PageNode[]): PageNode {
  return { nodeType: 1, nodeName: name.toUpperCase(), nodeValue: null, childNodes: children, getAttribute: (a) => attrs[a] ?? null };
}

/** The text of a tree, as textContent reads it. */
function textContent(node: PageNode): string {
  return node.nodeType === 3 ? (node.nodeValue ?? '') : Array.from(node.childNodes).map(textContent).join('');
}

const canonical = '10.88.1.0/24';
const own = '10.89.3.0/24';
const map = addressMap(canonical, own);

/** A shape of basic-vip's page: prose, a highlighted config block (one address split over spans), a command block, and the widget. */
function labPage() {
  const prose = el('p', {}, text('The VIP is '), el('code', {}, text('10.88.1.100')), text(', lb1 is 10.88.1.11.'));
  const config = el(
    'div',
    { class: 'language-keepalived vp-adaptive-theme', 'data-node': 'lb1' },
    el('pre', {}, el('code', {}, el('span', { class: 'line' }, text('        10.88'), el('span', {}, text('.1.100')), text('/24 dev eth0')), text('\n'), el('span', { class: 'line' }, text('unicast_peer { 10.88.1.12 }')))),
  );
  const command = el('div', { 'data-node': 'client' }, el('pre', {}, el('code', {}, el('span', {}, text('curl -s http://10.88.1.100/')))), el('button', { class: 'kalab-run-button' }, text('▶ run on client')));
  const widget = el('div', { class: 'kalab-workbench', 'data-lab': 'basic-vip' }, el('span', {}, text('running · VIP 10.89.3.100')));
  const other = el('p', {}, text('Other labs: 10.88.10.0/24, 110.88.1.1, 10.88.1.100.5'));
  const root = el('div', { class: 'vp-doc' }, prose, config, command, widget, other);
  return { root, prose, config, command, widget, other };
}

describe('pageAddressMap and ownAddressText', () => {
  it('maps only when the copy is on a subnet other than the canonical one', () => {
    expect(pageAddressMap({ subnet: canonical, canonicalSubnet: canonical })).toBeNull();
    expect(pageAddressMap({ subnet: '', canonicalSubnet: canonical })).toBeNull();
    expect(pageAddressMap({ subnet: own, canonicalSubnet: '' })).toBeNull();
    expect(pageAddressMap({ subnet: own, canonicalSubnet: canonical })?.to).toBe('10.89.3');
  });

  it('gives a step command the learner\'s addresses, and leaves it alone in single-learner mode', () => {
    expect(ownAddressText({ subnet: own, canonicalSubnet: canonical }, 'curl http://10.88.1.100/')).toBe('curl http://10.89.3.100/');
    expect(ownAddressText({ subnet: canonical, canonicalSubnet: canonical }, 'curl http://10.88.1.100/')).toBe('curl http://10.88.1.100/');
  });
});

describe('mapTextRun', () => {
  it('maps an address split over several text nodes, the new prefix where the address starts', () => {
    expect(mapTextRun(['  10.88', '.1.100', '/24 dev eth0'], map)).toEqual({ texts: ['  10.89.3', '.100', '/24 dev eth0'], replaced: 1 });
    expect(mapTextRun(['10', '.', '88', '.', '1', '.', '11'], map)).toEqual({ texts: ['10.89.3', '', '', '', '', '.', '11'], replaced: 1 });
  });

  it('maps token by token as address-map.ts does: whole addresses of the canonical /24 only', () => {
    const texts = ['lb1 10.88.1.11, ', 'not 110.88.1.1 nor 10.88.10.5 nor 10.88.1.100.5; ', 'net 10.88.1.0/24'];
    const out = mapTextRun(texts, map);
    expect(out.texts.join('')).toBe(map.apply(texts.join('')).text);
    expect(out).toEqual({ texts: ['lb1 10.89.3.11, ', 'not 110.88.1.1 nor 10.88.10.5 nor 10.88.1.100.5; ', 'net 10.89.3.0/24'], replaced: 2 });
  });

  it('keeps every node as it is when nothing maps, and is idempotent on mapped text', () => {
    expect(mapTextRun(['no address here'], map)).toEqual({ texts: ['no address here'], replaced: 0 });
    const once = mapTextRun(['10.88.1.100 and 10.88.1.12'], map).texts;
    expect(mapTextRun(once, map)).toEqual({ texts: once, replaced: 0 });
  });

  it('handles a learner subnet whose prefix looks like the canonical one (10.88.1 → 10.88.10)', () => {
    const near = addressMap(canonical, '10.88.10.0/24');
    const once = mapTextRun(['10.88', '.1.100 10.88.1.1'], near);
    expect(once).toEqual({ texts: ['10.88.10', '.100 10.88.10.1'], replaced: 2 });
    expect(mapTextRun(once.texts, near).replaced).toBe(0);
  });
});

describe('textRuns', () => {
  it('groups inline text into runs, ends a run at a block, and skips the lab widget', () => {
    const { root } = labPage();
    const runs = textRuns(root).map((run) => run.map((n) => n.nodeValue).join(''));
    expect(runs).toEqual([
      'The VIP is 10.88.1.100, lb1 is 10.88.1.11.',
      '        10.88.1.100/24 dev eth0\nunicast_peer { 10.88.1.12 }',
      'curl -s http://10.88.1.100/',
      '▶ run on client',
      'Other labs: 10.88.10.0/24, 110.88.1.1, 10.88.1.100.5',
    ]);
  });
});

describe('PageAddresses', () => {
  it("shows the learner's addresses in prose, code blocks and commands, never in the widget", () => {
    const page = labPage();
    const addresses = new PageAddresses(page.root);
    expect(addresses.show(map)).toBe(5);
    expect(textContent(page.prose)).toBe('The VIP is 10.89.3.100, lb1 is 10.89.3.11.');
    expect(textContent(page.config)).toBe('        10.89.3.100/24 dev eth0\nunicast_peer { 10.89.3.12 }');
    // What a "run on client" click sends: the block's code text (page-commands.ts blockCommand).
    expect(textContent(page.command.childNodes[0]!)).toBe('curl -s http://10.89.3.100/');
    expect(textContent(page.widget)).toBe('running · VIP 10.89.3.100');
    expect(textContent(page.other)).toBe('Other labs: 10.88.10.0/24, 110.88.1.1, 10.88.1.100.5');
  });

  it('maps from the tutorial\'s text every time: a second lab.state does not map twice, another subnet replaces the first', () => {
    const page = labPage();
    const addresses = new PageAddresses(page.root);
    addresses.show(map);
    const once = textContent(page.root);
    addresses.show(map);
    expect(textContent(page.root)).toBe(once);
    addresses.show(addressMap(canonical, '10.89.7.0/24'));
    expect(textContent(page.prose)).toBe('The VIP is 10.89.7.100, lb1 is 10.89.7.11.');
    expect(textContent(page.config)).toContain('10.89.7.100/24 dev eth0');
  });

  it('restores the tutorial\'s text (leaving the page; showing no map does too)', () => {
    const page = labPage();
    const before = textContent(page.root);
    const addresses = new PageAddresses(page.root);
    addresses.show(map);
    expect(textContent(page.root)).not.toBe(before);
    addresses.restore();
    expect(textContent(page.root)).toBe(before);
    addresses.show(map);
    addresses.show(null);
    expect(textContent(page.root)).toBe(before);
    // A new walker on a page that was restored starts from the tutorial's text again.
    expect(new PageAddresses(page.root).show(map)).toBe(5);
  });
});
