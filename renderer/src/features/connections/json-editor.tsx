import { useEffect, useRef } from 'react';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { linter, lintGutter } from '@codemirror/lint';
import { bracketMatching, syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';

/** Colours from the app's CSS variables, so the editor follows the light/dark scheme. */
const appTheme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'var(--panel)' },
  '.cm-content': { caretColor: 'var(--text)', fontFamily: 'var(--mono)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '.cm-activeLine': { backgroundColor: 'var(--row-alt)' },
  '.cm-gutters': { backgroundColor: 'var(--panel-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--row-hover)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--row-sel)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--text)', border: '1px solid var(--border)' },
});

export interface JsonEditorHandle {
  setText(text: string): void;
}

/**
 * CodeMirror 6 JSON editor with live validation. `onSubmit` runs on Ctrl/Cmd+Enter.
 * The editor owns its text; the parent hears every change and can replace it via `handleRef`.
 */
export function JsonEditor(props: { initial: string; onChange: (text: string) => void; onSubmit: () => void; handleRef?: { current: JsonEditorHandle | null }; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  // Latest callbacks without rebuilding the editor (which would lose cursor and undo history).
  const cb = useRef(props);
  cb.current = props;

  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: cb.current.initial,
        extensions: [
          keymap.of([
            { key: 'Mod-Enter', run: () => (cb.current.onSubmit(), true), preventDefault: true },
            ...defaultKeymap,
            ...historyKeymap,
          ]),
          history(),
          lineNumbers(),
          highlightActiveLine(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          json(),
          appTheme,
          linter(jsonParseLinter(), { delay: 200 }),
          lintGutter(),
          EditorView.lineWrapping,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) cb.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    if (cb.current.handleRef) {
      cb.current.handleRef.current = {
        setText: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
      };
    }
    return () => view.destroy();
  }, []);

  return <div className="editor" ref={host} data-testid={props.testId} />;
}
