import { useEffect, useRef } from 'react';
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers, placeholder as cmPlaceholder } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { linter, lintGutter } from '@codemirror/lint';

export type EditorLanguage = 'text' | 'json';

export interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** Ctrl/Cmd+Enter. */
  onSubmit: () => void;
  language: EditorLanguage;
  placeholder?: string;
  ariaLabel?: string;
}

function languageExtension(lang: EditorLanguage): Extension {
  switch (lang) {
    case 'json':
      return [json(), linter(jsonParseLinter(), { delay: 200 }), lintGutter()];
    case 'text':
      return [];
    default: {
      const never: never = lang;
      throw new Error(`unknown language ${String(never)}`);
    }
  }
}

/**
 * CodeMirror 6 wrapped for React. The view is created once; the language is swapped through a
 * compartment, and outside value changes (a template or helper filling the editor) replace the doc
 * only when they differ from it, so typing never round-trips through React state.
 */
export function CodeEditor({ value, onChange, onSubmit, language, placeholder, ariaLabel }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const langSlot = useRef(new Compartment());
  const callbacks = useRef({ onChange, onSubmit });
  callbacks.current = { onChange, onSubmit };

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => { callbacks.current.onSubmit(); return true; } }])),
          lineNumbers(),
          history(),
          drawSelection(),
          highlightActiveLine(),
          bracketMatching(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorView.lineWrapping,
          cmPlaceholder(placeholder ?? ''),
          EditorView.contentAttributes.of({ 'aria-label': ariaLabel ?? 'message editor' }),
          langSlot.current.of(languageExtension(language)),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The view lives for the component's lifetime; value/language changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: langSlot.current.reconfigure(languageExtension(language)) });
  }, [language]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const cur = v.state.doc.toString();
    if (cur !== value) v.dispatch({ changes: { from: 0, to: cur.length, insert: value } });
  }, [value]);

  return <div className="code-editor" ref={host} data-testid="probe-editor" />;
}
