/** Splits nvidia-smi's CSV (no quoting: it never prints commas inside a value). */
export function parseSmiCsv(stdout: string, columns: number): string[][] | null {
  const lines = stdout.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = lines.map((l) => l.split(',').map((v) => v.trim()));
  if (rows.length === 0 || rows.some((r) => r.length !== columns)) return null;
  return rows;
}
