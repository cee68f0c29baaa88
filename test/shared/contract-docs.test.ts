import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderContractDocs } from '../../shared/schema/render.js';

describe('published contract', () => {
  it('docs/ matches the schemas (run `npm run schema` after changing them)', () => {
    for (const [name, content] of Object.entries(renderContractDocs())) {
      const committed = readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');
      expect(committed, `docs/${name} is stale`).toBe(content);
    }
  });
});
