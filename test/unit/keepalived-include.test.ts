import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAIN_PATH,
  includeRoots,
  parseKeepalivedConfig,
  parseKeepalivedFiles,
  type KeepalivedConfig,
  type VrrpInstance,
  type VrrpScript,
} from '../../runner/keepalived/config.ts';
import { glob } from '../../runner/keepalived/glob.ts';
import { settleMsForConfig } from '../../runner/keepalived/timing.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';

/**
 * `include` as keepalived 2.2.7 follows it (lib/parser.c check_include, open_glob_file,
 * open_conf_file): textual inclusion in the open block, glob(3) order, relative to the including
 * file's directory, no nesting limit.
 */

const MAIN = DEFAULT_MAIN_PATH;

function parse(files: Record<string, string>): KeepalivedConfig {
  return parseKeepalivedFiles(new Map(Object.entries(files)));
}

/** Where a block is written differs between a flat and a split config; what keepalived runs must not. */
function unplaced<T extends { line: number; file?: string }>(located: T): Omit<T, 'line' | 'file'> {
  const { line: _line, file: _file, ...rest } = located;
  return rest;
}

function whatRuns(config: KeepalivedConfig): { instances: Omit<VrrpInstance, 'line' | 'file'>[]; scripts: Record<string, Omit<VrrpScript, 'line' | 'file'>> } {
  return {
    instances: config.instances.map(unplaced),
    scripts: Object.fromEntries(Object.entries(config.scripts).map(([name, script]) => [name, unplaced(script)])),
  };
}

const GLOBAL = 'global_defs {\n   router_id lb1\n}\n';
const SCRIPT = 'vrrp_script chk_nginx {\n    script "/usr/bin/killall -0 nginx"\n    interval 2\n    weight -20\n    fall 2\n}\n';
const INSTANCE =
  'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    priority 100\n    nopreempt\n' +
  '    virtual_ipaddress {\n        10.88.1.100/24 dev eth0\n    }\n    track_script {\n        chk_nginx\n    }\n}\n';

