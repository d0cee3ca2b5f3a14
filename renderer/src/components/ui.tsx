import { useEffect, useRef, useState, type ReactNode } from 'react';
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

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: focus moves into it (to `initialFocus`, else its first control), Tab and
 * Shift+Tab stay inside, Escape cancels, and focus returns to where it was when it closes.
 */
export function Modal(props: { title: string; onClose: () => void; children: ReactNode; footer: ReactNode; wide?: boolean; testId?: string; initialFocus?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  const initialFocus = props.initialFocus;
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = ref.current;
    const first = el ? ((initialFocus ? el.querySelector<HTMLElement>(initialFocus) : null) ?? el.querySelector<HTMLElement>(FOCUSABLE)) : null;
    (first ?? el)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onClose.current();
        return;
      }
      if (e.key !== 'Tab' || !el) return;
      const items = [...el.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((x) => x.offsetParent !== null);
      if (items.length === 0) {
        e.preventDefault();
        return;
      }
      const at = items.indexOf(document.activeElement as HTMLElement);
      const next = e.shiftKey ? (at <= 0 ? items.length - 1 : at - 1) : at === -1 || at === items.length - 1 ? 0 : at + 1;
      e.preventDefault();
      items[next]!.focus();
    };
    // Capture: the dialog sees Escape and Tab before anything underneath it does.
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      if (before && before.isConnected) before.focus();
    };
  }, [initialFocus]);
  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div ref={ref} tabIndex={-1} className={`dialog ${props.wide ? 'wide' : ''}`} role="dialog" aria-modal="true" aria-label={props.title} data-testid={props.testId}>
        <h2>{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        <div className="dialog-foot">{props.footer}</div>
      </div>
    </div>
  );
}

/**
 * Asks before a risky action and says what will happen. Cancel has the focus, so Enter alone
 * never confirms; while the action runs the buttons wait, and an error stays in the dialog.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown> | void;
  onClose: () => void;
  /** Keep the dialog open after confirming (e.g. to show per-row results). */
  keepOpen?: boolean;
  testId?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      if (!props.keepOpen) props.onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={props.title}
      onClose={props.onClose}
      testId={props.testId ?? 'confirm-dialog'}
      initialFocus="[data-testid=confirm-cancel]"
      footer={
        <>
          <button className="btn" onClick={props.onClose} data-testid="confirm-cancel">
            Cancel
          </button>
          <button className="btn danger solid" onClick={() => void run()} disabled={busy} data-testid="confirm-ok">
            {busy ? 'Working…' : props.confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-text" data-testid="confirm-text">{props.children}</div>
      {error ? <div className="error-text" role="alert">{error}</div> : null}
    </Modal>
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
  // Toasts step aside for the details drawer, and sit under dialogs (see .toasts in styles.css).
  const drawerOpen = useStore((s) => s.ui.tab === 'connections' && s.ui.selectedRowKey !== null);
  return (
    <div className={`toasts ${drawerOpen ? 'beside-drawer' : ''}`} aria-live="polite" data-testid="toasts">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast">
          <span style={{ flex: 1 }}>{t.text}</span>
          <button className="btn link" onClick={() => dismiss(t.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
