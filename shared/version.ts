// Replaced at bundle time by esbuild's `define`; read from package.json when running from source.
import { readFileSync } from 'node:fs';

declare const __BLADEFRAME_VERSION__: string | undefined;

function readPackageVersion(): string {
  try {
    const url = new URL('../package.json', import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const VERSION: string =
  typeof __BLADEFRAME_VERSION__ === 'string' ? __BLADEFRAME_VERSION__ : readPackageVersion();
