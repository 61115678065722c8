/**
 * Regenerates server/src/schemas/job.schema.json, the batch/v1 Job JSON Schema the language
 * server uses to find unknown fields (scripts/jobJsonSchema.ts builds it from @kubernetes/client-node's
 * models). Run after upgrading @kubernetes/client-node; test/unit/jobSchemaFile.test.ts fails
 * while the committed file differs from what this writes.
 *
 *   node --import tsx scripts/generate-job-schema.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JOB_SCHEMA_FILE, jobSchemaFileText } from './jobJsonSchema';

async function main(): Promise<void> {
  const file = join(__dirname, '..', JOB_SCHEMA_FILE);
  const text = await jobSchemaFileText();
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) {
    console.log(`${JOB_SCHEMA_FILE}: up to date (${(text.length / 1024).toFixed(0)} KiB)`);
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`${JOB_SCHEMA_FILE}: written (${(text.length / 1024).toFixed(0)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
