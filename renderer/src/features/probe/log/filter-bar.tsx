import { useEffect, useState } from 'react';
import type { ProbeDirection, ProbeLogKind } from '../../../../../protocol/console/probe';
import { ALL_KINDS, type LogFilterUi } from '../state/log-state';

const DIRS: Array<[ProbeDirection, string]> = [['in', '← in'], ['out', '→ out'], ['local', '• local']];

/** Text/regex filter with inline regex errors, direction toggles and a kind picker. */
export function FilterBar({ filter, error, onChange }: { filter: LogFilterUi; error: string | null; onChange(f: LogFilterUi): void }) {
  // Typing is local; the filter applies after a short pause so each keystroke is not a core query.
  const [text, setText] = useState(filter.text);
  useEffect(() => setText(filter.text), [filter.text]);
  useEffect(() => {
    if (text === filter.text) return;
    const t = setTimeout(() => onChange({ ...filter, text }), 200);
    return () => clearTimeout(t);
  }, [text, filter, onChange]);
  const toggleDir = (d: ProbeDirection) => {
    const has = filter.directions.includes(d);
    onChange({ ...filter, directions: has ? filter.directions.filter((x) => x !== d) : [...filter.directions, d] });
  };
  const toggleKind = (k: ProbeLogKind) => {
    const has = filter.kinds.includes(k);
    onChange({ ...filter, kinds: has ? filter.kinds.filter((x) => x !== k) : [...filter.kinds, k] });
  };
  return (
    <div className="probe-filter">
      <div className="probe-filter-input">
        <input
          type="search"
          className={`input ${error ? 'invalid' : ''}`}
          placeholder={filter.regex ? 'regular expression' : 'filter text'}
          aria-label="filter log"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Enter') onChange({ ...filter, text }); }}
        />
        <button type="button" className="btn small" aria-pressed={filter.regex} title="regular expression" onClick={() => onChange({ ...filter, text, regex: !filter.regex })}>
          .*
        </button>
      </div>
      <div className="toggle" role="group" aria-label="direction">
        {DIRS.map(([d, label]) => (
          <button key={d} type="button" aria-pressed={filter.directions.includes(d)} onClick={() => toggleDir(d)}>{label}</button>
        ))}
      </div>
      <details className="probe-kinds">
        <summary className="btn small">{filter.kinds.length ? `kinds: ${filter.kinds.length}` : 'all kinds'}</summary>
        <div className="popover">
          {ALL_KINDS.map((k) => (
            <label key={k}>
              <input type="checkbox" checked={filter.kinds.includes(k)} onChange={() => toggleKind(k)} /> {k}
            </label>
          ))}
        </div>
      </details>
    </div>
  );
}
