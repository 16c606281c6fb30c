import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { explainOutputJsonSchema } from '../../lib/diagnosis/schema/explainOutputSchema.js';

/** Regenerates `explain-output.schema.json` from the zod schema. */
const target = fileURLToPath(
  new URL('../../lib/diagnosis/schema/explain-output.schema.json', import.meta.url),
);
writeFileSync(target, `${JSON.stringify(explainOutputJsonSchema(), null, 2)}\n`, 'utf8');
process.stdout.write(`wrote ${target}\n`);
