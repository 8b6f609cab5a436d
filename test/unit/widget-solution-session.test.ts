/**
 * The page's own file requests for "Show solution" (LabSession.fetchSolution, fetchFile): their
 * answers go to the diff view, not to the node's editor pane, and an error (which carries no
 * request id) goes to the oldest request waiting, as the editor's do.
 */
import { describe, expect, it } from 'vitest';
import { FakeSocket } from './fake-socket.ts';
import { LabSession, type FileSink } from '../../docs/.vitepress/theme/lab/session.ts';
import type { SocketLike, Timers } from '../../docs/.vitepress/theme/lab/socket-client.ts';
import type { ClientMessage, NodeInfo, ServerMessage } from '../../runner/shared/protocol.ts';


const timers: Timers = { setTimeout: () => 0, clearTimeout: () => undefined };
const lb = (node: string): NodeInfo => ({ node, address: '10.88.1.11', run: 'running', holdsVip: false, keepalived: false, vrrp: {} });

function setup() {
  let socket!: FakeSocket;
  const session = new LabSession({ lab: 'basic-vip', url: 'ws://x/ws', storage: null, timers, createSocket: () => (socket = new FakeSocket()) });
  session.start();
  socket.open();
  socket.receive({ type: 'lab.state', status: 'running', vip: '10.88.1.100', subnet: '10.88.1.0/24', nodes: [lb('lb1'), lb('lb2')] });
  const editor = { contents: [] as string[], failures: [] as string[] };
  const sink: FileSink = { content: (path, content) => editor.contents.push(`${path}:${content}`), saved: () => undefined, failed: (m) => editor.failures.push(m) };
  session.attachFiles('lb1', sink);
  return { session, socket: () => socket, editor };
}

const CONF = '/etc/keepalived/keepalived.conf';

describe('LabSession.fetchSolution and fetchFile', () => {
  it('asks for the reference and the learner file; the answers go to the diff, not to the editor', async () => {
    const { session, socket, editor } = setup();
    const reference = session.fetchSolution('lb1');
    const mine = session.fetchFile('lb1', CONF);
    expect(socket().sent.slice(-2)).toEqual([
      { type: 'solution.read', node: 'lb1' },
      { type: 'file.read', node: 'lb1', path: CONF },
    ]);
    socket().receive({ type: 'file.content', node: 'lb1', path: CONF, content: 'priority 110\n', exists: true });
    socket().receive({ type: 'solution.files', node: 'lb1', files: [{ path: CONF, content: 'priority 100\n' }] });
    await expect(reference).resolves.toEqual([{ path: CONF, content: 'priority 100\n' }]);
    await expect(mine).resolves.toEqual({ content: 'priority 110\n', exists: true });
    expect(editor.contents).toEqual([]);
  });

  it("the editor's own read of the same file still reaches the editor", async () => {
    const { session, socket, editor } = setup();
    expect(session.readFile('lb1', CONF)).toBe(true);
    const mine = session.fetchFile('lb1', CONF);
    socket().receive({ type: 'file.content', node: 'lb1', path: CONF, content: 'a\n', exists: true });
    socket().receive({ type: 'file.content', node: 'lb1', path: CONF, content: 'a\n', exists: true });
    await expect(mine).resolves.toEqual({ content: 'a\n', exists: true });
    expect(editor.contents).toEqual([`${CONF}:a\n`]);
  });

  it('an error goes to the oldest request; a lost connection fails the diff, silently for the editor', async () => {
    const { session, socket, editor } = setup();
    const reference = session.fetchSolution('lb1');
    session.readFile('lb1', CONF);
    socket().receive({ type: 'error', message: 'Solution directory labs/basic-vip/solution does not exist.' });
    await expect(reference).rejects.toThrow(/does not exist/);
    expect(editor.failures).toEqual([]);
    const mine = session.fetchFile('lb1', CONF);
    socket().drop();
    await expect(mine).rejects.toThrow(/connection to the lab runner was lost/);
    expect(editor.failures).toEqual([]);
  });

  it('refuses at once when there is no running lab to read from', async () => {
    const { session, socket } = setup();
    socket().receive({ type: 'lab.state', status: 'stopped', nodes: [] });
    await expect(session.fetchFile('lb1', CONF)).rejects.toThrow(/running lab/);
  });
});
