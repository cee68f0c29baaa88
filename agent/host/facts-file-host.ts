import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { HostAdapter } from './host-adapter.js';

const nullableString = z.string().nullable().default(null);

const factsSchema = z.object({
  os: z.object({ distro: nullableString, release: nullableString }).prefault({}),
  system: z
    .object({
      manufacturer: nullableString,
      model: nullableString,
      serial: nullableString,
      biosVersion: nullableString,
      biosDate: nullableString,
    })
    .prefault({}),
  disks: z
    .array(
      z.object({
        device: z.string(),
        model: nullableString,
        serial: nullableString,
        smart: z.enum(['ok', 'failing', 'unknown']),
        attributes: z
          .array(
            z.object({
              id: z.int(),
              name: z.string(),
              value: z.number(),
              worst: z.number(),
              thresh: z.number(),
              whenFailed: z.string().default(''),
              prefailure: z.boolean().default(false),
              raw: z.number().default(0),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
  failedUnits: z
    .array(z.object({ unit: z.string(), load: z.string(), active: z.string(), sub: z.string() }))
    .nullable()
    .default(null),
  statfs: z
    .record(
      z.string(),
      z.object({ sizeBytes: z.number(), freeBytes: z.number(), availBytes: z.number() }),
    )
    .default({}),
});

export type HostFacts = z.input<typeof factsSchema>;

/**
 * Host facts read from a JSON file instead of the live system (`collect --facts FILE`): with the
 * sysfs/procfs roots it reproduces a blade's collection anywhere (tests, support replays).
 */
export function factsFileHost(path: string): HostAdapter {
  let parsed: z.output<typeof factsSchema>;
  try {
    parsed = factsSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    const reason =
      error instanceof z.ZodError
        ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        : (error as Error).message;
    throw new Error(`${path}: ${reason}`, { cause: error });
  }
  const facts = parsed;
  return {
    osRelease: async () => facts.os,
    system: async () => facts.system,
    disks: async () => facts.disks,
    failedUnits: async () => facts.failedUnits,
    statfs: async (mount) => facts.statfs[mount] ?? null,
  };
}
