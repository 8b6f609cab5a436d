/**
 * Reading files out of a node through the engine (Docker's archive API), not through a program in
 * the node: nothing a solution ships (its own `cat`) or a learner runs can change what is read, it
 * works on a frozen node too, and one request brings a whole folder.
 */
import type Docker from 'dockerode';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';

/** Files larger than this are not configuration: left out of what is read. */
const MAX_FILE_BYTES = 256 * 1024;

/**
 * The regular files under `dir` in the node (recursively), by absolute path, as UTF-8 text.
 * A folder that does not exist gives an empty map.
 */
export async function readNodeFolder(container: Docker.Container, dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  let archive: Readable;
  try {
    archive = (await container.getArchive({ path: dir })) as unknown as Readable;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return files;
    throw error;
  }
  // Entries are named from the folder's own name down ("keepalived/conf.d/vi.conf").
  const parent = path.posix.dirname(path.posix.normalize(dir));
  const untar = extract();
  untar.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (data: unknown) => {
      const c = data as Buffer;
      size += c.length;
      if (size <= MAX_FILE_BYTES) chunks.push(c);
    });
    stream.on('end', () => {
      if (header.type === 'file' && size <= MAX_FILE_BYTES) files.set(path.posix.join(parent, header.name), Buffer.concat(chunks).toString('utf8'));
      next();
    });
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    untar.on('finish', resolve);
    untar.on('error', reject);
    archive.on('error', reject);
    archive.pipe(untar);
  });
  return files;
}
