/**
 * Writes docs/openapi.json from the admin route declarations (protocol/admin-api).
 * `npm run gen:openapi`; `--check` exits 1 when the file is stale (the unit test does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { buildOpenApi } from '../protocol/admin-api/openapi';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OPENAPI_DOC_PATH = join(root, 'docs', 'openapi.json');

export function renderOpenApi(): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return JSON.stringify(buildOpenApi(pkg.version), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderOpenApi();
  if (process.argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(OPENAPI_DOC_PATH, 'utf8'); } catch { /* missing counts as stale */ }
    if (current !== text) {
      process.stderr.write('docs/openapi.json is stale; run npm run gen:openapi\n');
      process.exit(1);
    }
  } else {
    writeFileSync(OPENAPI_DOC_PATH, text);
    process.stdout.write(`wrote ${OPENAPI_DOC_PATH}\n`);
  }
}
