/**
 * The tutorial's command blocks (```bash [lb1], marked data-node="lb1" at build time by
 * markdown-node-commands.ts) get a "▶ run on lb1" button while a lab widget is on the page. The
 * buttons go away with the widget, so the static page stays as it was built.
 */

import { translate } from './strings.ts';

export type RunCommand = (node: string, text: string) => void;

const BUTTON_CLASS = 'kalab-run-button';

/** The command text of a block: its code, as the copy button would copy it. */
export function blockCommand(block: Element): string {
  const code = block.querySelector('pre code') ?? block.querySelector('pre') ?? block;
  return code.textContent ?? '';
}

/**
 * Add run buttons to every marked block under `root`, labelled in the page's language (`lang`:
 * "en-US", "zh-CN"; English by default); returns the function that removes them.
 */
export function decorateNodeCommands(root: ParentNode, run: RunCommand, lang?: string): () => void {
  const added: HTMLButtonElement[] = [];
  for (const block of Array.from(root.querySelectorAll<HTMLElement>('[data-node]'))) {
    const node = block.dataset.node;
    if (!node || block.querySelector(`:scope > .${BUTTON_CLASS}`)) continue;
    const button = block.ownerDocument.createElement('button');
    button.type = 'button';
    button.className = BUTTON_CLASS;
    button.textContent = translate(lang, 'run.button', { node });
    button.title = translate(lang, 'run.buttonHint', { node });
    button.dataset.runNode = node;
    button.addEventListener('click', (ev) => {
      ev.preventDefault();
      run(node, blockCommand(block));
    });
    block.appendChild(button);
    added.push(button);
  }
  return () => {
    for (const button of added) button.remove();
  };
}
