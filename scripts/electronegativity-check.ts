// npm run lint:electron — Doyensec's Electronegativity over the Electron app's sources, compared
// with the accepted findings in .ci/electronegativity-allow.json. Any other finding, any accepted
// finding that no longer occurs, a file the scanner could not parse or an inline `eng-disable`
// fails the run. Offline by construction; see docs/console.md ("Electronegativity").
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { contentSecurityPolicy } from '../main/web-host/csp';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ALLOW_LIST = '.ci/electronegativity-allow.json';
/** What ends up in the Electron app: main process, preload, and the page the window loads. */
const SCANNED = ['main', 'preload', 'renderer/index.html', 'renderer/src', 'package.json'];
/**
 * Needs GitHub's Electron release list at run time, so its answer would change with the network
 * and the day; keeping Electron current is the dependency updates' job, not this gate's.
 */
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

const AllowList = z.strictObject({
  accepted: z.array(
    z.strictObject({
      check: z.string().regex(/^[A-Z0-9_]+$/, 'a check id such as OPEN_EXTERNAL_JS_CHECK'),
      file: z.string().min(1),
      // The flagged line (or CSP) as the scanner reports it: a changed line is a new finding to review.
      sample: z.string(),
      reason: z.string().min(20, 'say why the finding does not apply'),
    }),
  ),
});

interface Finding {
  check: string;
  file: string;
  line: number;
  sample: string;
  description: string;
  url: string;
}

interface EngIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  sample?: string;
  description: string;
  shortenedURL?: string;
}
interface EngResult {
  issues: EngIssue[];
  errors: { file: string; message: string; tolerable: boolean }[];
  globalChecks: number;
  atomicChecks: number;
}
type EngRun = (options: Record<string, unknown>) => Promise<EngResult>;

interface CspEvaluatorModule {
  CspParser: new (policy: string) => { csp: unknown };
  CspEvaluator: new (csp: unknown, version: unknown) => { evaluate(): { severity: number; directive: string; value?: string; description: string }[] };
  Version: { CSP3: unknown };
  severities: Record<'HIGH' | 'SYNTAX' | 'MEDIUM' | 'HIGH_MAYBE' | 'MEDIUM_MAYBE', number>;
}

const require = createRequire(import.meta.url);

/**
 * Electronegativity's only network client is got: translations from S3 at start, the release
 * list for the excluded check. Neither changes a finding, and the gate must answer the same
 * offline, so got is replaced by one that fails at once (the tool then uses its bundled English
 * strings and says "Could not retrieve updated translations" once).
 */
function disableNetwork(): void {
  const gotPath = require.resolve('got', { paths: [dirname(require.resolve('@doyensec/electronegativity'))] });
  const offline = () => Promise.reject(new Error('network disabled for lint:electron'));
  const stub = Object.assign(offline, { head: offline, get: offline, default: offline });
  const cached = new Module(gotPath);
  cached.filename = gotPath;
  cached.loaded = true;
  cached.exports = stub;
  require.cache[gotPath] = cached;
}

/**
 * The app:// CSP is a header built by contentSecurityPolicy(), which the scanner cannot read (it
 * reports "Failed to parse CSP" where the header is set). So the built policy goes through the
 * evaluator the scanner's CSP_GLOBAL_CHECK uses, with the same severity rule, reported against
 * the file that writes it.
 */
