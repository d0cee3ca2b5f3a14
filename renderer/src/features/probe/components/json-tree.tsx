import { useState } from 'react';

/**
 * A collapsible JSON tree. Big containers show their first `pageSize` children and a "show more"
 * button, so a huge array does not render thousands of rows at once.
 */
export interface JsonTreeProps {
  value: unknown;
  /** Levels open at first render (default 1: the root's children are visible). */
  defaultExpandDepth?: number;
  /** Children shown per container before "show more" (default 100). */
  pageSize?: number;
}

export function JsonTree({ value, defaultExpandDepth = 1, pageSize = 100 }: JsonTreeProps) {
  return (
    <div className="json-tree" role="tree">
      <JsonNode name={null} value={value} depth={0} openDepth={defaultExpandDepth} pageSize={pageSize} />
    </div>
  );
}

interface NodeProps {
  name: string | number | null;
  value: unknown;
  depth: number;
  openDepth: number;
  pageSize: number;
}

function JsonNode({ name, value, depth, openDepth, pageSize }: NodeProps) {
  const isContainer = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(pageSize);
  const label = name === null ? null : <span className="jt-key">{typeof name === 'number' ? name : JSON.stringify(name)}: </span>;
  if (!isContainer) {
    return (
      <div className="jt-row" role="treeitem" style={{ paddingLeft: depth * 14 }}>
        <span className="jt-toggle-space" />
        {label}
        <Scalar value={value} />
      </div>
    );
  }
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v] as [number, unknown])
    : Object.entries(value as Record<string, unknown>);
  const [openB, closeB] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const summary = Array.isArray(value) ? `${entries.length} items` : `${entries.length} keys`;
  return (
    <>
      <div className="jt-row" role="treeitem" aria-expanded={open} style={{ paddingLeft: depth * 14 }}>
        <button type="button" className="jt-toggle" aria-label={open ? 'collapse' : 'expand'} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        {label}
        <span className="jt-punct">{openB}</span>
        {!open && (
          <>
            <span className="jt-summary"> {summary} </span>
            <span className="jt-punct">{closeB}</span>
          </>
        )}
      </div>
      {open &&
        entries.slice(0, shown).map(([k, v]) => (
          <JsonNode key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} pageSize={pageSize} />
        ))}
      {open && entries.length > shown && (
        <div className="jt-row" style={{ paddingLeft: (depth + 1) * 14 }}>
          <button type="button" className="link-button" onClick={() => setShown(shown + pageSize)}>
            show {Math.min(pageSize, entries.length - shown)} more of {entries.length - shown}
          </button>
        </div>
      )}
      {open && (
        <div className="jt-row" style={{ paddingLeft: depth * 14 }}>
          <span className="jt-toggle-space" />
          <span className="jt-punct">{closeB}</span>
        </div>
      )}
    </>
  );
}

function Scalar({ value }: { value: unknown }) {
  if (value === null) return <span className="jt-null">null</span>;
  switch (typeof value) {
    case 'string':
      return <span className="jt-string">{JSON.stringify(value)}</span>;
    case 'number':
      return <span className="jt-number">{String(value)}</span>;
    case 'boolean':
      return <span className="jt-bool">{String(value)}</span>;
    default:
      return <span>{String(value)}</span>;
  }
}
