import { describe, expect, it } from 'vitest';
import { commandText, nodeFromFenceInfo, terminalInputFor } from '../../docs/.vitepress/theme/lab/terminal-input.ts';
import { addNodeAttribute, markdownNodeCommands } from '../../docs/.vitepress/theme/lab/markdown-node-commands.ts';

describe('terminalInputFor', () => {
  it('sends a one-line command as a bracketed paste followed by Enter', () => {
    expect(terminalInputFor('systemctl start keepalived\n', true)).toBe('\x1b[200~systemctl start keepalived\x1b[201~\r');
  });

  it('keeps a heredoc together, with CR line ends and tabs intact', () => {
    const text = "cat > /etc/keepalived/keepalived.conf <<'EOF'\nvrrp_instance VI_1 {\n\tstate MASTER\n}\nEOF\n\n";
    expect(terminalInputFor(text, true)).toBe(
      "\x1b[200~cat > /etc/keepalived/keepalived.conf <<'EOF'\rvrrp_instance VI_1 {\r\tstate MASTER\r}\rEOF\x1b[201~\r",
    );
  });

  it('types plainly when the shell has not asked for bracketed paste', () => {
    expect(terminalInputFor('ip a\r\nhostname', false)).toBe('ip a\rhostname\r');
  });

  it('cannot end the paste early with an embedded end marker', () => {
    expect(terminalInputFor('echo \x1b[201~rm -rf /', true)).toBe('\x1b[200~echo rm -rf /\x1b[201~\r');
  });

  it('sends nothing for an empty block', () => {
    expect(terminalInputFor('  \n', true)).toBe('');
    expect(commandText('a\n\n')).toBe('a');
  });
});

describe('nodeFromFenceInfo', () => {
  it('reads the node from "bash [lb1]" and friends', () => {
    expect(nodeFromFenceInfo('bash [lb1]')).toBe('lb1');
    expect(nodeFromFenceInfo('sh [client]')).toBe('client');
    expect(nodeFromFenceInfo('bash [lb2] {2}')).toBe('lb2');
  });
  it('ignores other fences', () => {
    expect(nodeFromFenceInfo('bash')).toBeNull();
    expect(nodeFromFenceInfo('conf [keepalived.conf]')).toBeNull();
    expect(nodeFromFenceInfo('bash [LB1"><script>]')).toBeNull();
  });
});

describe('markdownNodeCommands', () => {
  // A stand-in for VitePress's own fence rule: it strips the [title] from the info, as VitePress does.
  function fakeMd() {
    const md = {
      renderer: {
        rules: {
          fence: (tokens: { info: string; content?: string }[], idx: number) => {
            const token = tokens[idx]!;
            token.info = token.info.replace(/\[.*\]/, '').trim();
            return `<div class="language-${token.info}"><button class="copy"></button><pre><code>${token.content}</code></pre></div>`;
          },
        } as { fence?: (tokens: { info: string; content?: string }[], idx: number) => string },
      },
    };
    return md;
  }

  it('marks bash [node] blocks with data-node and leaves others alone', () => {
    const md = fakeMd();
    markdownNodeCommands(md);
    const fence = md.renderer.rules.fence!;
    expect(fence([{ info: 'bash [lb1]', content: 'systemctl start keepalived' }], 0)).toBe(
      '<div data-node="lb1" class="language-bash"><button class="copy"></button><pre><code>systemctl start keepalived</code></pre></div>',
    );
    expect(fence([{ info: 'bash', content: 'ls' }], 0)).toBe('<div class="language-bash"><button class="copy"></button><pre><code>ls</code></pre></div>');
  });

  it('adds the attribute after leading comments, or wraps markup it does not recognise', () => {
    expect(addNodeAttribute('<!--x--><div class="a">', 'lb2')).toBe('<!--x--><div data-node="lb2" class="a">');
    expect(addNodeAttribute('<span>x</span>', 'lb2')).toBe('<div data-node="lb2"><span>x</span></div>');
  });
});