function evaluateAppCsp(): Finding[] {
  const engRequire = createRequire(require.resolve('@doyensec/electronegativity'));
  const csp = engRequire('@doyensec/csp-evaluator') as CspEvaluatorModule;
  const policy = contentSecurityPolicy([]);
  const found = new csp.CspEvaluator(new csp.CspParser(policy).csp, csp.Version.CSP3).evaluate();
  // The scanner's rule: HIGH/MEDIUM make a policy weak, the *_MAYBE ones possibly weak; we add SYNTAX.
  const counted = [csp.severities.HIGH, csp.severities.SYNTAX, csp.severities.MEDIUM, csp.severities.HIGH_MAYBE, csp.severities.MEDIUM_MAYBE];
  return found
    .filter((f) => counted.includes(f.severity))
    .map((f) => ({
      check: 'CSP_GLOBAL_CHECK',
      file: 'main/web-host/csp.ts',
      line: 0,
      sample: `${f.directive} ${f.value ?? ''}`.trim(),
      description: `${f.description} (in the app:// policy: ${policy})`,
      url: 'https://github.com/doyensec/electronegativity/wiki/CSP_GLOBAL_CHECK',
    }));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

/** Copies the scanned paths into a fresh directory so global checks see one app and nothing else. */
function stage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-electronegativity-'));
  for (const path of SCANNED) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(join(ROOT, path), join(dir, path), { recursive: true });
  }
  return dir;
}

const posix = (path: string) => path.split(sep).join('/');
const key = (f: { check: string; file: string; sample: string }) => JSON.stringify([f.check, f.file, f.sample.trim()]);

async function main(): Promise<number> {
  const started = Date.now();
  const parsed = AllowList.safeParse(JSON.parse(readFileSync(join(ROOT, ALLOW_LIST), 'utf8')));
  if (!parsed.success) {
    console.error(`lint:electron: ${ALLOW_LIST} is not valid:\n${z.prettifyError(parsed.error)}`);
    return 1;
  }
  const allow = parsed.data;
  const problems: string[] = [];

  const dir = stage();
  try {
    // Inline suppressions would bypass the allow-list, the one place a finding is accepted.
    for (const file of listFiles(dir)) {
      if (readFileSync(file, 'utf8').includes('eng-disable')) problems.push(`${posix(relative(dir, file))}: inline "eng-disable" — accept findings in ${ALLOW_LIST} instead`);
    }

    disableNetwork();
    const run = require('@doyensec/electronegativity') as EngRun;
    const electronVersion = (require('electron/package.json') as { version: string }).version;
    console.log(`lint:electron: Electronegativity over ${SCANNED.join(', ')} (Electron ${electronVersion}, offline)`);
    const result = await run({
      input: dir,
      isRelative: true,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    });

    for (const error of result.errors) {
      const file = posix(relative(dir, error.file));
      if (error.tolerable) console.log(`lint:electron: warning: ${file}: ${error.message}`);
      else problems.push(`${file}: not scanned, the parser failed: ${error.message}`);
    }

    const findings: Finding[] = [
      ...result.issues.map((i) => ({
        check: i.id,
        file: posix(i.file),
        line: i.location.line,
        sample: i.sample ?? '',
        description: i.description,
        url: i.shortenedURL ?? '',
      })),
      ...evaluateAppCsp(),
    ];
    const accepted = new Map(allow.accepted.map((e) => [key(e), e]));
    const matched = new Set<string>();
    for (const f of findings) {
      if (accepted.has(key(f))) {
        matched.add(key(f));
        continue;
      }
      problems.push(`NEW ${f.check} ${f.file}:${f.line}\n    sample: ${JSON.stringify(f.sample.trim())}\n    ${f.description} ${f.url}`);
    }
    for (const [k, entry] of accepted) {
      if (!matched.has(k)) problems.push(`STALE ${entry.check} ${entry.file} ${JSON.stringify(entry.sample)}: accepted in ${ALLOW_LIST} but no longer found — remove the entry (and its row in docs/console.md)`);
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (problems.length > 0) {
      console.error(`lint:electron: ${problems.length} problem(s):\n${problems.map((p) => `  ${p}`).join('\n')}`);
      console.error(`Fix the code, or — only if the finding does not apply — accept it in ${ALLOW_LIST} with the reason, and list it in docs/console.md.`);
      return 1;
    }
    console.log(`lint:electron: ${result.atomicChecks + result.globalChecks} checks, ${findings.length} finding(s), all accepted in ${ALLOW_LIST} (${seconds}s)`);
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
