import { emptyRow, forcedSecret, type ParamRow } from './form-model';

/**
 * Header or query rows: name, value, and a lock that keeps the value in the console's secret store
 * (forced on for credential-like names). A stored secret is never sent back here: its field stays
 * empty and says so; typing replaces it.
 */
export function ParamRows({ kind, rows, onChange, error }: { kind: 'headers' | 'query'; rows: ParamRow[]; onChange: (rows: ParamRow[]) => void; error?: string | undefined }) {
  const noun = kind === 'headers' ? 'header' : 'parameter';
  const set = (i: number, patch: Partial<ParamRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="param-rows" role="group" aria-label={kind === 'headers' ? 'Headers' : 'Query params'}>
      {rows.map((r, i) => {
        const forced = r.name.trim() !== '' && forcedSecret(kind, r.name);
        const secret = r.secret || forced;
        return (
          <div className="param-row" key={i}>
            <input
              className="input mono"
              aria-label={`${noun} ${i + 1} name`}
              placeholder={kind === 'headers' ? 'Name' : 'name'}
              value={r.name}
              // A stored secret belongs to its name: renaming means typing the value again.
              onChange={(e) => set(i, { name: e.target.value, stored: false })}
            />
            <input
              className="input mono"
              aria-label={`${noun} ${i + 1} value`}
              type={secret ? 'password' : 'text'}
              autoComplete="off"
              placeholder={secret && r.stored ? '(stored — leave empty to keep)' : 'value'}
              value={r.value}
              onChange={(e) => set(i, { value: e.target.value })}
            />
            <label className="check param-secret" title={forced ? `${r.name} is always kept in the secret store` : 'keep the value in the secret store, redacted in logs and exports'}>
              <input type="checkbox" aria-label={`${noun} ${i + 1} secret`} checked={secret} disabled={forced} onChange={(e) => set(i, { secret: e.target.checked })} />
              secret
            </label>
            <button type="button" className="btn small" aria-label={`remove ${noun} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        );
      })}
      <div className="row-line">
        <button type="button" className="btn small" onClick={() => onChange([...rows, emptyRow()])}>
          + Add {noun}
        </button>
        {error ? (
          <span className="err" role="alert">{error}</span>
        ) : rows.some((r) => r.secret || forcedSecret(kind, r.name)) ? (
          <span className="hint">secret values go to the secret store: never into saved files or logs, nor exports unless asked</span>
        ) : null}
      </div>
    </div>
  );
}
