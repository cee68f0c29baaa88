import { IANAZone } from 'luxon';
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration.js';

/**
 * The service contract (Schedule A of the Support Services Agreement) as data. Every figure the
 * filing blanked out (`[**]`) is a setting here; what the contract fixes (business hours, the
 * NYSE calendar, the four-hour replacement blade, the one-hour software response) is a default.
 * Durations are written `90m`, `4h`, `2d` and come out as milliseconds. On a `business` calendar
 * a duration counts business time only: `12h` is one full business day of 08:00-20:00.
 */

const duration = z
  .string({ error: 'must be a duration like 90m, 4h or 2d' })
  .regex(DURATION_PATTERN, { message: 'must be a duration like 90m, 4h or 2d' })
  .describe('A duration: 90m, 4h, 2d, 1h30m (business time on a business calendar)')
  .transform(parseDuration)
  .refine((ms) => ms > 0, { message: 'must be longer than zero' });

const isoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });
const timeOfDay = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time of day HH:MM (24-hour)' });

export const CALENDARS = ['business', 'continuous'] as const;
export type CalendarKind = (typeof CALENDARS)[number];

/** The clocks of collector/domain's `CLOCK_KINDS` that can decide a call's SLR. */
export const SLR_CLOCK_KINDS = [
  'onsite-response',
  'diagnosis',
  'replacement',
  'response',
  'software-response',
] as const;

const businessHoursSchema = z
  .strictObject({
    zone: z
      .string()
      .default('America/New_York')
      .refine((zone) => IANAZone.isValidZone(zone), { message: 'must be an IANA time zone' }),
    open: timeOfDay.default('08:00'),
    close: timeOfDay.default('20:00'),
    /** Dated closures beyond the NYSE rules, e.g. a national day of mourning. */
    extraClosures: z.array(z.strictObject({ date: isoDate, name: z.string().min(1) })).default([]),
  })
  .refine((hours) => hours.open < hours.close, {
    message: 'open must be before close',
    path: ['close'],
  });

const onsiteSeveritySchema = z.strictObject({
  onsiteResponse: z.strictObject({
    businessHours: duration,
    outsideBusinessHours: duration,
  }),
  /** From arrival on site to a hardware/software diagnosis. */
  diagnosis: duration,
  /** Severity 1 and 2 work is continuous (24x7) by Schedule A. */
  calendar: z.enum(CALENDARS).default('continuous'),
});

const responseSeveritySchema = z.strictObject({
  response: duration,
  calendar: z.enum(CALENDARS),
});

const ALL_ROLES = {
  'ceo-coo': duration,
  vp: duration,
  'enterprise-services-engineering': duration,
  'technical-service-management': duration,
  'customer-engineer': duration,
};
// Schedule A's matrix names CEO/COO and V.P. for severities 1 and 2 only.
const LOWER_ROLES = {
  'enterprise-services-engineering': duration,
  'technical-service-management': duration,
  'customer-engineer': duration,
};

const contactSchema = z.strictObject({
  name: z.string().min(1),
  role: z.string().min(1).optional(),
  email: z.email().optional(),
  phone: z.string().min(3).optional(),
});

const addressSchema = z.strictObject({
  street: z.string().min(1),
  city: z.string().min(1),
  region: z.string().min(1),
  postalCode: z.string().min(1),
  country: z.string().min(2).default('US'),
});

const environmentName = z.enum(['production', 'qa']);
const nameKey = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 of A-Z a-z 0-9 . _ -' });

/**
 * Which systems the contract treats as QA (served at severity 3 response time) or production,
 * whatever a blade declares of itself: a blade's own entry first, then its frame's.
 */
const siteEnvironmentsSchema = z
  .strictObject({
    frames: z.record(nameKey, environmentName).default({}),
    blades: z.record(nameKey, environmentName).default({}),
  })
  .default({ frames: {}, blades: {} });

/**
 * "at least one set of replacement parts on, or nearby, the Customer premises": one physical
 * set (a cage on the floor, a depot nearby) and what a full set holds. A replacement blade
 * dispatched from the set takes one `spares.replacementPart` from it.
 */
