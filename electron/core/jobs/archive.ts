import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import type { OutputFile } from '../../../shared/jobs/result';

/** Thrown when a job's output breaks a rule; the message is the reason shown to the user. */
export class OutputRefused extends Error {}

export interface CollectOptions {
  /** Total bytes allowed across all files. */
  maxBytes: number;
  /** Host folder the files are saved into; created fresh. */
  saveTo: string;
}

/**
 * Reads a tar stream from the engine's archive API (a directory as `name/...`) and saves its
 * regular files. Symlinks, hard links, devices and paths that leave the folder are refused, and
 * so is anything past the size cap — checked while streaming, so a bomb is never fully read.
 */
export async function collectArchive(source: NodeJS.ReadableStream, options: CollectOptions): Promise<OutputFile[]> {
  fs.rmSync(options.saveTo, { recursive: true, force: true });
  fs.mkdirSync(options.saveTo, { recursive: true, mode: 0o700 });
  const files: OutputFile[] = [];
  let total = 0;
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    // A refusal destroys the reader, which errors the entry being read; that is expected.
    stream.on('error', () => {});
    const fail = (err: Error): void => {
      stream.resume();
      extract.destroy(err);
    };
    const rel = relativeEntryPath(header.name);
    if (rel === null) return fail(new OutputRefused(`the path "${header.name}" escapes the output folder`));
    if (header.type === 'directory') {
      stream.resume();
      stream.on('end', next);
      return;
    }
    if (header.type === 'symlink' || header.type === 'link') {
      return fail(
        new OutputRefused(`"${rel}" is a link (to "${header.linkname ?? ''}"); outputs must be regular files`),
      );
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') {
      return fail(new OutputRefused(`"${rel}" is a ${header.type}; outputs must be regular files`));
    }
    if (rel === '') return fail(new OutputRefused('the output folder itself is not a directory'));
    total += header.size ?? 0;
    if (total > options.maxBytes) {
      return fail(new OutputRefused(`outputs exceed the ${formatMiB(options.maxBytes)} cap (at "${rel}")`));
    }
    const dest = path.join(options.saveTo, rel);
    fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
    const hash = createHash('sha256');
    const out = fs.createWriteStream(dest, { flags: 'wx', mode: 0o600 });
    let bytes = 0;
    stream.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      bytes += chunk.length;
      hash.update(chunk);
    });
    stream.pipe(out);
    out.on('error', (err) => fail(err));
    out.on('finish', () => {
      files.push({ path: rel, bytes, sha256: hash.digest('hex') });
      next();
    });
  });
  try {
    await drain(source, extract);
  } catch (err) {
    fs.rmSync(options.saveTo, { recursive: true, force: true });
    throw err;
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Feeds the engine's stream into the tar reader; a refusal stops the read at once. */
export function drain(source: NodeJS.ReadableStream, extract: tar.Extract): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      if (err) {
        (source as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        reject(err instanceof Error ? err : new Error(String(err)));
      } else resolve();
    };
    extract.on('error', settle);
    extract.on('finish', () => settle());
    extract.on('close', () => settle());
    source.on('error', settle);
    source.pipe(extract as unknown as NodeJS.WritableStream);
  });
}

/** `output/a/b.txt` → `a/b.txt`; null when the path would leave the folder. */
export function relativeEntryPath(name: string): string | null {
  if (name.startsWith('/') || name.includes('\\') || name.includes('\0')) return null;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return null;
  return parts.slice(1).join('/');
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

export interface ArchiveFile {
  path: string;
  data: Buffer;
}

export interface ArchiveDir {
  path: string;
  uid: number;
  gid: number;
  mode: number;
}

/** Builds a tar with the given directories (owner and mode set) and read-only root-owned files. */
export async function buildArchive(dirs: ArchiveDir[], files: ArchiveFile[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const made = new Set<string>();
  const addDir = (dir: ArchiveDir): void => {
    if (made.has(dir.path)) return;
    made.add(dir.path);
    pack.entry({ name: `${dir.path}/`, type: 'directory', mode: dir.mode, uid: dir.uid, gid: dir.gid });
  };
  for (const dir of dirs) addDir(dir);
  for (const file of files) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) addDir({ path: parts.slice(0, i).join('/'), uid: 0, gid: 0, mode: 0o555 });
    pack.entry({ name: file.path, type: 'file', mode: 0o444, uid: 0, gid: 0, size: file.data.length }, file.data);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
