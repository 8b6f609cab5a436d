/**
 * Syntax colouring for keepalived.conf in the site's code blocks (a small TextMate grammar for
 * Shiki, which has none). It knows the file's shape, not its vocabulary: the first word of a line
 * is a keyword, a word followed by "{" opens a block, `!` and `#` start comments. That is enough
 * to make a solution readable, and a misspelt keyword is coloured like a correct one, so this is
 * not a validator: `keepalived --config-test` is.
 */
import type { LanguageRegistration } from 'shiki';

export const keepalivedGrammar: LanguageRegistration = {
  name: 'keepalived',
  scopeName: 'source.keepalived',
  aliases: ['keepalived.conf'],
  patterns: [
    { include: '#comment' },
    { include: '#block' },
    { include: '#directive' },
    { include: '#values' },
  ],
  repository: {
    comment: {
      // A comment starts a line, or follows whitespace (keepalived 2.x strips end-of-line comments).
      patterns: [
        { name: 'comment.line.keepalived', match: '^\\s*[!#].*$' },
        { name: 'comment.line.keepalived', match: '(?<=\\s)[!#].*$' },
      ],
    },
    block: {
      // "vrrp_instance VI_1 {", "authentication {", "unicast_peer {"
      match: '^\\s*([A-Za-z_][\\w-]*)(?:\\s+([^\\s{]+))?\\s*(\\{)',
      captures: {
        1: { name: 'entity.name.section.keepalived' },
        2: { name: 'entity.name.function.keepalived' },
        3: { name: 'punctuation.section.block.begin.keepalived' },
      },
    },
    directive: {
      begin: '^\\s*([A-Za-z_][\\w-]*)',
      beginCaptures: { 1: { name: 'keyword.other.directive.keepalived' } },
      end: '$',
      patterns: [{ include: '#comment' }, { include: '#values' }],
    },
    values: {
      patterns: [
        { name: 'string.quoted.double.keepalived', match: '"[^"]*"' },
        { name: 'constant.language.keepalived', match: '\\b(?:MASTER|BACKUP|FAULT|PASS|AH)\\b' },
        { name: 'constant.numeric.address.keepalived', match: '\\b\\d{1,3}(?:\\.\\d{1,3}){3}(?:/\\d{1,2})?\\b' },
        { name: 'constant.numeric.keepalived', match: '(?<![\\w.])-?\\d+(?:\\.\\d+)?\\b' },
        { name: 'punctuation.section.block.end.keepalived', match: '\\}' },
      ],
    },
  },
};
