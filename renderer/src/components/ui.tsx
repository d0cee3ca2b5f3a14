import { useEffect, type ReactNode } from 'react';
import { useStore } from '../store';
import { formatClock, formatTime, timeTitle } from '../lib/time';

/** A button that, when `blocked` holds a reason, is disabled and says why on hover. */
export function ActionButton(props: {
  blocked?: string | null;
  onClick: () => void;
  children: ReactNode;
  className?: string;
  title?: string;
  testId?: string;
  type?: 'button' | 'submit';
  disabled?: boolean;
}) {
  const blocked = props.blocked ?? null;
  const disabled = blocked !== null || !!props.disabled;
  // A disabled button swallows hover in some engines, so the title sits on a wrapper.
  return (
    <span title={blocked ?? props.title} className="action-wrap" data-blocked={blocked !== null ? 'true' : undefined}>
      <button
        type={props.type ?? 'button'}
        className={`btn ${props.className ?? ''}`}
        disabled={disabled}
        onClick={props.onClick}
        data-testid={props.testId}
      >
        {props.children}
      </button>
    </span>
  );
}

export function Modal(props: { title: string; onClose: () => void; children: ReactNode; footer: ReactNode; wide?: boolean; testId?: string }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props]);
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className={`dialog ${props.wide ? 'wide' : ''}`} role="dialog" aria-modal="true" aria-label={props.title} data-testid={props.testId}>
        <h2>{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        <div className="dialog-foot">{props.footer}</div>
      </div>
    </div>
  );
}

export function Field(props: { label: string; error?: string | undefined; hint?: string; children: ReactNode; htmlFor?: string }) {
  return (
    <>
      <label htmlFor={props.htmlFor}>{props.label}</label>
      <div className="field">
        {props.children}
        {props.error ? <span className="err" role="alert">{props.error}</span> : props.hint ? <span className="hint">{props.hint}</span> : null}
      </div>
    </>
  );
}

/**
 * Any time in the app: formatted in the chosen zone; click flips local/UTC everywhere;
 * hover shows the full ISO time and its age (computed on hover, so it is never stale).
 */
export function TimeText({ iso, className, clock }: { iso: string | null | undefined; className?: string; /** Time of day only (hh:mm:ss); the rest is in the hover title. */ clock?: boolean }) {
  const mode = useStore((s) => s.settings.timeMode);
  const setTimeMode = useStore((s) => s.setTimeMode);
  if (!iso) return <span className={className}>—</span>;
  return (
    <span
      className={`time ${className ?? ''}`}
      data-time={iso}
      onMouseEnter={(e) => (e.currentTarget.title = timeTitle(iso, Date.now()))}
      onClick={(e) => {
        e.stopPropagation();
        setTimeMode(mode === 'local' ? 'utc' : 'local');
      }}
      style={{ cursor: 'pointer' }}
    >
      {clock ? `${formatClock(iso, mode).slice(0, 8)}${mode === 'utc' ? ' UTC' : ''}` : formatTime(iso, mode)}
    </span>
  );
}

export function Toasts() {
  const toasts = useStore((s) => s.ui.toasts);
  const dismiss = useStore((s) => s.dismissToast);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span style={{ flex: 1 }}>{t.text}</span>
          <button className="btn link" onClick={() => dismiss(t.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
