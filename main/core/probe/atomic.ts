import { renameSync, writeFileSync } from 'node:fs';

/** Write to a sibling temp file, then rename: readers see the old file or the new one, never half. */
export function writeFileAtomic(path: string, data: string, mode = 0o644): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data, { mode });
  renameSync(tmp, path);
}
