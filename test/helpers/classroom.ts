/** A learner of a classroom workbench, over HTTP and the WebSocket, for integration tests. */
import type { WorkbenchServer } from '../../runner/server/workbench-server.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addressMap } from '../../runner/lab/address-map.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';
import { Page } from './page-socket.ts';

/** The Origin a page of this workbench sends. */
export const origin = (server: WorkbenchServer) => server.url.replace(/\/$/, '');

export async function join(server: WorkbenchServer, name: string, code = server.classroom!.joinCode): Promise<{ status: number; cookie?: string; body: { learner?: { id: string }; error?: string } }> {
  const res = await fetch(`${server.url}api/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, code }) });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  return { status: res.status, ...(cookie ? { cookie } : {}), body: (await res.json()) as { learner?: { id: string }; error?: string } };
}

/** A learner's page: joined, on basic-vip, lab running; returns the page and its subnet. */
export async function learnerOnLab(server: WorkbenchServer, cookie: string, lab: string): Promise<{ page: Page; subnet: string }> {
  const page = await Page.open(server.url, origin(server), cookie);
  page.send({ type: 'hello', lab, client: 'test' });
  await page.waitFor('welcome');
  page.send({ type: 'lab.start' });
  const state = await page.waitFor('lab.state', (m) => m.status === 'running', { timeoutMs: 120_000 });
  return { page, subnet: state.subnet! };
}

/** Type into a terminal and wait for the shell to say it is done. */
export async function run(page: Page, node: string, command: string): Promise<void> {
  const from = page.messages.length;
  const marker = `done-${Math.random().toString(36).slice(2)}`;
  page.send({ type: 'term.input', node, data: `${command}; echo ${marker}\n` });
  await page.waitForOutput(node, `${marker}\r\n`, from, 30_000);
}


/**
 * As a learner does basic-vip's first step on their own copy: write the reference configs (with
 * the copy's addresses) through the editor, open lb1's and lb2's terminals, start keepalived on
 * lb1, then on lb2 once lb1 holds the VIP. Returns the address map of the copy.
 */
export async function startKeepalivedAsLearner(page: Page, subnet: string): Promise<ReturnType<typeof addressMap>> {
  const map = addressMap('10.88.1.0/24', subnet);
  for (const node of ['lb1', 'lb2']) {
    const conf = readFileSync(path.join(PROJECT_ROOT, `labs/basic-vip/solution/${node}/etc/keepalived/keepalived.conf`), 'utf8');
    page.send({ type: 'file.write', node, path: '/etc/keepalived/keepalived.conf', content: map.apply(conf).text });
    await page.waitFor('file.saved', (m) => m.node === node);
    page.send({ type: 'term.open', node, cols: 120, rows: 30 });
    await page.waitFor('term.replay', (m) => m.node === node);
  }
  await run(page, 'lb1', 'systemctl start keepalived');
  await page.waitFor('vip', (m) => m.snapshot.runningHolders.includes('lb1'), { timeoutMs: 15_000 });
  await run(page, 'lb2', 'systemctl start keepalived');
  return map;
}
