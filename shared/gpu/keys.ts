import type { GpuVendor } from './types';

/**
 * Model keys: one stable, lowercase name per product, so rate cards, the TDP table and the UI agree
 * whatever the driver calls the card ("NVIDIA GeForce RTX 4090", "GeForce RTX 4090", ...).
 */

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** GeForce / Quadro / Tesla / RTX workstation names. */
function nvidiaKey(name: string, vramMiB: number | null): string {
  const n = name
    .replace(/\bNVIDIA\b/gi, '')
    .replace(/\bGeForce\b/gi, '')
    .replace(/\s+/g, ' ')
    .trim();
  const laptop = /\b(laptop|mobile|max-q)\b/i.test(n) ? '-laptop' : '';

  const consumer = /\b(RTX|GTX)\s*(\d{4})\s*(Ti)?\s*(SUPER)?\s*(D)?\b/i.exec(n);
  if (consumer && !/quadro|\bAda\b/i.test(n)) {
    const [, family, number, ti, sup, d] = consumer;
    let key = `${family!.toLowerCase()}-${number}`;
    if (ti) key += '-ti';
    if (sup) key += '-super';
    if (d) key += '-d';
    // The RTX 3060 shipped with 12 GB and 8 GB of memory; they earn and draw differently.
    if (key === 'rtx-3060' && vramMiB !== null) key += vramMiB > 10_000 ? '-12gb' : '-8gb';
    return key + laptop;
  }

  const memGb = /(\d+)\s*GB/i.exec(n)?.[1];
  const datacenter =
    /\b(A100|H100|H200|B200|B100|GH200|A800|H800|V100|A30|A10G?|A40|A16|A2|L40S?|L4|T4|P100|K80)\b/i.exec(n);
  if (datacenter) {
    const chip = datacenter[1]!.toLowerCase();
    if (chip === 'a100' || chip === 'h100' || chip === 'v100' || chip === 'a800' || chip === 'h800') {
      const gb = memGb ?? (vramMiB !== null ? String(memoryClassGb(vramMiB)) : null);
      return gb ? `${chip}-${gb}gb` : chip;
    }
    if (chip === 'h200') return 'h200-141gb';
    return chip;
  }

  const workstation = /\bRTX\s*(A\d{4}|\d{4})\s*(Ada)?/i.exec(n);
  if (workstation) {
    const quadro = /quadro/i.test(n) ? 'quadro-' : '';
    return `${quadro}rtx-${workstation[1]!.toLowerCase()}${workstation[2] ? '-ada' : ''}`;
  }
  return slug(n) || 'unknown-nvidia';
}

/** Datacenter cards report a little less than their marketed size (81559 MiB on an "80GB" H100). */
function memoryClassGb(vramMiB: number): number {
  const classes = [16, 24, 32, 40, 48, 80, 94, 96, 141, 192];
  const gb = vramMiB / 1024;
  return classes.find((c) => gb <= c * 1.02) ?? Math.round(gb);
}

/** AMD device IDs rocm-smi prints when it knows only the marketing family. */
const AMD_DEVICE_IDS: Record<string, string> = {
  '0x738c': 'mi100',
  '0x7408': 'mi250x',
  '0x740c': 'mi250',
  '0x740f': 'mi210',
  '0x74a1': 'mi300x',
  '0x74a0': 'mi300a',
};

function amdKey(name: string, vramMiB: number | null, deviceId: string | null): string {
  // rocm-smi often gives a family with the candidates in brackets: "Navi 31 [Radeon RX 7900 XT/7900 XTX/...]".
  const bracket = /\[([^\]]+)\]/.exec(name)?.[1];
  const text = bracket ?? name;
  const instinct = /\bMI\s*(\d{3}[A-Z]?)\b/i.exec(text);
  if (instinct && !/MI200\b/i.test(text)) return `mi${instinct[1]!.toLowerCase()}`;
  const id = deviceId?.toLowerCase() ?? '';
  if (AMD_DEVICE_IDS[id]) return AMD_DEVICE_IDS[id];
  const rx = /\bRX\s*(\d{4})\s*((?:XTX|XT|GRE|M)?)\b/i.exec(text);
  if (rx) {
    const alternatives = text.includes('/') ? text.split('/').map((s) => s.trim()) : [];
    if (alternatives.length > 1 && vramMiB !== null) return navi31ByMemory(rx[1]!, vramMiB);
    return `rx-${rx[1]}${rx[2] ? `-${rx[2].toLowerCase()}` : ''}`;
  }
  return slug(text.replace(/\b(AMD|ATI|Radeon)\b/gi, '')) || 'unknown-amd';
}

/** The RX 7900 family shares one device ID; its memory size tells the cards apart. */
function navi31ByMemory(number: string, vramMiB: number): string {
  if (number !== '7900') return `rx-${number}`;
  if (vramMiB > 22 * 1024) return 'rx-7900-xtx';
  if (vramMiB > 18 * 1024) return 'rx-7900-xt';
  return 'rx-7900-gre';
}

function appleKey(name: string): string {
  const m = /\bM(\d)\s*(Pro|Max|Ultra)?\b/i.exec(name);
  if (!m) return slug(name.replace(/apple/i, '')) || 'unknown-apple';
  return `m${m[1]}${m[2] ? `-${m[2].toLowerCase()}` : ''}`;
}

function intelKey(name: string): string {
  const arc = /\bArc\b.*?\b([AB]\d{3})\b/i.exec(name);
  if (arc) return `arc-${arc[1]!.toLowerCase()}`;
  return slug(name.replace(/\b(intel|\(r\)|\(tm\)|corporation)\b/gi, '')) || 'unknown-intel';
}

export function vendorFromName(name: string): GpuVendor {
  if (/nvidia|geforce|quadro|tesla|\brtx\b|\bgtx\b/i.test(name)) return 'nvidia';
  if (/\bamd\b|radeon|\bati\b|instinct|navi/i.test(name)) return 'amd';
  if (/intel/i.test(name)) return 'intel';
  if (/apple|\bM\d\b/i.test(name)) return 'apple';
  return 'other';
}

export function modelKey(
  vendor: GpuVendor,
  name: string,
  vramMiB: number | null = null,
  deviceId: string | null = null,
): string {
  switch (vendor) {
    case 'nvidia':
      return nvidiaKey(name, vramMiB);
    case 'amd':
      return amdKey(name, vramMiB, deviceId);
    case 'apple':
      return appleKey(name);
    case 'intel':
      return intelKey(name);
    default:
      return slug(name) || 'unknown';
  }
}
