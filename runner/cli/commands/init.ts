/**
 * `kalab init <lab> <dir>`: a solution skeleton for students to fill in. For every node a solution
 * of the lab configures (lab.yaml `solutionNodes`), the files its reference solution has, at the
 * same paths and modes, but as skeletons: a keepalived.conf keeps the reference's blocks and
 * keywords, each keyword bare with a comment saying what its value must be (a bare keyword that
 * needs a value stops keepalived, so an unfilled skeleton cannot pass), a haproxy.cfg its sections
 * and directives without their arguments, and a script keeps its interpreter line and says how
 * keepalived runs it. The lab's addresses and steps head every file; no value of the reference
 * solution is written, and none of its comments (they explain the answer).
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { readSolution, type SolutionFile } from '../../engine/solution.ts';
import { lexFile, type Item, type IncludeLine } from '../../keepalived/lexer.ts';
import { addressesFor } from '../../lab/addresses.ts';
import type { LabDefinition, NodeName } from '../../lab/definition.ts';
import { loadLab } from '../../lab/registry.ts';
import { KalabError } from '../../shared/errors.ts';

export interface SkeletonFile {
  node: NodeName;
  /** Path inside the node, as in the solution directory (e.g. etc/keepalived/keepalived.conf). */
  path: string;
  mode: number;
  content: string;
}

// ------------------------------------------------------------------------------ what to write

/** What a block is for, written above it. */
const BLOCK_HINTS: Record<string, string> = {
  global_defs: 'settings of the whole keepalived process',
  vrrp_script: 'a check keepalived runs again and again; its exit status can change the priority of the instances that track it',
  vrrp_instance: 'one virtual router: the nodes that share its VIP, and this node\'s part in it',
  vrrp_sync_group: 'instances that change state together',
  authentication: 'how the nodes of this virtual router recognise each other\'s adverts',
  virtual_ipaddress: 'the addresses that move to whichever node is MASTER',
  unicast_peer: 'where this node sends its adverts instead of the multicast group',
  track_script: 'the checks this instance follows',
  track_interface: 'interfaces whose failure puts this instance in FAULT',
  notification_email: 'who gets keepalived\'s mail',
};

/** Blocks whose lines are values, not keywords: what each line must hold. */
const LIST_ENTRY_HINTS: Record<string, string> = {
  virtual_ipaddress: '<address>/<prefix> dev <interface>: a VIP (the lab\'s are above)',
  virtual_ipaddress_excluded: '<address>/<prefix> dev <interface>: an address kept out of the adverts',
  unicast_peer: "<address>: a peer's address, one per line",
  track_script: "<name>: the name of a vrrp_script block",
  track_interface: '<interface>: an interface to watch',
  notification_email: '<address>: a mail address, one per line',
  group: '<name>: a vrrp_instance of the group',
};

/** What a keyword's value must be (or, for a keyword with no value, what it does). */
const KEYWORD_HINTS: Record<string, string> = {
  // global_defs
  router_id: "a name for this node in keepalived's logs and mail",
  script_user: 'the user (and group) keepalived runs scripts as',
  enable_script_security: 'no value: refuse to run a script that a user other than root could modify',
  vrrp_version: 'the VRRP version, 2 (the default) or 3 (adverts more often than once a second)',
  vrrp_strict: 'no value: follow RFC 5798 strictly (it refuses some settings and filters the VIP)',
  notification_email_from: 'the sender address of the mail keepalived sends',
  smtp_server: "the address of the mail server keepalived sends through (the lab's mail node)",
  smtp_connect_timeout: 'seconds to wait for the mail server',
  smtp_helo_name: 'the name keepalived gives the mail server',
  vrrp_garp_master_delay: 'seconds after becoming MASTER before gratuitous ARPs are sent again',
  // vrrp_script
  script: 'the command to run, in double quotes; exit status 0 means the check passed',
  interval: 'seconds between two runs of the check',
  timeout: 'seconds after which a run counts as failed',
  fall: 'failed runs in a row before the check counts as failed',
  rise: 'passed runs in a row before the check counts as passed again',
  weight: 'how much the priority of a tracking instance changes while the check fails (negative: lowered)',
  user: 'the user the check runs as',
  // vrrp_instance
  state: 'MASTER or BACKUP: the state this node starts in',
  interface: 'the network interface VRRP runs on (the lab nodes have eth0)',
  virtual_router_id: 'the number of the virtual router, 1-255: one number for every node of this router',
  priority: "this node's priority, 1-254: the node with the highest one holds the VIP",
  advert_int: 'seconds between two adverts (VRRPv3 also takes fractions)',
  nopreempt: 'no value: do not take the VIP from a working MASTER, whatever the priorities',
  preempt_delay: 'seconds to wait after starting before taking the VIP from a lower priority',
  unicast_src_ip: 'the address this node sends its adverts from',
  mcast_src_ip: 'the address this node sends its multicast adverts from',
  smtp_alert: 'no value: mail every state change of this instance (to notification_email, through smtp_server)',
  notify_master: 'the command to run when this node becomes MASTER, in double quotes',
  notify_backup: 'the command to run when this node becomes BACKUP, in double quotes',
  notify_fault: 'the command to run when this instance enters FAULT, in double quotes',
  notify_stop: 'the command to run when this instance stops, in double quotes',
  notify: 'the command to run on every state change (it gets the new state as an argument), in double quotes',
  garp_master_delay: 'seconds after becoming MASTER before gratuitous ARPs are sent again',
  accept: 'no value: answer packets sent to the VIP (vrrp_strict turns this off)',
  no_accept: 'no value: drop packets sent to the VIP',
  strict_mode: 'on or off: vrrp_strict for this instance alone',
  // authentication
  auth_type: 'PASS (a plain password) or AH',
  auth_pass: 'the password, at most 8 characters: the same on every node of the router',
};

