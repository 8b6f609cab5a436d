/**
 * The site in Chinese (docs/zh/, VitePress's zh locale) mirrors the English pages: every lab in
 * labs/ and every English page has a zh twin, a zh lab page mounts its lab's workbench, and a zh
 * page shows the very same code blocks as its twin (commands are sent to nodes and configurations
 * are graded: a translation changes the prose around them, never the blocks), links to zh pages,
 * and includes the same solution files.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';

const DOCS = path.join(PROJECT_ROOT, 'docs');
const ZH = path.join(DOCS, 'zh');
const LABS = path.join(PROJECT_ROOT, 'labs');

/** Markdown pages under `dir` (relative paths), as VitePress sees them: no README.md, no _partials. */
function pages(dir: string, skip: (rel: string) => boolean = () => false, rel = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (skip(child)) continue;
    if (entry.isDirectory()) found.push(...pages(dir, skip, child));
    else if (entry.name.endsWith('.md') && entry.name !== 'README.md' && !entry.name.startsWith('_')) found.push(child);
  }
  return found.sort();
}

/** The English pages: docs/ without the zh locale, VitePress's own folder and anything hidden. */
const englishPages = pages(DOCS, (rel) => rel === 'zh' || rel.startsWith('.') || rel === 'node_modules');
const labIds = readdirSync(LABS)
  .filter((id) => statSync(path.join(LABS, id)).isDirectory() && existsSync(path.join(LABS, id, 'lab.yaml')))
  .sort();

interface Fence {
  info: string;
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** 1-based line of the closing fence (the last line, if the block is never closed). */
  end: number;
}

/** Fenced code blocks in document order (``` or ~~~, CommonMark's closing rule), with their info strings. */
function fencedBlocks(text: string): Fence[] {
  const lines = text.split('\n');
  const blocks: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[i]!);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(lines[i]!);
    }
    blocks.push({ info: open[2]!, body: body.join('\n'), line: start + 1, end: Math.min(i, lines.length - 1) + 1 });
  }
  return blocks;
}

/** The page with its fenced blocks blanked out, so that only prose and markup are searched. */
function withoutFences(text: string): string {
  const inBlock = new Set<number>();
  for (const block of fencedBlocks(text)) for (let n = block.line; n <= block.end; n++) inBlock.add(n);
  return text
    .split('\n')
    .filter((_line, i) => !inBlock.has(i + 1))
    .join('\n');
}

/** Lines that are markup a translation must keep as it is: Vue components, snippet includes, containers. */
function markupLines(text: string): string[] {
  return withoutFences(text)
    .split('\n')
    .filter((line) => /^<[A-Z][A-Za-z0-9]*[\s/>]/.test(line) || line.startsWith('<<< ') || line.startsWith(':::'));
}

/** Internal links in markdown prose (`](/…)`) and in frontmatter (`link: /…`). */
function internalLinks(text: string): string[] {
  const prose = withoutFences(text);
  return [...prose.matchAll(/\]\((\/[^)\s]*)\)/g), ...prose.matchAll(/^\s*link:\s*(\/\S*)/gm)].map((m) => m[1]!);
}

const read = (file: string) => readFileSync(file, 'utf8');

describe('the zh locale mirrors the English site', () => {
  it('has English pages and labs to mirror', () => {
    expect(englishPages).toContain('index.md');
    expect(englishPages.filter((p) => p.startsWith('guide/')).length).toBeGreaterThan(0);
    expect(labIds.length).toBeGreaterThan(0);
  });

  it.each(labIds)('lab %s has a Chinese page, docs/zh/labs/<id>.md, with its workbench', (id) => {
    const page = path.join(ZH, 'labs', `${id}.md`);
    expect(existsSync(page), `labs/${id}/ has no docs/zh/labs/${id}.md`).toBe(true);
    expect(read(page), `docs/zh/labs/${id}.md lacks <LabWorkbench lab="${id}" />`).toContain(`<LabWorkbench lab="${id}"`);
  });

  it.each(englishPages)('docs/%s has a zh twin with the same code blocks, markup and routes', (rel) => {
    const zhFile = path.join(ZH, rel);
    expect(existsSync(zhFile), `docs/${rel} has no Chinese twin docs/zh/${rel}`).toBe(true);
    const en = read(path.join(DOCS, rel));
    const zh = read(zhFile);

    const enBlocks = fencedBlocks(en);
    const zhBlocks = fencedBlocks(zh);
    expect(zhBlocks.map((b) => b.info), `docs/zh/${rel}: fenced blocks (info strings, in order) differ from docs/${rel}`).toEqual(enBlocks.map((b) => b.info));
    enBlocks.forEach((block, i) => {
      expect(zhBlocks[i]!.body, `docs/zh/${rel}:${zhBlocks[i]!.line}: block ${i + 1} (\`\`\`${block.info}) differs from docs/${rel}:${block.line}`).toBe(block.body);
    });

    expect(markupLines(zh), `docs/zh/${rel}: components, includes and containers differ from docs/${rel}`).toEqual(markupLines(en));

    // Same pages linked, each at its zh address.
    const toZh = (link: string) => `/zh${link}`;
    expect(internalLinks(zh).map((l) => l.split('#')[0]).sort(), `docs/zh/${rel} links pages its twin does not (or misses some)`).toEqual(
      internalLinks(en)
        .map((l) => toZh(l).split('#')[0])
        .sort(),
    );
    for (const link of internalLinks(zh)) expect(link, `docs/zh/${rel} links an English page`).toMatch(/^\/zh\//);
  });

  it('has no Chinese page without an English twin', () => {
    for (const rel of pages(ZH)) expect(existsSync(path.join(DOCS, rel)), `docs/zh/${rel} has no English twin docs/${rel}`).toBe(true);
  });

  it('the block parser sees info strings and bodies exactly', () => {
    const blocks = fencedBlocks("text\n\n```bash [lb1]\ncat > /x <<'EOF'\n  a\nEOF\n```\n\n````md\n```\ninner\n```\n````\n");
    expect(blocks).toEqual([
      { info: 'bash [lb1]', body: "cat > /x <<'EOF'\n  a\nEOF", line: 3, end: 7 },
      { info: 'md', body: '```\ninner\n```', line: 9, end: 13 },
    ]);
  });
});
