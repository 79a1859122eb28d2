// Draws the app and tray icons as PNGs, so the artwork is reproducible from source:
// `node build/make-icons.mjs`. A rounded tile with a GPU chip and its pins.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixels from `paint(x, y)` (coordinates in 0..1) to a PNG file, 4x4 supersampled. */
function png(size, paint) {
  const rows = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy += 1) {
        for (let sx = 0; sx < 4; sx += 1) {
          const [r, g, b, a] = paint((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
          acc[0] += r * a;
          acc[1] += g * a;
          acc[2] += b * a;
          acc[3] += a;
        }
      }
      const alpha = acc[3] / 16;
      const o = 1 + x * 4;
      row[o] = alpha ? Math.round(acc[0] / acc[3]) : 0;
      row[o + 1] = alpha ? Math.round(acc[1] / acc[3]) : 0;
      row[o + 2] = alpha ? Math.round(acc[2] / acc[3]) : 0;
      row[o + 3] = Math.round(alpha * 255);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const TEAL = [20, 160, 140];
const WHITE = [255, 255, 255];
const CLEAR = [0, 0, 0, 0];

/** The chip: a square die with four pins per side. */
function chip(x, y, color) {
  if (inRoundedRect(x, y, 0.3, 0.3, 0.7, 0.7, 0.05)) {
    return inRoundedRect(x, y, 0.4, 0.4, 0.6, 0.6, 0.02) ? null : color;
  }
  for (let i = 0; i < 4; i += 1) {
    const p = 0.35 + i * 0.1;
    const onPin = (a, b) => a >= p - 0.025 && a <= p + 0.025 && ((b >= 0.2 && b < 0.3) || (b > 0.7 && b <= 0.8));
    if (onPin(x, y) || onPin(y, x)) return color;
  }
  return null;
}

function appIcon(x, y) {
  if (!inRoundedRect(x, y, 0.04, 0.04, 0.96, 0.96, 0.2)) return CLEAR;
  return [...(chip(x, y, WHITE) ?? TEAL), 1];
}

/** Tray icons sit on light and dark panels, so the tray glyph is the chip alone, in teal. */
function trayIcon(x, y) {
  const hit = chip((x - 0.5) * 0.85 + 0.5, (y - 0.5) * 0.85 + 0.5, TEAL);
  return hit ? [...hit, 1] : CLEAR;
}

const root = path.resolve(import.meta.dirname, '..');
const write = (file, data) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
};
write(path.join(root, 'build/icon.png'), png(512, appIcon));
write(path.join(root, 'resources/icons/icon.png'), png(256, appIcon));
write(path.join(root, 'resources/icons/tray.png'), png(32, trayIcon));
write(path.join(root, 'resources/icons/tray@2x.png'), png(64, trayIcon));
