/**
 * Lab pages show the reference solution twice: included from labs/<lab>/solution, and inside the
 * `cat > file <<'EOF'` commands a learner sends to a terminal. The second copy must not drift, in
 * the English pages (docs/labs) nor in the Chinese ones (docs/zh/labs).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';

/** Lab pages of every language the site has: English at the root, Chinese under zh/. */
const PAGE_DIRS = ['docs/labs', 'docs/zh/labs'];
const NODE_BLOCK = /```bash \[([a-z0-9-]+)\]\n([\s\S]*?)\n```/g;
const HEREDOC = /cat > (\/\S+) <<'EOF'\n([\s\S]*?)\nEOF/g;

describe.each(PAGE_DIRS)('tutorial pages in %s write exactly the reference solution', (dir) => {
  const PAGES = path.join(PROJECT_ROOT, dir);
  const pages = readdirSync(PAGES).filter((f) => f.endsWith('.md') && existsSync(path.join(PROJECT_ROOT, 'labs', f.replace(/\.md$/, ''))));
  it('has lab pages to check', () => expect(pages.length).toBeGreaterThan(0));
  for (const page of pages) {
    const lab = page.replace(/\.md$/, '');
    it(`${lab}: every heredoc that writes a node file equals labs/${lab}/solution`, () => {
      const text = readFileSync(path.join(PAGES, page), 'utf8');
      let compared = 0;
      for (const [, node, body] of text.matchAll(NODE_BLOCK)) {
        for (const [, file, content] of body!.matchAll(HEREDOC)) {
          const solutionFile = path.join(PROJECT_ROOT, 'labs', lab, 'solution', node!, file!);
          expect(existsSync(solutionFile), `${dir}/${page} writes ${node}:${file}, which the reference solution lacks`).toBe(true);
          expect(content, `${dir}/${page}: ${node}:${file}`).toBe(readFileSync(solutionFile, 'utf8').replace(/\n$/, ''));
          compared++;
        }
      }
      expect(compared, `${dir}/${page} has no command that writes the solution`).toBeGreaterThan(0);
    });
  }
});