const spareSetSchema = z.strictObject({
  id: nameKey,
  name: z.string().min(1).optional(),
  /** Where it is kept: on the premises or nearby. */
  location: z.string().min(1).optional(),
  parts: z
    .array(
      z.strictObject({
        part: nameKey,
        description: z.string().min(1).optional(),
        quantity: z.int().min(1),
      }),
    )
    .min(1, { message: 'name at least one part' })
    .default([{ part: 'blade', quantity: 1 }]),
});

const siteSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'must be 1-64 of A-Z a-z 0-9 . _ -' }),
  name: z.string().min(1),
  /** SLR is measured per site, "defined as the physical address of a data center". */
  address: addressSchema,
  /** The site's own time zone, for the times people there read (default: business hours' zone). */
  zone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), { message: 'must be an IANA time zone' })
    .optional(),
  contacts: z.array(contactSchema).min(1, { message: 'name at least one contact' }),
  spareSets: z.array(spareSetSchema).default([]),
  /** Receive this site's monthly report (the contract's `reports.recipients` receive all). */
  reportRecipients: z.array(contactSchema).default([]),
  environments: siteEnvironmentsSchema,
});

const escalationContactsSchema = z
  .strictObject({
    'ceo-coo': z.array(contactSchema).default([]),
    vp: z.array(contactSchema).default([]),
    'enterprise-services-engineering': z.array(contactSchema).default([]),
    'technical-service-management': z.array(contactSchema).default([]),
    'customer-engineer': z.array(contactSchema).default([]),
  })
  .default({
    'ceo-coo': [],
    vp: [],
    'enterprise-services-engineering': [],
    'technical-service-management': [],
    'customer-engineer': [],
  });

