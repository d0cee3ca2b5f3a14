import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Read from disk: vitest turns CSS imports (even ?raw) into empty strings.
const css = readFileSync(join(__dirname, '../../../renderer/src/styles.css'), 'utf8');

/** The declarations of the first rule whose selector is exactly `selector`, in order, whitespace and comments aside. */
function declarations(selector: string): string[] {
  const at = css.indexOf(`${selector} {`);
  if (at < 0) throw new Error(`no rule ${selector}`);
  const body = css.slice(css.indexOf('{', at) + 1, css.indexOf('}', at));
  return body
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split(';')
    .map((d: string) => d.trim())
    .filter(Boolean);
}

describe('theme colours in styles.css', () => {
  it('the dark colours chosen outright and the ones that follow a dark system are the same set', () => {
    const chosen = declarations(":root[data-theme='dark']");
    const followed = declarations(":root:not([data-theme='light'])");
    expect(chosen.length).toBeGreaterThan(15);
    expect(followed).toEqual(chosen);
    expect(chosen).toContain('color-scheme: dark');
    // Every colour the light set defines has a dark counterpart.
    const names = (ds: string[]) => ds.map((d) => d.split(':')[0]!).filter((n) => n.startsWith('--'));
    const light = names(declarations(':root')).filter((n) => n !== '--mono' && n !== '--row-h');
    expect(light.filter((n) => !names(chosen).includes(n))).toEqual([]);
  });

  it('the dark set follows the system only inside the prefers-color-scheme query', () => {
    const at = css.indexOf(":root:not([data-theme='light'])");
    expect(css.lastIndexOf('@media (prefers-color-scheme: dark) {', at)).toBeGreaterThan(css.indexOf(":root[data-theme='dark']"));
  });
});
