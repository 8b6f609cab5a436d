/**
 * Whether a "run on lb1" button brackets its paste (docs/.vitepress/theme/lab/paste-mode.ts): from
 * the output the page gives the terminal, at once, not from xterm's parsed state. The bytes are as
 * bash 5.2 prints them (the lab image's), and go through the run button's input as LabSession sends it.
 */
import { describe, expect, it } from 'vitest';
import { PasteModeTracker } from '../../docs/.vitepress/theme/lab/paste-mode.ts';
import { terminalInputFor } from '../../docs/.vitepress/theme/lab/terminal-input.ts';

const PROMPT = '\x1b[?2004hroot@lb1:~# ';
const HEREDOC = "cat > /etc/keepalived/keepalived.conf <<'EOF'\nvrrp_instance VI_1 {\n\tstate MASTER\n}\nEOF\n";

/** What the run button sends now, as LabSession asks the terminal's sink. */
const sent = (tracker: PasteModeTracker) => terminalInputFor(HEREDOC, tracker.bracketed);

describe('PasteModeTracker', () => {
  it("a fresh terminal, before bash's first prompt: the first paste is bracketed (readline takes it whole)", () => {
    const tracker = new PasteModeTracker();
    tracker.reset(); // the empty replay of a shell just opened
    tracker.output('');
    expect(sent(tracker)).toBe("\x1b[200~cat > /etc/keepalived/keepalived.conf <<'EOF'\rvrrp_instance VI_1 {\r\tstate MASTER\r}\rEOF\x1b[201~\r");
  });

  it('at the prompt, bracketed as soon as the output arrives; while a command runs, plain', () => {
    const tracker = new PasteModeTracker();
    tracker.output(PROMPT);
    expect(tracker.bracketed).toBe(true);
    tracker.output('tcpdump -nn vrrp\r\n\x1b[?2004l\r');
    expect(tracker.bracketed).toBe(false);
    expect(terminalInputFor('q', tracker.bracketed)).toBe('q\r');
    tracker.output('^C\r\n1 packet captured\r\n' + PROMPT);
    expect(tracker.bracketed).toBe(true);
  });

  it('a replay that opens on a running command (the runner puts the modes first) is plain, the next prompt bracketed again', () => {
    const tracker = new PasteModeTracker();
    tracker.output(PROMPT);
    tracker.reset();
    tracker.output('\x1b[?2004l' + 'IP 10.88.1.11 > 224.0.0.18: VRRPv2, Advertisement\r\n'.repeat(3));
    expect(tracker.bracketed).toBe(false);
    tracker.output(PROMPT);
    expect(tracker.bracketed).toBe(true);
  });

  it('reads the mode when the sequence is split between two output messages', () => {
    const tracker = new PasteModeTracker();
    tracker.output(PROMPT);
    tracker.output('sleep 9\r\n\x1b[?20');
    expect(tracker.bracketed).toBe(true); // not said yet
    tracker.output('04l\r');
    expect(tracker.bracketed).toBe(false);
  });

  it('a terminal reset turns it off, as in xterm, until the next prompt asks again', () => {
    const tracker = new PasteModeTracker();
    tracker.output(PROMPT + 'reset\r\n\x1b[?2004l\r');
    tracker.output(PROMPT);
    tracker.output('\x1bc');
    expect(tracker.bracketed).toBe(false);
    tracker.output(PROMPT);
    expect(tracker.bracketed).toBe(true);
  });
});
