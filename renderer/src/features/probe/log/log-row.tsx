import { memo, useState } from 'react';
import type { ProbeLogRow } from '../../../../../protocol/console/probe';
import { formatClock, formatTime, type TimeMode } from '../../../lib/time';
import { JsonTree } from '../components/json-tree';
import { HexDump } from '../components/hex-dump';
import { formatBytes } from '../lib/binary';
import { copyText, entryLine, entryPayload, formatMs } from './entry-text';

const DIR_ARROW = { in: '←', out: '→', local: '•' } as const;
const DIR_LABEL = { in: 'received', out: 'sent', local: 'console' } as const;
/** Characters of a text payload shown in the full view before "show all". */
const FULL_VIEW_CHARS = 20_000;

export interface LogRowProps {
  row: ProbeLogRow;
  timeMode: TimeMode;
  selected: boolean;
  expanded: boolean;
  focused: boolean;
  onSelect(index: number, additive: boolean): void;
  onToggle(index: number): void;
  onJump(index: number): void;
  onCopy(text: string): void;
  onTimeClick(): void;
}

/** One log entry: a dense line, and below it the full view when expanded. */
export const LogRow = memo(function LogRow({ row, timeMode, selected, expanded, focused, onSelect, onToggle, onJump, onCopy, onTimeClick }: LogRowProps) {
  const e = row.entry;
  const size = 'size' in e ? e.size : undefined;
  return (
    <div className={`probe-entry dir-${e.direction} kind-${e.kind}${selected ? ' selected' : ''}${focused ? ' focused' : ''}`} data-entry-index={e.index}>
      <div
        className="probe-line"
        onClick={(ev) => onSelect(e.index, ev.ctrlKey || ev.metaKey)}
        onDoubleClick={() => onToggle(e.index)}
        data-selected={selected ? 'true' : undefined}
      >
        <button type="button" className="probe-expand" aria-label={expanded ? 'collapse entry' : 'expand entry'} onClick={(ev) => { ev.stopPropagation(); onToggle(e.index); }}>
          {expanded ? '▾' : '▸'}
        </button>
        <span className="probe-time" title={`${e.at} — click to switch local/UTC`} onClick={(ev) => { ev.stopPropagation(); onTimeClick(); }} data-testid="probe-time">
          {formatClock(e.at, timeMode)}
        </span>
        <span className={`probe-dir dir-${e.direction}`} title={DIR_LABEL[e.direction]}>{DIR_ARROW[e.direction]}</span>
        <span className={`probe-kind kind-${e.kind}`}>{e.kind === 'frame' ? e.opcode : e.kind}</span>
        <span className="probe-text mono">{entryLine(e)}</span>
        {row.pair && (
          <button
            type="button"
            className="probe-pair"
            title={`${row.pair.role === 'request' ? 'reply' : 'request'} is entry #${row.pair.otherIndex} (id ${row.pair.correlationId}) — click to jump`}
            onClick={(ev) => { ev.stopPropagation(); onJump(row.pair!.otherIndex); }}
            data-testid="probe-pair"
          >
            {row.pair.role === 'request' ? '↘ reply' : '↖ request'} {formatMs(row.pair.latencyMs)}
          </button>
        )}
        {size !== undefined && <span className="probe-size">{formatBytes(size)}</span>}
        <button type="button" className="btn link small probe-copy" title="copy message" onClick={(ev) => { ev.stopPropagation(); onCopy(copyText(e)); }}>copy</button>
      </div>
      {expanded && <EntryDetail row={row} timeMode={timeMode} />}
    </div>
  );
});

function EntryDetail({ row, timeMode }: { row: ProbeLogRow; timeMode: TimeMode }) {
  const e = row.entry;
  const payload = entryPayload(e);
  const [all, setAll] = useState(false);
  const [raw, setRaw] = useState(false);
  return (
    <div className="probe-detail">
      <div className="probe-detail-meta muted">
        #{e.index} · {formatTime(e.at, timeMode)} · {DIR_LABEL[e.direction]} · {e.kind}
        {'truncated' in e && e.truncated && <span className="badge warn"> cut at the log limit ({formatBytes(e.size)} total)</span>}
        {row.pair && <> · pair #{row.pair.otherIndex} · {formatMs(row.pair.latencyMs)}</>}
        {payload.kind === 'text' && payload.json !== undefined && (
          <button type="button" className="btn link small" onClick={() => setRaw(!raw)}>{raw ? 'tree' : 'raw'}</button>
        )}
      </div>
      {payload.kind === 'binary' ? (
        <HexDump bytes={payload.bytes} />
      ) : payload.kind === 'text' && payload.json !== undefined && !raw ? (
        <JsonTree value={payload.json} defaultExpandDepth={2} />
      ) : (
        <>
          <pre className="probe-raw">{all ? payload.text : payload.text.slice(0, FULL_VIEW_CHARS)}</pre>
          {!all && payload.text.length > FULL_VIEW_CHARS && (
            <button type="button" className="btn link small" onClick={() => setAll(true)}>show all {payload.text.length} characters</button>
          )}
        </>
      )}
    </div>
  );
}