describe('parseKeepalivedFiles: include', () => {
  it('reads a config split over conf.d/*.conf as the same config written in one file', () => {
    const flat = parse({ [MAIN]: GLOBAL + SCRIPT + INSTANCE });
    const split = parse({
      [MAIN]: GLOBAL + '\ninclude /etc/keepalived/conf.d/*.conf\n',
      '/etc/keepalived/conf.d/10-checks.conf': SCRIPT,
      '/etc/keepalived/conf.d/20-vi_1.conf': INSTANCE,
    });
    expect(split.instances).toHaveLength(1);
    expect(whatRuns(split)).toEqual(whatRuns(flat));
    expect(split.global).toEqual(flat.global);
    expect(split.warnings).toEqual(flat.warnings);
    expect(split.warnings).toEqual([]);
    expect(split.files).toEqual([MAIN, '/etc/keepalived/conf.d/10-checks.conf', '/etc/keepalived/conf.d/20-vi_1.conf']);
    expect(split.includes).toEqual(['/etc/keepalived/conf.d/*.conf']);
    expect(split.unresolvedIncludes).toEqual([]);
    expect(includeRoots(split)).toEqual([]);
    // Places name the file a block is written in; the main file's name no file.
    expect(split.instances[0]).toMatchObject({ file: '/etc/keepalived/conf.d/20-vi_1.conf', line: 1 });
    expect(flat.instances[0]!.file).toBeUndefined();
  });

  it('parseKeepalivedConfig(text) is the main file alone, and a config without include lines lists no files', () => {
    const text = GLOBAL + 'include /etc/keepalived/conf.d/*.conf\n' + INSTANCE;
    expect(parseKeepalivedConfig(text)).toEqual(parseKeepalivedFiles(new Map([[MAIN, text]])));
    const plain = parseKeepalivedConfig(GLOBAL + INSTANCE);
    expect(plain.files).toBeUndefined();
    expect(plain.unresolvedIncludes).toBeUndefined();
  });

  it('resolves a relative pattern against the directory of the file holding the include line, at every level', () => {
    const config = parse({
      [MAIN]: 'include conf.d/vi_1.conf\n',
      '/etc/keepalived/conf.d/vi_1.conf': 'include checks.conf\ninclude ../scripts/notify.conf\n' + INSTANCE,
      '/etc/keepalived/conf.d/checks.conf': SCRIPT,
      '/etc/keepalived/checks.conf': 'vrrp_script chk_nginx {\n    script /bin/false\n}\n', // not this one: not the includer's directory
      '/etc/keepalived/scripts/notify.conf': 'vrrp_script chk_other {\n    script /bin/true\n}\n',
    });
    expect(config.files).toEqual([MAIN, '/etc/keepalived/conf.d/vi_1.conf', '/etc/keepalived/conf.d/checks.conf', '/etc/keepalived/scripts/notify.conf']);
    expect(config.scripts.chk_nginx?.script).toBe('/usr/bin/killall -0 nginx');
    expect(Object.keys(config.scripts)).toEqual(['chk_nginx', 'chk_other']);
    expect(config.unresolvedIncludes).toEqual([]);
  });

  it('reads an included file inside the block that is open, as text in place of the include line', () => {
    const config = parse({
      [MAIN]: 'vrrp_instance VI_1 {\n    include /etc/keepalived/vi_1/*.conf\n    priority 150\n}\n',
      '/etc/keepalived/vi_1/a-basics.conf': 'state BACKUP\ninterface eth0\nvirtual_router_id 51\npriority 100\n',
      // A block may open in an included file and close in the file that included it.
      '/etc/keepalived/vi_1/b-vip.conf': 'virtual_ipaddress {\n    10.88.1.100\n',
      '/etc/keepalived/vi_1/c-close.conf': '}\nnopreempt\n',
    });
    const [vi1] = config.instances;
    expect(config.instances).toHaveLength(1);
    expect(vi1).toMatchObject({ name: 'VI_1', state: 'BACKUP', interface: 'eth0', virtualRouterId: 51, priority: 150, nopreempt: true, virtualIpAddresses: ['10.88.1.100'] });
    expect(config.warnings).toEqual([]);
  });

  it('takes, as keepalived does, the rest of a line after a brace for the pattern when it starts with include', () => {
    const config = parse({
      [MAIN]: INSTANCE.replace('    nopreempt\n', '    authentication { include auth.conf }\n'),
      '/etc/keepalived/auth.conf': 'auth_type PASS\nauth_pass kalab123\n',
    });
    // The pattern is `auth.conf }`: no file has that name, so the authentication block stays open
    // and takes the rest of the instance.
    expect(config.unresolvedIncludes).toEqual(['/etc/keepalived/auth.conf }']);
    expect(config.instances[0]!.authType).toBeUndefined();
  });

  it('reads the matches of a glob in glob(3) order: bytewise, no hidden files, * within one directory, brace alternatives in order', () => {
    const files = {
      [MAIN]: 'include /etc/keepalived/conf.d/*.conf\ninclude /etc/keepalived/extra/{z,a}.conf\n',
      '/etc/keepalived/conf.d/b.conf': '',
      '/etc/keepalived/conf.d/a.conf': '',
      '/etc/keepalived/conf.d/B.conf': '',
      '/etc/keepalived/conf.d/_x.conf': '',
      '/etc/keepalived/conf.d/.hidden.conf': '',
      '/etc/keepalived/conf.d/notes.txt': '',
      '/etc/keepalived/conf.d/sub/c.conf': '',
      '/etc/keepalived/extra/a.conf': '',
      '/etc/keepalived/extra/z.conf': '',
    };
    expect(parse(files).files).toEqual([
      MAIN,
      '/etc/keepalived/conf.d/B.conf',
      '/etc/keepalived/conf.d/_x.conf',
      '/etc/keepalived/conf.d/a.conf',
      '/etc/keepalived/conf.d/b.conf',
      '/etc/keepalived/extra/z.conf',
      '/etc/keepalived/extra/a.conf',
    ]);
  });

  it('matches ?, [...] and escapes as glob(3) does, and marks a matching directory with a trailing /', () => {
    const paths = ['/k/a1.conf', '/k/a2.conf', '/k/b1.conf', '/k/.a3.conf', '/k/*.conf', '/k/d/x.conf'];
    const matches = (pattern: string) => glob(pattern, '/', paths).flatMap((a) => a.matches);
    expect(matches('/k/a?.conf')).toEqual(['/k/a1.conf', '/k/a2.conf']);
    expect(matches('/k/[ab]1.conf')).toEqual(['/k/a1.conf', '/k/b1.conf']);
    expect(matches('/k/[!a]*.conf')).toEqual(['/k/*.conf', '/k/b1.conf']);
    expect(matches('/k/a[2-9].conf')).toEqual(['/k/a2.conf']);
    expect(matches('/k/\\*.conf')).toEqual(['/k/*.conf']);
    expect(matches('/k/.a*')).toEqual(['/k/.a3.conf']);
    expect(matches('/k/*')).toEqual(['/k/*.conf', '/k/a1.conf', '/k/a2.conf', '/k/b1.conf', '/k/d/']);
    expect(matches('k/d/../a1.conf')).toEqual(['/k/a1.conf']);
  });

  it('follows nested includes depth first, back in the including file after the last match', () => {
    const config = parse({
      [MAIN]: 'include /etc/keepalived/conf.d/*.conf\n' + GLOBAL,
      '/etc/keepalived/conf.d/a.conf': 'include nested/*.conf\n' + SCRIPT,
      '/etc/keepalived/conf.d/nested/inner.conf': 'vrrp_script chk_inner {\n    script /bin/true\n}\n',
      '/etc/keepalived/conf.d/z.conf': INSTANCE.replace('        chk_nginx\n', '        chk_nginx\n        chk_inner\n'),
    });
    expect(config.files).toEqual([MAIN, '/etc/keepalived/conf.d/a.conf', '/etc/keepalived/conf.d/nested/inner.conf', '/etc/keepalived/conf.d/z.conf']);
    expect(config.instances[0]!.trackScripts.map((t) => t.name)).toEqual(['chk_nginx', 'chk_inner']);
    expect(config.global.routerId).toBe('lb1');
  });

  it('does not follow an include cycle: keepalived has no limit and reads until it runs out of files; the grader reads once and says so', () => {
    // keepalived.conf matches its own glob.
    const self = parse({ [MAIN]: GLOBAL + 'include /etc/keepalived/*.conf\n', '/etc/keepalived/vi_1.conf': INSTANCE.replace('chk_nginx', '') });
    expect(self.files).toEqual([MAIN, '/etc/keepalived/vi_1.conf']);
    expect(self.instances).toHaveLength(1);
    expect(self.warnings).toEqual([
      expect.stringMatching(/^line 4: this include reads \/etc\/keepalived\/keepalived\.conf again while it is being read .*no limit on nested includes.*runs out of open files/),
    ]);
    // a.conf and b.conf include each other.
    const mutual = parse({ [MAIN]: 'include conf.d/a.conf\n', '/etc/keepalived/conf.d/a.conf': SCRIPT + 'include b.conf\n', '/etc/keepalived/conf.d/b.conf': 'include a.conf\n' + INSTANCE });
    expect(mutual.files).toEqual([MAIN, '/etc/keepalived/conf.d/a.conf', '/etc/keepalived/conf.d/b.conf']);
    expect(mutual.instances).toHaveLength(1);
    expect(mutual.warnings).toEqual([
      expect.stringMatching(
        /^\/etc\/keepalived\/conf\.d\/b\.conf line 1: this include reads \/etc\/keepalived\/conf\.d\/a\.conf again while it is being read \(\/etc\/keepalived\/keepalived\.conf -> \/etc\/keepalived\/conf\.d\/a\.conf -> \/etc\/keepalived\/conf\.d\/b\.conf -> \/etc\/keepalived\/conf\.d\/a\.conf\)/,
      ),
    ]);
  });

  it('lists an include that matches nothing, made absolute, for the caller to fetch; plain include is silent about it, as keepalived is', () => {
    const config = parse({ [MAIN]: GLOBAL + 'include conf.d/*.conf\ninclude /etc/keepalived/extra.conf\n' });
    expect(config.unresolvedIncludes).toEqual(['/etc/keepalived/conf.d/*.conf', '/etc/keepalived/extra.conf']);
    expect(includeRoots(config)).toEqual(['/etc/keepalived/conf.d', '/etc/keepalived']);
    expect(config.warnings).toEqual(['there is no vrrp_instance block, so keepalived runs no VRRP and never holds a VIP.']);
    // Once the caller has read those directories, the instance is there.
    const fetched = parse({ [MAIN]: GLOBAL + 'include conf.d/*.conf\ninclude /etc/keepalived/extra.conf\n', '/etc/keepalived/conf.d/vi_1.conf': INSTANCE.replace('chk_nginx', '') });
    expect(fetched.instances).toHaveLength(1);
    expect(fetched.unresolvedIncludes).toEqual(['/etc/keepalived/extra.conf']);
  });

  it('warns where an include variant makes a missing file a config error, so keepalived does not start', () => {
    const config = parse({ [MAIN]: INSTANCE.replace('chk_nginx', '') + 'includea /etc/keepalived/conf.d/*.conf\nincluder /etc/keepalived/other.conf\nincludem /etc/keepalived/vi_2.conf\n' });
    expect(config.warnings).toEqual([
      expect.stringMatching(/^line 14: no file matches \/etc\/keepalived\/conf\.d\/\*\.conf, and includea makes that a config error .*does not start/),
      expect.stringMatching(/^line 16: no file matches \/etc\/keepalived\/vi_2\.conf, and includem makes that a config error \(keepalived logs "Config files missing"\)/),
    ]);
  });

  it('does not read a quoted pattern, as keepalived keeps the quotes, and says so when the file exists', () => {
    const config = parse({ [MAIN]: GLOBAL + 'include "/etc/keepalived/conf.d/vi_1.conf"\n', '/etc/keepalived/conf.d/vi_1.conf': INSTANCE });
    expect(config.includes).toEqual(['/etc/keepalived/conf.d/vi_1.conf']);
    expect(config.instances).toEqual([]);
    expect(config.files).toEqual([MAIN]);
    expect(config.warnings[0]).toMatch(/^line 4: keepalived does not remove the double quotes around an include path.*Remove the quotes\./);
  });

  it('names the included file in its warnings, and sorts warnings by file order, then line', () => {
    const config = parse({
      [MAIN]: 'include /etc/keepalived/conf.d/*.conf\nglobal_defs {\n   router_idd lb1\n}\n',
      '/etc/keepalived/conf.d/vi_1.conf': INSTANCE.replace('priority 100', 'prioity 100').replace('chk_nginx', ''),
    });
    expect(config.warnings).toEqual([
      expect.stringMatching(/^line 3: unknown keyword 'router_idd' in global_defs.*Did you mean 'router_id'\?/),
      expect.stringMatching(/^\/etc\/keepalived\/conf\.d\/vi_1\.conf line 5: unknown keyword 'prioity' in vrrp_instance VI_1.*Did you mean 'priority'\?/),
    ]);
  });

  it('says so when the main file is not among the files', () => {
    const config = parseKeepalivedFiles(new Map([['/etc/keepalived/other.conf', INSTANCE]]));
    expect(config.instances).toEqual([]);
    expect(config.warnings[0]).toBe('there is no /etc/keepalived/keepalived.conf, so keepalived has no configuration and does not start.');
  });
});

