// Generates build/icon.png (512×512) — a patch-panel glyph — with no image tooling: raw RGBA → PNG.
// electron-builder derives the .icns/.ico and Linux sizes from it. Run: node build/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { Buffer } from 'node:buffer';

const S = 512;
const px = Buffer.alloc(S * S * 4);
const set = (x, y, [r, g, b, a]) => {
  const i = (y * S + x) * 4;
  px[i] = r; px[i + 1] = g; px[i + 2] = b; px[i + 3] = a;
};
const inRounded = (x, y, x0, y0, x1, y1, rad) => {
  const cx = Math.min(Math.max(x, x0 + rad), x1 - rad);
  const cy = Math.min(Math.max(y, y0 + rad), y1 - rad);
  return (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad && x >= x0 && x <= x1 && y >= y0 && y <= y1;
};
const BG = [17, 19, 24, 255];
const JACK = [58, 64, 78, 255];
const LIT = [64, 196, 160, 255];
const CABLE = [240, 176, 64, 255];
const jacks = [];
for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) jacks.push([136 + c * 120, 136 + r * 120]);
const lit = new Set([0, 4, 8, 2]);
for (let y = 0; y < S; y++) {
  for (let x = 0; x < S; x++) {
    if (!inRounded(x, y, 16, 16, 495, 495, 96)) { set(x, y, [0, 0, 0, 0]); continue; }
    let color = BG;
    jacks.forEach(([jx, jy], i) => {
      const d = Math.hypot(x - jx, y - jy);
      if (d <= 34) color = JACK;
      if (d <= 18) color = lit.has(i) ? LIT : [30, 33, 40, 255];
    });
    // Two patch cables: 0 → 8 and 2 → 4.
    const onSeg = (ax, ay, bx, by) => {
      const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
      return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= 9;
    };
    if (onSeg(136, 136, 376, 376) || onSeg(376, 136, 256, 256)) color = CABLE;
    set(x, y, color);
  }
}
const raw = Buffer.alloc(S * (S * 4 + 1));
for (let y = 0; y < S; y++) px.copy(raw, y * (S * 4 + 1) + 1, y * S * 4, (y + 1) * S * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(S, 0); ihdr.writeUInt32BE(S, 4); ihdr[8] = 8; ihdr[9] = 6;
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`build/icon.png: ${png.length} bytes`);
