import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
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

/**
 * CodeMirror's active-line tint and placeholder grey are made for light backgrounds; on the dark
 * panel the placeholder became unreadable. The app's own colours work on both.
 */
const lineTheme = EditorView.theme({
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-activeLine': { backgroundColor: 'var(--row-alt)' },
});

export const codeHighlighting = [syntaxHighlighting(style, { fallback: true }), lineTheme];
