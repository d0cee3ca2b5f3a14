import { HighlightStyle } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

/**
 * Token colours from the stylesheet's variables (--tok-*), so JSON in the editors stays readable in
 * both themes (CodeMirror's default style is made for light backgrounds only).
 */
export const appHighlight = HighlightStyle.define([
  { tag: t.propertyName, color: 'var(--tok-key)' },
  { tag: t.string, color: 'var(--tok-string)' },
  { tag: t.number, color: 'var(--tok-number)' },
  { tag: [t.bool, t.null], color: 'var(--tok-atom)' },
  { tag: [t.brace, t.squareBracket, t.separator, t.punctuation], color: 'var(--muted)' },
  { tag: t.invalid, color: 'var(--bad)' },
]);
