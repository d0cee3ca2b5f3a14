import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

/**
 * Token colours from CSS variables (styles.css), chosen for contrast on the editor's own
 * background in light and dark: CodeMirror's default style is made for light backgrounds only.
 */
const style = HighlightStyle.define([
  { tag: t.propertyName, color: 'var(--code-prop)' },
  { tag: t.string, color: 'var(--code-string)' },
  { tag: [t.number, t.bool, t.null], color: 'var(--code-literal)' },
  { tag: [t.keyword, t.atom], color: 'var(--code-keyword)' },
  { tag: t.invalid, color: 'var(--bad)' },
]);

export const codeHighlighting = syntaxHighlighting(style, { fallback: true });
