/**
 * What "Show solution" asks of the runner: `solution.read` and an automatic `step.check` parse
 * (and nothing more is accepted), and the reference files of a node are its files under
 * /etc/keepalived/ from the lab's own solution, with a classroom copy's addresses when mapped.
 */
import { describe, expect, it } from 'vitest';
import { addressMap } from '../../runner/lab/address-map.ts';
import { loadAllLabs, loadLab } from '../../runner/lab/registry.ts';
import { parseClientMessage } from '../../runner/server/client-messages.ts';
import { readReferenceFiles } from '../../runner/server/lab-files.ts';
import { requireEditableNode } from '../../runner/server/lab-rules.ts';

describe('the new client messages', () => {
  it('accepts step.check with auto: true and solution.read with a node', () => {
    expect(parseClientMessage('{"type":"step.check","step":"start","auto":true}')).toEqual({ ok: true, message: { type: 'step.check', step: 'start', auto: true } });
    expect(parseClientMessage('{"type":"solution.read","node":"lb1"}')).toEqual({ ok: true, message: { type: 'solution.read', node: 'lb1' } });
  });

  it.each([
    ['auto other than true', '{"type":"step.check","step":"start","auto":false}', /field "auto"/],
    ['a solution.read without a node', '{"type":"solution.read"}', /field "node"/],
    ['a solution.read with a path', '{"type":"solution.read","node":"lb1","path":"/etc/shadow"}', /Bad solution.read message/],
  ])('refuses %s', (_what, raw, message) => {
    const result = parseClientMessage(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});

describe('readReferenceFiles', () => {
  const { definition, dir } = loadLab('basic-vip');

  it("reads a node's keepalived files from the lab's solution", () => {
    const files = readReferenceFiles(dir, definition, 'lb1');
    expect(files.map((f) => f.path)).toEqual(['/etc/keepalived/keepalived.conf']);
    expect(files[0]!.content).toMatch(/state MASTER/);
    expect(files[0]!.content).toMatch(/10\.88\.1\.100\/24/);
    expect(readReferenceFiles(dir, definition, 'lb2')[0]!.content).toMatch(/state BACKUP/);
  });

  it("a classroom copy sees its own subnet's addresses", () => {
    const [file] = readReferenceFiles(dir, definition, 'lb1', addressMap(definition.subnet, '10.89.7.0/24'));
    expect(file!.content).toMatch(/10\.89\.7\.100\/24/);
    expect(file!.content).not.toMatch(/10\.88\.1\./);
  });

  it('every lab has reference files for each of its editable solution nodes, and only under /etc/keepalived/', () => {
    for (const lab of loadAllLabs()) {
      for (const node of lab.definition.solutionNodes) {
        const files = readReferenceFiles(lab.dir, lab.definition, node);
        expect(files.length, `${lab.definition.id} ${node}`).toBeGreaterThan(0);
        for (const f of files) expect(f.path, lab.definition.id).toMatch(/^\/etc\/keepalived\/[^/].*[^/]$/);
      }
    }
  });

  it('only the load balancers have a solution a page may ask for', () => {
    expect(requireEditableNode(definition, 'lb2')).toBe('lb2');
    expect(() => requireEditableNode(definition, 'client')).toThrow(/Only the load balancers/);
    expect(() => requireEditableNode(definition, 'lb9')).toThrow(/has no node "lb9"/);
  });
});

describe('a workbench started with --no-solutions (an exam)', () => {
  const { definition, dir } = loadLab('basic-vip');

  it('tells the page so in its welcome, and refuses solution.read with one sentence', async () => {
    const { LiveLab } = await import('../../runner/server/live-lab.ts');
    const { welcomeFor } = await import('../../runner/server/lab-rules.ts');
    const { LabStore } = await import('../../docs/.vitepress/theme/lab/store.ts');
    expect(welcomeFor(definition).solutions).toBeUndefined(); // on by default: older pages see no change
    expect(welcomeFor(definition, { solutions: false }).solutions).toBe(false);

    const exam = new LiveLab(definition, () => Promise.reject(new Error('no engine in unit tests')), () => undefined, undefined, dir, { solutions: false });
    const sent: unknown[] = [];
    const peer = { id: 1, send: (m: unknown) => void sent.push(m) };
    expect(() => exam.readSolution(peer, 'lb1')).toThrow(/does not show the reference solution \(started with --no-solutions\)/);
    expect(sent).toEqual([]);

    // The page hides "Show solution" and the editor's Reference button when told.
    const store = new LabStore('basic-vip');
    expect(store.state.solutions).toBe(true);
    store.apply(welcomeFor(definition, { solutions: false }));
    expect(store.state.solutions).toBe(false);
    store.apply(welcomeFor(definition));
    expect(store.state.solutions).toBe(true);

    const open = new LiveLab(definition, () => Promise.reject(new Error('no engine in unit tests')), () => undefined, undefined, dir);
    open.readSolution(peer, 'lb1');
    expect(sent).toEqual([expect.objectContaining({ type: 'solution.files', node: 'lb1' })]);
  });
});
