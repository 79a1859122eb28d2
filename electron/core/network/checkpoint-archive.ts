import crypto from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';

export interface CheckpointSnapshot {
  data: Buffer;
  sha256: string;
}

/** Files inside a checkpoint archive, by path relative to the checkpoint dir. */
export interface CheckpointFile {
  path: string;
  data: Buffer;
}

const SAFE_NAME = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/**
 * Reads the checkpoint dir of a running job's container as a tar archive, normalised to its
 * regular files in name order, so an unchanged dir gives the same hash every time.
 */
export async function snapshotCheckpoint(
  docker: Docker,
  containerId: string,
  dir: string,
  maxBytes: number,
): Promise<CheckpointSnapshot | null> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.getContainer(containerId).getArchive({ path: dir });
  } catch {
    return null;
  }
  const files = await readTar(stream as Readable, maxBytes, true);
  if (files.length === 0) return null;
  const data = await packFiles(files);
  return { data, sha256: crypto.createHash('sha256').update(data).digest('hex') };
}

/** Parses a checkpoint archive from the network. Links, devices and unsafe names are dropped. */
export async function unpackCheckpoint(data: Buffer, maxBytes: number): Promise<CheckpointFile[]> {
  return readTar(Readable.from([data]), maxBytes, false);
}

async function readTar(stream: Readable, maxBytes: number, stripTopDir: boolean): Promise<CheckpointFile[]> {
  const extract = tar.extract();
  const files: CheckpointFile[] = [];
  let total = 0;
  for await (const entry of stream.pipe(extract)) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type !== 'file') continue;
    let name = path.posix.normalize(entry.header.name).replace(/^\/+/, '');
    if (stripTopDir) name = name.split('/').slice(1).join('/');
    if (!name || !SAFE_NAME.test(name) || name.split('/').includes('..')) continue;
    const data = Buffer.concat(chunks);
    total += data.length;
    if (total > maxBytes) throw new Error(`The checkpoint is larger than the network accepts (${maxBytes} bytes).`);
    files.push({ path: name, data });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function packFiles(files: CheckpointFile[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.path, size: f.data.length, mtime: new Date(0), mode: 0o644 }, f.data);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
