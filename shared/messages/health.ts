import { z } from 'zod';
import { envelopeSchema } from './envelope.js';

const count = z.number().nonnegative().nullable();

export const probeReportSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  durationMs: z.number().nonnegative(),
  error: z.string().optional(),
});
export type ProbeReport = z.infer<typeof probeReportSchema>;

/** The periodic snapshot; it is also the heartbeat. Absent hardware gives empty lists or null. */
export const healthMessageSchema = envelopeSchema.extend({
  intervalS: z.int().positive().describe('Seconds until the next snapshot is due'),
  uptimeS: z.number().nonnegative(),
  load: z.object({ one: z.number(), five: z.number(), fifteen: z.number() }),
  cpu: z.object({
    count: z.int().nonnegative(),
    busyPercent: z.number().min(0).max(100).nullable(),
  }),
  memory: z.object({
    totalBytes: z.number().nonnegative(),
    availableBytes: z.number().nonnegative(),
    swapTotalBytes: z.number().nonnegative(),
    swapFreeBytes: z.number().nonnegative(),
  }),
  filesystems: z.array(
    z.object({
      mount: z.string(),
      device: z.string(),
      fstype: z.string(),
      sizeBytes: z.number().nonnegative(),
      usedBytes: z.number().nonnegative(),
      readOnly: z.boolean(),
    }),
  ),
  temperatures: z.array(
    z.object({
      sensor: z.string(),
      celsius: z.number(),
      warnC: z.number().nullable(),
      critC: z.number().nullable(),
    }),
  ),
  fans: z.array(z.object({ sensor: z.string(), rpm: z.number().nullable(), alarm: z.boolean() })),
  counters: z.object({
    edacCorrectable: count,
    edacUncorrectable: count,
    aerCorrectable: count,
    aerNonfatal: count,
    aerFatal: count,
    machineChecks: count,
    oomKills: count,
  }),
  probes: z.array(probeReportSchema),
  outbox: z.object({
    queued: z.int().nonnegative(),
    bytes: z.int().nonnegative(),
    droppedHealth: z.int().nonnegative(),
    droppedFaults: z.int().nonnegative(),
  }),
});
export type HealthMessage = z.infer<typeof healthMessageSchema>;
