import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderContractDocs } from './render.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs');
for (const [name, content] of Object.entries(renderContractDocs())) {
  const path = join(docs, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote docs/${name}`);
}
