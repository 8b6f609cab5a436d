/**
 * The widget's words (docs/.vitepress/theme/lab/strings.ts): every key in English and Chinese with
 * the same placeholders, the page's lang choosing between them, and no key the theme never uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agoText, STRINGS, translate, translator, uiLang, type StringKey } from '../../docs/.vitepress/theme/lab/strings.ts';
import { PROJECT_ROOT } from '../../runner/shared/paths.ts';

const THEME = path.join(PROJECT_ROOT, 'docs', '.vitepress', 'theme');
const keys = Object.keys(STRINGS) as StringKey[];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function themeSources(dir = THEME): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return themeSources(file);
    if (!/\.(ts|vue)$/.test(e.name)) return [];
    const text = readFileSync(file, 'utf8');
    // strings.ts uses some keys itself (agoText), after the table that defines them all.
    return [e.name === 'strings.ts' ? text.slice(text.indexOf('} satisfies Record')) : text];
  });
}

describe('STRINGS', () => {
  it.each(keys)('%s has an English and a Chinese text with the same placeholders', (key) => {
    const { en, zh } = STRINGS[key];
    expect(en.trim(), `${key}: English`).not.toBe('');
    expect(zh.trim(), `${key}: Chinese`).not.toBe('');
    expect(zh, `${key}: the Chinese text is the English one`).not.toBe(en);
    expect(placeholders(zh), `${key}: placeholders`).toEqual(placeholders(en));
  });

  it('every key is used by the theme', () => {
    const sources = themeSources().join('\n');
    expect(keys.filter((key) => !sources.includes(`'${key}'`))).toEqual([]);
  });
});

describe('translate', () => {
  it("chooses by the page's lang and fills the placeholders", () => {
    expect(uiLang('zh-CN')).toBe('zh');
    expect(uiLang('en-US')).toBe('en');
    expect(uiLang(undefined)).toBe('en');
    expect(translate('en-US', 'join.name')).toBe('Name');
    expect(translate('zh-CN', 'join.code')).toBe('加入码');
    expect(translate('en-US', 'class.readOnly', { name: 'Ada', node: 'lb1' })).toBe("read-only: Ada's lb1");
    // A missing parameter stays visible rather than vanishing.
    expect(translate('en-US', 'class.watch')).toBe('Watch {node}');
  });

  it('says how long ago, in both languages', () => {
    const en = translator('en-US');
    const zh = translator('zh-CN');
    expect([500, 12_400, 3 * 60_000 + 5000, 2 * 3_600_000].map((ms) => agoText(en, ms))).toEqual(['just now', '12 s ago', '3 min ago', '2 h ago']);
    expect(agoText(zh, 12_000)).toBe('12 秒前');
  });
});
