import { z } from 'zod';
import { contractSchema } from '../config/contract.js';
import { ERRORS } from '../errors.js';
import { messageSchemas } from '../messages/index.js';
import { SIGNALS } from '../signals.js';
import { TOPIC_ROOT } from '../topics.js';

/**
 * Renders the published contract: one JSON Schema per message kind, and the error catalogue.
 * `npm run schema` writes these under docs/; a test fails when the committed copies are stale.
 */
export function renderContractDocs(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [kind, schema] of Object.entries(messageSchemas)) {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
    const document = {
      $id: `https://bladeframe-callhome.dev/schema/v1/${kind}.schema.json`,
      title: `${TOPIC_ROOT}/<site>/<frame>/<blade>/${kind}`,
      ...json,
    };
    files[`schema/${kind}.schema.json`] = JSON.stringify(document, null, 2) + '\n';
  }
  files['schema/signals.json'] = JSON.stringify(SIGNALS, null, 2) + '\n';
  // The contract file as written (durations as text), for editors that validate YAML.
  const contract = z.toJSONSchema(contractSchema, { target: 'draft-2020-12', io: 'input' });
  files['schema/contract.schema.json'] =
    JSON.stringify(
      {
        $id: 'https://bladeframe-callhome.dev/schema/v1/contract.schema.json',
        title: 'Service contract (Schedule A) file',
        ...contract,
      },
      null,
      2,
    ) + '\n';
  files['ERRORS.md'] = renderErrorCatalogue();
  return files;
}

function renderErrorCatalogue(): string {
  const lines = [
    '# Error catalogue',
    '',
    'Every deliberate error carries one of these codes: in logs, in CLI output, and in API',
    'responses as `{"code", "message", "details"}` with the HTTP status below.',
    '(Generated from `shared/errors.ts` by `npm run schema`.)',
    '',
  ];
  for (const [code, spec] of Object.entries(ERRORS)) {
    lines.push(`## ${code}`, '', `HTTP ${spec.status}: ${spec.message}.`, '');
    lines.push(`- Cause: ${spec.cause}`, `- Fix: ${spec.fix}`, '');
  }
  return lines.join('\n');
}