/** A solution's files for one node, keyed by their path on the node (`/etc/keepalived/...`). */
function nodeFiles(solutionDir: string, node: string): Map<string, string> {
  const root = path.join(PROJECT_ROOT, 'labs/basic-vip', solutionDir, node);
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(`/${path.relative(root, full).split(path.sep).join('/')}`, readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return files;
}

describe('basic-vip variant conf-d-include', () => {
  for (const node of ['lb1', 'lb2']) {
    it(`${node}: runs the reference solution's instance, with the same settle window`, () => {
      const variantFiles = nodeFiles('variants/conf-d-include', node);
      expect([...variantFiles.keys()].sort()).toEqual(['/etc/keepalived/conf.d/vi_1.conf', '/etc/keepalived/keepalived.conf']);
      // Its keepalived.conf alone runs no VRRP: everything the grader times is in conf.d.
      expect(parseKeepalivedConfig(variantFiles.get(MAIN)!).instances).toEqual([]);
      const variant = parseKeepalivedFiles(variantFiles);
      const reference = parseKeepalivedFiles(nodeFiles('solution', node));
      expect(variant.files).toEqual(['/etc/keepalived/keepalived.conf', '/etc/keepalived/conf.d/vi_1.conf']);
      expect(variant.warnings).toEqual([]);
      expect(variant.instances).toHaveLength(1);
      expect(variant.instances.map(unplaced)).toEqual(reference.instances.map(unplaced));
      expect(variant.global).toEqual(reference.global);
      expect(settleMsForConfig(variant)).toBe(settleMsForConfig(reference));
      expect(settleMsForConfig(variant)).toBeGreaterThan(0);
    });
  }
});
