import { useMemo, useState } from 'react';
import { formatHexDump } from '../lib/binary';

/** Hex dump of a binary payload; shows `initialBytes` and offers the rest on demand. */
export function HexDump({ bytes, initialBytes = 512 }: { bytes: Uint8Array; initialBytes?: number }) {
  const [all, setAll] = useState(false);
  const lines = useMemo(() => formatHexDump(bytes, { maxBytes: all ? bytes.length : initialBytes }), [bytes, all, initialBytes]);
  return (
    <div className="hex-dump">
      <pre>{lines.join('\n')}</pre>
      {!all && bytes.length > initialBytes && (
        <button type="button" className="link-button" onClick={() => setAll(true)}>
          show all {bytes.length} bytes
        </button>
      )}
    </div>
  );
}
