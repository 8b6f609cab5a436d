/**
 * Terminal modes read from a shell's output (runner/shared/terminal-modes.ts), and the replay a page
 * (re)opening a terminal gets (runner/server/terminal-replay.ts): the input modes in force ahead of
 * the kept output, so a trimmed scrollback still tells the page that bash wants bracketed paste.
 * The bash bytes are as bash 5.2 (Debian bookworm, the lab image's) prints them in a pty.
 */
import { describe, expect, it } from 'vitest';
import { DecModeReader, InputModes } from '../../runner/shared/terminal-modes.ts';
import { TerminalReplay } from '../../runner/server/terminal-replay.ts';

const PROMPT = '\x1b[?2004hroot@lb1:~# ';
/** A command typed at the prompt, run, and the next prompt. */
const ECHO = 'echo hi\r\n\x1b[?2004l\rhi\r\n' + PROMPT;

describe('DecModeReader', () => {
  it('reads sets and resets, several modes in one sequence, and terminal resets, in order', () => {
    const r = new DecModeReader();
    expect(r.read(PROMPT)).toEqual([{ mode: 2004, on: true }]);
    expect(r.read(ECHO)).toEqual([
      { mode: 2004, on: false },
      { mode: 2004, on: true },
    ]);
    expect(r.read('\x1b[?1049;1h\x1b[?1;1049l')).toEqual([
      { mode: 1049, on: true },
      { mode: 1, on: true },
      { mode: 1, on: false },
      { mode: 1049, on: false },
    ]);
    expect(r.read('\x1bc\x1b[!p')).toEqual([{ reset: true }, { reset: true }]);
  });

  it('ignores what is not a mode change: colours, titles, cursor moves, mode queries', () => {
    const r = new DecModeReader();
    expect(r.read('\x1b[01;32mroot@lb1\x1b[00m:\x1b]0;root@lb1: ~\x07\x1b[2J\x1b[H\x1b[?2004$p\x1b[?h')).toEqual([]);
  });

  it('reads a sequence split between two chunks, at any cut', () => {
    const text = `x${PROMPT}echo\x1b[?2004l\r`;
    for (let cut = 0; cut <= text.length; cut++) {
      const r = new DecModeReader();
      const changes = [...r.read(text.slice(0, cut)), ...r.read(text.slice(cut))];
      expect(changes, `cut at ${cut}`).toEqual([
        { mode: 2004, on: true },
        { mode: 2004, on: false },
      ]);
    }
  });

  it('holds back only a short unfinished tail; reset() forgets it', () => {
    const r = new DecModeReader();
    expect(r.read('\x1b[?20')).toEqual([]);
    r.reset();
    expect(r.read('04h')).toEqual([]);
    // A long run of digits is no sequence worth waiting for.
    expect(r.read(`\x1b[?${'1'.repeat(100)}`)).toEqual([]);
    expect(r.read('h')).toEqual([]);
  });
});

describe('InputModes', () => {
  it('keeps the input modes as the last change left them, in the order of their last change', () => {
    const m = new InputModes();
    expect(m.sequence()).toBe('');
    m.feed(PROMPT);
    expect(m.get(2004)).toBe(true);
    // less: the alternate screen (a screen mode, not kept) and cursor keys in application mode.
    m.feed('echo\r\n\x1b[?2004l\r\x1b[?1049h\x1b[?1h\x1b=');
    expect(m.get(2004)).toBe(false);
    expect(m.get(1049)).toBeUndefined();
    expect(m.sequence()).toBe('\x1b[?2004l\x1b[?1h');
    m.feed('\x1b[?1l\x1b[?1049l' + PROMPT);
    expect(m.sequence()).toBe('\x1b[?1l\x1b[?2004h');
    m.feed('\x1bc');
    expect(m.sequence()).toBe('');
    expect(m.get(2004)).toBeUndefined();
  });
});

describe('TerminalReplay', () => {
  it('replays the kept output behind the modes in force', () => {
    const replay = new TerminalReplay(1024);
    expect(replay.text()).toBe('');
    replay.push(PROMPT);
    replay.push(ECHO);
    expect(replay.text()).toBe('\x1b[?2004h' + PROMPT + ECHO);
  });

  it("still asks for bracketed paste when the prompt's ESC[?2004h has been trimmed away", () => {
    const replay = new TerminalReplay(1024);
    replay.push(PROMPT);
    // A job in the background prints more than the ring keeps while the prompt waits.
    for (let i = 0; i < 100; i++) replay.push(`64 bytes from 10.88.1.12: icmp_seq=${i} ttl=64 time=0.1 ms\r\n`);
    const text = replay.text();
    expect(replay.size).toBe(1024);
    expect(text.startsWith('\x1b[?2004h')).toBe(true);
    expect(text.slice('\x1b[?2004h'.length)).not.toContain('\x1b[?2004h');
    expect(text.endsWith('icmp_seq=99 ttl=64 time=0.1 ms\r\n')).toBe(true);
  });

  it('says the mode is off while a command runs, however long its output', () => {
    const replay = new TerminalReplay(256);
    replay.push(PROMPT + 'tcpdump -nn vrrp\r\n\x1b[?2004l\r');
    replay.push('IP 10.88.1.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype none, intvl 1s, length 20\r\n'.repeat(10));
    expect(replay.text().startsWith('\x1b[?2004l')).toBe(true);
  });
});
