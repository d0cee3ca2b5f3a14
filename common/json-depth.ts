/**
 * Whether JSON text nests objects/arrays deeper than `max`, read from the text before it is
 * parsed: JSON.parse takes any depth, but every later walk of the value (serialising an echo or a
 * publish, redacting a log line) recurses and would overflow the stack on a few thousand levels.
 * Text shorter than 2 × max cannot nest that deep, so the usual small frame is not scanned.
 */
export function jsonDeeperThan(text: string, max: number): boolean {
  if (text.length <= 2 * max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