interface LabFacts {
  lab: LabDefinition;
  /** Lines describing the lab's network and steps, the same at the head of every file. */
  lines: string[];
}

function labFacts(lab: LabDefinition): LabFacts {
  const a = addressesFor(lab.subnet, lab.vips);
  const nodes = lab.nodes.map((n) => `${n} ${a.node[n]}`).join(', ');
  const vips = a.vips.length > 1 ? `VIPs ${a.vips.join(', ')}` : `VIP ${a.vip}`;
  return {
    lab,
    lines: [
      `The lab: subnet ${lab.subnet}, ${vips}; ${nodes}.`,
      'Every node has one network interface, eth0.',
      'The steps it must pass:',
      ...lab.steps.map((s) => `  ${s.id}: ${s.title}`),
    ],
  };
}

/** What kind of file a reference file is, by its place and first line. */
function fileKind(file: SolutionFile): 'keepalived' | 'script' | 'directives' | 'other' {
  const text = file.content.toString('utf8');
  if (text.startsWith('#!')) return 'script';
  if (/(^|\/)etc\/keepalived\/.*\.conf$/.test(file.path)) return 'keepalived';
  if (/(^|\/)etc\/haproxy\/.*\.cfg$/.test(file.path)) return 'directives';
  return 'other';
}

