#!/usr/bin/env node
// Runs the built bundle when present, else the TypeScript source through tsx (development).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bladeframe-agent.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../agent/cli.ts', import.meta.url).href);
}
