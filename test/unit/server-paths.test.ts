import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../runner/lab/registry.ts';
import { editablePath, requireEditable, requireNode, requireRunnerAction, requireStep, welcomeFor } from '../../runner/server/lab-rules.ts';
import { contentTypeFor, resolveSiteFile, siteCandidates } from '../../runner/server/static-site.ts';

const lab = loadLab('basic-vip').definition;

describe('editor paths', () => {
  it.each([
    ['/etc/keepalived/keepalived.conf', '/etc/keepalived/keepalived.conf'],
    ['/etc/keepalived//notify.sh', '/etc/keepalived/notify.sh'],
    ['/etc/keepalived/./scripts/check_nginx.sh', '/etc/keepalived/scripts/check_nginx.sh'],
  ])('accepts %s as %s', (raw, normalised) => {
    expect(editablePath(raw)).toBe(normalised);
  });

  it.each([
    ['a parent reference', '/etc/keepalived/../shadow', /contains "\.\."/],
    ['a parent reference that stays inside', '/etc/keepalived/x/../keepalived.conf', /contains "\.\."/],
    ['another folder', '/etc/nginx/nginx.conf', /not a file under \/etc\/keepalived\//],
    ['a look-alike folder', '/etc/keepalived2/x.conf', /not a file under/],
    ['the folder itself', '/etc/keepalived/', /not a file under/],
    ['a relative path', 'keepalived.conf', /not a file under/],
    ['a NUL byte', '/etc/keepalived/a\0b', /NUL/],
    ['shell characters', "/etc/keepalived/a';reboot;'", /characters the editor does not accept/],
    ['a space', '/etc/keepalived/my file', /characters/],
  ])('refuses %s', (_what, raw, message) => {
    expect(() => editablePath(raw)).toThrow(message);
  });

  it('only on the lab\'s load balancers', () => {
    expect(requireEditable(lab, 'lb2', '/etc/keepalived/keepalived.conf')).toEqual({ node: 'lb2', path: '/etc/keepalived/keepalived.conf' });
    expect(() => requireEditable(lab, 'web1', '/etc/keepalived/keepalived.conf')).toThrow(/Only the load balancers' files/);
    expect(() => requireEditable(lab, 'mail', '/etc/keepalived/keepalived.conf')).toThrow(/has no node "mail"/);
  });
});

describe('names from the page, checked against the lab', () => {
  it('nodes', () => {
    expect(requireNode(lab, 'client')).toBe('client');
    expect(() => requireNode(lab, 'lb3')).toThrow('Lab basic-vip has no node "lb3": its nodes are lb1, lb2, web1, web2, client.');
  });
  it('steps, and which steps the runner performs', () => {
    expect(requireStep(lab, 'crash').id).toBe('crash');
    expect(() => requireStep(lab, 'explode')).toThrow(/no step "explode": its steps are start, failover, preempt, crash, recover/);
    expect(requireRunnerAction(lab, 'recover').do).toEqual({ unfreeze: 'lb1' });
    expect(() => requireRunnerAction(lab, 'failover')).toThrow(/done in a terminal/);
  });
  it('the welcome names the runner-performed steps with their buttons, and the editor tabs', () => {
    const w = welcomeFor(lab);
    expect(w.steps.find((s) => s.id === 'crash')).toEqual({
      id: 'crash',
      title: expect.any(String),
      title_zh: expect.any(String),
      action: 'freeze',
      node: 'lb1',
      actionNodes: ['lb1'],
      button: '❄ Freeze lb1',
    });
    expect(w.steps.find((s) => s.id === 'start')).toEqual({
      id: 'start',
      title: expect.any(String),
      title_zh: '先在 lb1 上启动 keepalived，再在 lb2 上启动',
      commands: [
        { node: 'lb1', command: 'systemctl start keepalived' },
        { node: 'lb2', command: 'systemctl start keepalived' },
      ],
    });
    expect(w.editable).toEqual(['lb1', 'lb2']);
  });
});

describe('static site paths', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'kalab-site-'));
  mkdirSync(path.join(root, 'labs'));
  mkdirSync(path.join(root, 'guide'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(path.join(root, 'labs', 'basic-vip.html'), 'lab');
  writeFileSync(path.join(root, 'guide', 'index.html'), 'guide');
  writeFileSync(path.join(root, 'assets', 'app.Bx12ab9Z.js'), 'js');
  writeFileSync(path.join(path.dirname(root), 'kalab-secret.txt'), 'secret');

  it.each([
    ['/', 'index.html'],
    ['/labs/basic-vip', 'labs/basic-vip.html'],
    ['/labs/basic-vip.html', 'labs/basic-vip.html'],
    ['/guide/', 'guide/index.html'],
    ['/guide', 'guide/index.html'],
    ['/assets/app.Bx12ab9Z.js', 'assets/app.Bx12ab9Z.js'],
    ['/labs/%62asic-vip', 'labs/basic-vip.html'],
  ])('serves %s from %s', async (url, file) => {
    expect(await resolveSiteFile(root, url)).toBe(path.join(root, file));
  });

  it.each([
    '/../kalab-secret.txt',
    '/labs/../../kalab-secret.txt',
    '/%2e%2e/kalab-secret.txt',
    '/..%2fkalab-secret.txt',
    '/labs%2f..%2f..%2fkalab-secret.txt',
    '/%00index.html',
    '/..\\kalab-secret.txt',
    '/%E0%A4%A',
    '/labs/nope',
  ])('serves nothing for %s', async (url) => {
    expect(await resolveSiteFile(root, url)).toBeUndefined();
  });

  it('never proposes a file outside the root', () => {
    for (const url of ['/', '/a/b', '/a/./b/', '//etc/passwd']) {
      for (const c of siteCandidates(root, url)) expect(c.startsWith(root + path.sep)).toBe(true);
    }
  });

  it('content types', () => {
    expect(contentTypeFor('a/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('x.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.woff2')).toBe('font/woff2');
    expect(contentTypeFor('x.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
  });
});