/** A keepalived.conf skeleton: the reference's blocks and keywords, no values, hints as comments. */
export function keepalivedSkeleton(reference: string, header: string[]): string {
  const { items } = lexFile(reference);
  const out: string[] = header.map((l) => (l ? `! ${l}` : '!'));
  out.push('');
  const stack: string[] = [];
  const indent = () => '    '.repeat(stack.length);
  const hintWidth = 28;
  const withHint = (code: string, hint: string) => `${indent()}${code.padEnd(Math.max(hintWidth - indent().length, code.length + 1))} ! ${hint}`;
  const all = items as (Item | IncludeLine)[];
  for (let i = 0; i < all.length; i++) {
    const item = all[i]!;
    if (item.kind === 'include') {
      out.push(`${indent()}include ${item.pattern}`);
      continue;
    }
    if (item.kind === 'open') continue; // written with its header
    if (item.kind === 'close') {
      stack.pop();
      out.push(`${indent()}}`);
      if (stack.length === 0) out.push('');
      continue;
    }
    const [keyword, ...values] = item.words.map((w) => w.text);
    if (keyword === undefined) continue;
    const parent = stack[stack.length - 1];
    if (all[i + 1]?.kind === 'open') {
      // A block: its keyword and name (names are yours to choose; a track_script must use the vrrp_script's).
      const hint = BLOCK_HINTS[keyword];
      if (hint) out.push(`${indent()}! ${keyword}: ${hint}`);
      out.push(`${indent()}${[keyword, ...values].join(' ')} {`);
      stack.push(keyword);
      continue;
    }
    if (parent && LIST_ENTRY_HINTS[parent]) {
      out.push(`${indent()}! ${LIST_ENTRY_HINTS[parent]}`);
      continue;
    }
    const hint = KEYWORD_HINTS[keyword] ?? 'see keepalived.conf(5)';
    if (values.length === 0) {
      // A keyword with no value: written bare it would switch on what the reference does, so it is
      // left commented out, for the student to decide.
      out.push(withHint(`! ${keyword}`, `${hint}; remove the "! " in front to turn it on`));
    } else {
      out.push(withHint(keyword, hint));
    }
  }
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

/** How the reference's keepalived config runs a script: the keywords whose command names its path. */
function runners(scriptPath: string, nodeFiles: readonly SolutionFile[]): string[] {
  const found = new Set<string>();
  for (const f of nodeFiles) {
    if (fileKind(f) !== 'keepalived') continue;
    for (const item of lexFile(f.content.toString('utf8')).items) {
      if (item.kind !== 'stmt') continue;
      const [keyword, ...rest] = item.words.map((w) => w.text);
      if (keyword && rest.some((w) => w.split(/\s+/)[0] === `/${scriptPath}`)) found.add(keyword);
    }
  }
  return [...found];
}

function scriptSkeleton(file: SolutionFile, nodeFiles: readonly SolutionFile[], header: string[]): string {
  const text = file.content.toString('utf8');
  const shebang = text.split('\n', 1)[0]!;
  const run = runners(file.path, nodeFiles);
  const lines = [
    ...header,
    '',
    run.length
      ? `keepalived.conf runs it (${run.join(', ')}), with the arguments written there.`
      : 'Nothing in keepalived.conf names it yet: a script runs only when a keyword there gives its path.',
    'Keep it executable (chmod +x) and writable by root alone: keepalived refuses other scripts.',
    'Exit 0 when it did its job; output goes nowhere, so use logger(1) to see it in the journal.',
  ];
  return `${shebang}\n${lines.map((l) => (l ? `# ${l}` : '#')).join('\n')}\n\n# TODO: write the script.\nexit 1\n`;
}

/** haproxy.cfg's sections, written above them. */
const SECTION_HINTS: Record<string, string> = {
  global: 'settings of the whole haproxy process',
  defaults: 'settings every later section starts from',
  frontend: 'where clients connect',
  backend: 'the servers requests go on to',
  listen: 'a frontend and its backend in one section',
};

/** What a haproxy.cfg directive's arguments must be (or, for one with none, what it does). */
const DIRECTIVE_HINTS: Record<string, string> = {
  log: 'where log lines go, and which',
  chroot: 'the folder haproxy confines itself to',
  stats: 'the runtime API: a socket and its settings, or a timeout',
  user: 'the user haproxy runs as',
  group: 'the group haproxy runs as',
  daemon: 'no arguments: run in the background',
  mode: 'http or tcp',
  option: 'an option, e.g. httplog or httpchk',
  timeout: '<connect|client|server> <time>: how long to wait',
  bind: '<address>:<port>: where this section listens (the VIP, or every address)',
  balance: 'how requests are spread over the servers, e.g. roundrobin',
  server: '<name> <address>:<port> [check ...]: a server requests go to, with its health check',
  default_backend: 'the backend that gets this frontend\'s requests',
  use_backend: 'a backend, and the condition for it',
  maxconn: 'the most connections at once',
  'http-request': 'an action on every request, and its condition',
  'http-response': 'an action on every response',
  'http-after-response': 'an action on every response, haproxy\'s own included',
};

/**
 * A skeleton of a config made of sections and directives, one a line, `#` comments (haproxy.cfg):
 * each section's keyword and name, and in it each directive's keyword with its arguments left out.
 */
export function directivesSkeleton(reference: string, header: string[]): string {
  const out: string[] = header.map((l) => (l ? `# ${l}` : '#'));
  out.push('#', '# A directive with nothing after it is yours to fill in; "#" starts a comment.');
  for (const raw of reference.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trimEnd();
    if (!line.trim()) continue;
    const indent = /^\s*/.exec(line)![0];
    const [keyword, ...rest] = line.trim().split(/\s+/);
    if (!keyword) continue;
    if (!indent) {
      const name = rest[0] && /^[A-Za-z_][\w-]*$/.test(rest[0]) ? ` ${rest[0]}` : '';
      out.push('');
      if (SECTION_HINTS[keyword]) out.push(`# ${keyword}: ${SECTION_HINTS[keyword]}`);
      out.push(`${keyword}${name}`);
      continue;
    }
    const hint = DIRECTIVE_HINTS[keyword] ?? 'see the documentation of the program that reads this file';
    const code = rest.length ? `${indent}${keyword}` : `${indent}# ${keyword}`;
    const pad = ' '.repeat(Math.max(1, 24 - code.replace(/\t/g, '    ').length));
    out.push(rest.length ? `${code}${pad}# ${hint}` : `${code}${pad}# ${hint}; remove the "# " in front to turn it on`);
  }
  return `${out.join('\n')}\n`;
}

function otherSkeleton(header: string[]): string {
  return `${header.map((l) => (l ? `# ${l}` : '#')).join('\n')}\n`;
}

/** The skeleton of a lab's solution: every file of its reference solution, for the nodes a solution configures. */
export function solutionSkeleton(lab: LabDefinition, labDir: string): SkeletonFile[] {
  const reference = readSolution(path.join(labDir, lab.solution), lab.nodes, lab.solutionNodes);
  const facts = labFacts(lab);
  const files: SkeletonFile[] = [];
  for (const { node, files: nodeFiles } of reference.nodes) {
    if (!lab.solutionNodes.includes(node)) continue;
    for (const file of [...nodeFiles].sort((a, b) => a.path.localeCompare(b.path))) {
      const header = [
        `kalab init: a skeleton of /${file.path} on ${node}, for the lab ${lab.id} (${lab.title}).`,
        `Fill it in, then check it: npx kalab check ${lab.id} --solution <this solution's folder>`,
        '',
        ...facts.lines,
      ];
      const kind = fileKind(file);
      const content =
        kind === 'keepalived'
          ? keepalivedSkeleton(file.content.toString('utf8'), [...header, '', 'A keyword with no value after it is yours to fill in; "!" starts a comment.'])
          : kind === 'script'
            ? scriptSkeleton(file, nodeFiles, header)
            : kind === 'directives'
              ? directivesSkeleton(file.content.toString('utf8'), header)
              : otherSkeleton(header);
      files.push({ node, path: file.path, mode: file.mode & 0o777, content });
    }
  }
  return files;
}

/** README.md beside the node folders (a solution's top-level files are not laid over any node). */
export function skeletonReadme(lab: LabDefinition, files: readonly SkeletonFile[]): string {
  const a = addressesFor(lab.subnet, lab.vips);
  return [
    `# ${lab.title}`,
    '',
    lab.summary.trim(),
    '',
    'A solution skeleton written by `kalab init`: one folder per node, laid over that node\'s root.',
    'Fill in these files:',
    '',
    ...files.map((f) => `- \`${f.node}/${f.path}\` (becomes \`/${f.path}\` on ${f.node}${f.mode & 0o111 ? ', executable' : ''})`),
    '',
    '## The lab',
    '',
    `- subnet ${lab.subnet}, ${a.vips.length > 1 ? `VIPs ${a.vips.join(', ')}` : `VIP ${a.vip}`}`,
    ...lab.nodes.map((n) => `- ${n}: ${a.node[n]}`),
    '',
    '## The steps',
    '',
    ...lab.steps.map((s) => `1. \`${s.id}\`: ${s.title}`),
    '',
    '## Check it',
    '',
    '```bash',
    `npx kalab check ${lab.id} --solution .`,
    '```',
    '',
    'Exit code 0: every step passed; 1: a step failed (the report says which and why); 2: the check could not run.',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------------------ the command

export function writeSkeleton(labId: string, dir: string, opts: { force?: boolean } = {}): { written: string[] } {
  const { definition: lab, dir: labDir } = loadLab(labId);
  const target = path.resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new KalabError(`${dir} is a file: name a new or empty folder for the skeleton.`);
    if (readdirSync(target).length > 0 && !opts.force) {
      throw new KalabError(`${dir} is not empty: name a new or empty folder, or pass --force to overwrite the skeleton's files in it.`);
    }
  }
  const files = solutionSkeleton(lab, labDir);
  const written: string[] = [];
  const write = (rel: string, content: string, mode: number) => {
    const full = path.join(target, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content, { mode });
    chmodSync(full, mode); // an existing file (--force) keeps its mode otherwise; so does the umask
    written.push(rel);
  };
  for (const f of files) write(`${f.node}/${f.path}`, f.content, f.mode);
  write('README.md', skeletonReadme(lab, files), 0o644);
  return { written };
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description("write a solution skeleton for a lab: the files its solution needs, with comments saying what each must contain")
    .argument('<lab>', 'the lab (see `kalab list`)')
    .argument('<dir>', 'a new or empty folder for the skeleton')
    .option('-f, --force', "write into a folder that is not empty (the skeleton's files are overwritten, nothing else is touched)")
    .addHelpText(
      'after',
      `
Example:
  kalab init basic-vip my-solution && kalab check basic-vip --solution my-solution`,
    )
    .action((labId: string, dir: string, flags: { force?: boolean }) => {
      const { written } = writeSkeleton(labId, dir, flags);
      process.stdout.write(`${written.map((f) => `  ${path.join(dir, f)}\n`).join('')}Fill in the files, then: npx kalab check ${labId} --solution ${dir}\n`);
    });
}