export const contractSchema = z
  .strictObject({
    /** Enterprise II: two years; Enterprise I: the same service for one year. */
    program: z.enum(['enterprise-i', 'enterprise-ii']),
    startsOn: isoDate,
    customer: z
      .strictObject({
        name: z.string().min(1),
        /** The customer's escalation list ("Customer and Egenera will provide escalation lists"). */
        escalationList: z.array(contactSchema).default([]),
      })
      .optional(),
    provider: z
      .strictObject({
        name: z.string().min(1),
        supportPhone: z.string().min(3).optional(),
        supportEmail: z.email().optional(),
        escalationList: escalationContactsSchema,
      })
      .optional(),
    businessHours: businessHoursSchema.default({
      zone: 'America/New_York',
      open: '08:00',
      close: '20:00',
      extraClosures: [],
    }),
    severities: z.strictObject({
      1: onsiteSeveritySchema,
      2: onsiteSeveritySchema,
      3: responseSeveritySchema,
      4: responseSeveritySchema,
      5: responseSeveritySchema,
    }),
    /** "a replacement blade will be provided within four hours on a 24x7x365 basis". */
    replacementBlade: duration.default(4 * 3_600_000),
    /** Schedule A grants the replacement blade in the severity 1 and 2 paragraphs only. */
    replacementSeverities: z
      .array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]))
      .default([1, 2]),
    /** "An Egenera engineer must respond within one hour". */
    softwareResponse: duration.default(3_600_000),
    softwareUpdates: z.strictObject({
      /** "If Software calls are not closed within [**]" */
      after: duration,
      /** "... Egenera must provide updates every [**]" */
      every: duration,
      /** Whether updates stop at the fix or only at the (consented) close. */
      until: z.enum(['fixed', 'closed']).default('closed'),
    }),
    escalation: z.strictObject({
      1: z.strictObject(ALL_ROLES),
      2: z.strictObject(ALL_ROLES),
      3: z.strictObject(LOWER_ROLES),
      4: z.strictObject(LOWER_ROLES),
      5: z.strictObject(LOWER_ROLES),
    }),
    slr: z.strictObject({
      /** "Response Time=>[**]%" per site and month. */
      thresholdPercent: z.number().min(0).max(100),
      /**
       * The clocks that decide whether a call was "responded to within SLR": all of those the
       * call has must be met. Default: on-site response (severity 1-2), response (3-5 and QA)
       * and the one-hour software response.
       */
      responseClocks: z
        .array(z.enum(SLR_CLOCK_KINDS))
        .min(1, { message: 'name at least one clock' })
        .default(['onsite-response', 'response', 'software-response']),
      /** Which month a call belongs to: that of its detection (the clocks' start) or opening. */
      monthOf: z.enum(['detection', 'opening']).default('detection'),
      /**
       * A call still unresponded when its month ends: `follow` judges it by its clocks whenever
       * they are decided (the month stays provisional until then); `missed` counts it missed.
       */
      unrespondedAtMonthEnd: z.enum(['follow', 'missed']).default('follow'),
      /**
       * "For any month that [the] response time for any site has been less than [**]%": one
       * month's extension per month with any site below (`month`), or per site below
       * (`site-month`).
       */
      creditPer: z.enum(['month', 'site-month']).default('month'),
      /** Severities whose calls count (severity 5 feature requests have a response target too). */
      severities: z
        .array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]))
        .min(1)
        .default([1, 2, 3, 4, 5]),
    }),
    spares: z
      .strictObject({
        /** The part a replacement blade takes from its spare set. */
        replacementPart: nameKey.default('blade'),
      })
      .default({ replacementPart: 'blade' }),
    /** Major Releases of the provider's software, for the end-of-support notices. */
    releases: z
      .strictObject({
        /** "support ... for at least 24 months after the initial public release". */
        supportMonths: z.int().min(1).default(24),
        notice: z
          .strictObject({
            /** "Not more than one hundred and twenty (120) days ..." */
            earliestDays: z.int().min(1).default(120),
            /** "... and not less than ninety (90) days prior to the end of a service". */
            latestDays: z.int().min(0).default(90),
            /** The customer's notification addressees; absent: `reports.recipients`. */
            recipients: z.array(contactSchema).default([]),
          })
          .default({ earliestDays: 120, latestDays: 90, recipients: [] }),
        majors: z
          .array(
            z.strictObject({
              product: z.string().min(1),
              /** The Major Release's version; a blade's `5.0.3` runs Major Release `5.0`. */
              version: z.string().regex(/^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$/, {
                message: 'must be a version like 5 or 5.0',
              }),
              name: z.string().min(1).optional(),
              releasedOn: isoDate,
              /** When support ends if not `supportMonths` after release (e.g. extended). */
              endOfSupportOn: isoDate.optional(),
            }),
          )
          .default([]),
      })
      .default({
        supportMonths: 24,
        notice: { earliestDays: 120, latestDays: 90, recipients: [] },
        majors: [],
      }),
    /** Reports delivered by email (Schedule A, "Reporting Requirements"). */
    reports: z
      .strictObject({
        /** Receive every report (all sites); each site's `reportRecipients` get its own. */
        recipients: z.array(contactSchema).default([]),
        daily: z
          .strictObject({
            /** Local time (contract zone) the previous day's report is sent. */
            sendAt: timeOfDay.default('07:00'),
          })
          .default({ sendAt: '07:00' }),
        monthly: z
          .strictObject({
            dayOfMonth: z.int().min(1).max(28).default(1),
            sendAt: timeOfDay.default('08:00'),
          })
          .default({ dayOfMonth: 1, sendAt: '08:00' }),
        requirements: z
          .strictObject({
            /** ISO weekday (1 Monday ... 7 Sunday) of the product requirements review. */
            weekday: z.int().min(1).max(7).default(1),
            sendAt: timeOfDay.default('09:00'),
            /** Who reviews the product requirements matrix; absent: `reports.recipients`. */
            recipients: z.array(contactSchema).default([]),
          })
          .default({ weekday: 1, sendAt: '09:00', recipients: [] }),
      })
      .default({
        recipients: [],
        daily: { sendAt: '07:00' },
        monthly: { dayOfMonth: 1, sendAt: '08:00' },
        requirements: { weekday: 1, sendAt: '09:00', recipients: [] },
      }),
    clocks: z
      .strictObject({
        /** A warning is recorded when this fraction of a clock's target has elapsed. */
        warnFraction: z.number().gt(0).lt(1).default(0.75),
        /**
         * After a customer raises the severity, the new severity's targets count from the raise
         * (`raise`: the raise is the customer's report at that severity) or from detection.
         */
        raisedTargetsFrom: z.enum(['raise', 'detection']).default('raise'),
        /**
         * A call found to be software only by the engineer's diagnosis: its software clocks count
         * from the diagnosis (`diagnosis`; the diagnosis itself is the engineer's response) or as
         * if it had been known to be software from detection (`detection`).
         */
        softwareKnownLater: z.enum(['diagnosis', 'detection']).default('diagnosis'),
      })
      .default({ warnFraction: 0.75, raisedTargetsFrom: 'raise', softwareKnownLater: 'diagnosis' }),
    detection: z
      .strictObject({
        /**
         * How far the agent's observation time may differ from the receive time; beyond it
         * (or when the agent's clock is ahead) the receive time is the detection time.
         */
        maxSkew: duration.default(5 * 60_000),
      })
      .default({ maxSkew: 5 * 60_000 }),
    sites: z.array(siteSchema).min(1, { message: 'name at least one site' }),
  })
  .superRefine((contract, ctx) => {
    const seen = new Set<string>();
    contract.sites.forEach((site, index) => {
      if (seen.has(site.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sites', index, 'id'],
          message: `duplicate site id "${site.id}"`,
        });
      }
      seen.add(site.id);
      const sets = new Set<string>();
      site.spareSets.forEach((set, setIndex) => {
        if (sets.has(set.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sites', index, 'spareSets', setIndex, 'id'],
            message: `duplicate spare set "${set.id}"`,
          });
        }
        sets.add(set.id);
        const parts = new Set<string>();
        set.parts.forEach((part, partIndex) => {
          if (parts.has(part.part)) {
            ctx.addIssue({
              code: 'custom',
              path: ['sites', index, 'spareSets', setIndex, 'parts', partIndex, 'part'],
              message: `part "${part.part}" listed twice`,
            });
          }
          parts.add(part.part);
        });
      });
    });
    const releases = new Set<string>();
    contract.releases.majors.forEach((major, index) => {
      const key = `${major.product}@${major.version}`;
      if (releases.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['releases', 'majors', index, 'version'],
          message: `duplicate Major Release ${major.product} ${major.version}`,
        });
      }
      releases.add(key);
      if (major.endOfSupportOn !== undefined && major.endOfSupportOn <= major.releasedOn) {
        ctx.addIssue({
          code: 'custom',
          path: ['releases', 'majors', index, 'endOfSupportOn'],
          message: 'must be after releasedOn',
        });
      }
    });
    if (contract.releases.notice.earliestDays < contract.releases.notice.latestDays) {
      ctx.addIssue({
        code: 'custom',
        path: ['releases', 'notice', 'earliestDays'],
        message: 'must be at least latestDays',
      });
    }
    const dates = new Set<string>();
    contract.businessHours.extraClosures.forEach((closure, index) => {
      if (dates.has(closure.date)) {
        ctx.addIssue({
          code: 'custom',
          path: ['businessHours', 'extraClosures', index, 'date'],
          message: `duplicate closure ${closure.date}`,
        });
      }
      dates.add(closure.date);
    });
  });

export type ContractInput = z.input<typeof contractSchema>;
export type Contract = z.output<typeof contractSchema>;
export type BusinessHours = Contract['businessHours'];
export type Site = Contract['sites'][number];
export type SpareSet = Site['spareSets'][number];
export type MajorRelease = Contract['releases']['majors'][number];
export type ContractContact = Site['contacts'][number];

const TERM_MONTHS = { 'enterprise-i': 12, 'enterprise-ii': 24 } as const;

/** Length of the service term in months, before any SLR extension. */
export function termMonths(contract: Contract): number {
  return TERM_MONTHS[contract.program];
}
