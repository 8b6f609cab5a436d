/** A learner of a classroom workbench, over HTTP and the WebSocket, for integration tests. */
import type { WorkbenchServer } from '../../runner/server/workbench-server.ts';
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

