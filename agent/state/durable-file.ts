import { closeSync, fsyncSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { open, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file so that after a crash or power loss it holds either the old or the new content,
 * never a torn mix: write a temporary file, sync it, rename it over, sync the directory.
 */
export async function writeDurable(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.tmp-${basename(path)}`);
  const handle = await open(tmp, 'w', 0o640);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}

export function writeDurableSync(path: string, content: string): void {
  const tmp = join(dirname(path), `.tmp-${basename(path)}`);
  const fd = openSync(tmp, 'w', 0o640);
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Rewrites a small file without syncing (state that may lag by one write after a crash). */
export async function writeReplace(path: string, content: string): Promise<void> {
  const tmp = join(dirname(path), `.tmp-${basename(path)}`);
  await writeFile(tmp, content, { mode: 0o640 });
  await rename(tmp, path);
}
