/**
 * Running commands in lab nodes through the Docker API: one-shot (collect output), streaming
 * (long-lived watchers such as `ip -o monitor address`), and interactive TTY shells.
 */
import type Docker from 'dockerode';
import { PassThrough, type Duplex } from 'node:stream';
import { createInterface } from 'node:readline';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run a command to completion. `timeoutS` wraps it in coreutils `timeout`, so a hung command cannot hold a grader. */
export async function execCollect(
  container: Docker.Container,
  command: string[],
  opts: { timeoutS?: number; stdin?: string } = {},
): Promise<ExecResult> {
  const cmd = opts.timeoutS ? ['timeout', '-k', '1', String(opts.timeoutS), ...command] : command;
  const exec = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: opts.stdin !== undefined,
  });
  const stream = await exec.start({ hijack: true, stdin: opts.stdin !== undefined });
  const out = new PassThrough();
  const err = new PassThrough();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  out.on('data', (c: Buffer) => stdout.push(c));
  err.on('data', (c: Buffer) => stderr.push(c));
  container.modem.demuxStream(stream, out, err);
  if (opts.stdin !== undefined) {
    stream.write(opts.stdin);
    (stream as Duplex).end();
  }
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const info = await exec.inspect();
  return {
    exitCode: info.ExitCode ?? -1,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}

export interface LineStream {
  /** Stop the process in the node (it also ends with the container). */
  stop(): Promise<void>;
  /** Resolves when the stream ends for whatever reason. */
  ended: Promise<void>;
}

/**
 * Run a long-lived command and hand each stdout line to `onLine`. The command runs under `sh` that
 * first prints its own PID, so `stop()` can kill exactly this process later (the Docker API has no
 * way to kill an exec).
 */
export async function execLines(
  container: Docker.Container,
  command: string,
  onLine: (line: string) => void,
): Promise<LineStream> {
  const exec = await container.exec({
    Cmd: ['sh', '-c', `echo "kalab-pid $$"; exec ${command}`],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const err = new PassThrough();
  err.resume(); // watchers' stderr (e.g. tcpdump's banner) is not data
  container.modem.demuxStream(stream, out, err);
  let pid: number | undefined;
  const gotPid = new Promise<void>((resolve) => {
    createInterface({ input: out }).on('line', (line) => {
      if (pid === undefined && line.startsWith('kalab-pid ')) {
        pid = Number(line.slice('kalab-pid '.length));
        resolve();
        return;
      }
      onLine(line);
    });
  });
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  await Promise.race([gotPid, ended]);
  return {
    ended,
    async stop() {
      if (pid === undefined) return;
      try {
        await execCollect(container, ['kill', String(pid)], { timeoutS: 5 });
      } catch {
        // The container is already gone or frozen: the process goes with it.
      }
      stream.destroy();
    },
  };
}

export interface ShellSession {
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves with the shell's exit code when it exits. */
  exited: Promise<number>;
}

/** An interactive login shell with a TTY, as the browser terminals and `kalab shell` use. */
export async function openShell(
  container: Docker.Container,
  size: { cols: number; rows: number },
  command: string[] = ['bash', '-l'],
): Promise<ShellSession> {
  const exec = await container.exec({
    Cmd: command,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color', 'LANG=C.UTF-8'],
    WorkingDir: '/root',
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
  const resize = async (cols: number, rows: number) => {
    try {
      await exec.resize({ w: Math.max(1, Math.floor(cols)), h: Math.max(1, Math.floor(rows)) });
    } catch {
      // Resizing an exec that has just exited fails; nothing to do.
    }
  };
  await resize(size.cols, size.rows);
  const exited = new Promise<number>((resolve) => {
    const done = async () => {
      try {
        resolve((await exec.inspect()).ExitCode ?? 0);
      } catch {
        resolve(-1);
      }
    };
    stream.on('end', done);
    stream.on('close', done);
  });
  return { stream, resize, exited };
}
