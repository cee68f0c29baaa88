import { z } from 'zod';
import { isDuration, parseDuration } from '../duration.js';

/**
 * The `notify` section of the collector configuration: where webhooks go, the SMTP server, and
 * which ticket events are mailed to whom. What depends on the contract (a rule naming a role
 * with no escalation list) is checked when the collector starts (collector/notify/validate.ts).
 */

const duration = z
  .string()
  .refine(isDuration, 'must be a duration like 90s, 15m, 4h or 2d')
  .transform(parseDuration);

/** Secrets may look like numbers in YAML or the environment; keep them as text. */
const text = z.union([z.string(), z.number()]).transform(String);

/** Every type of ticket event (collector/domain/ticket-events.ts), as configuration names them. */
export const NOTIFY_EVENT_TYPES = [
  'opened',
  'occurrence',
  'cleared',
  'severity-raised',
  'acknowledged',
  'responded',
  'arrived-on-site',
  'diagnosed',
  'replacement-dispatched',
  'update-sent',
  'note',
  'fixed',
  'closed',
  'child-attached',
  'parent-attached',
  'clock-warning',
  'clock-breached',
  'escalated',
] as const;
export type NotifyEventType = (typeof NOTIFY_EVENT_TYPES)[number];

/** What a webhook receives unless told otherwise: every change of a call's course, not repeats. */
export const DEFAULT_WEBHOOK_EVENTS: NotifyEventType[] = [
  'opened',
  'severity-raised',
  'acknowledged',
  'responded',
  'arrived-on-site',
  'diagnosed',
  'replacement-dispatched',
  'update-sent',
  'fixed',
  'closed',
  'clock-warning',
  'clock-breached',
  'escalated',
];

/** Roles of the provider's escalation lists (Schedule A's escalation matrix). */
export const PROVIDER_ROLES = [
  'ceo-coo',
  'vp',
  'enterprise-services-engineering',
  'technical-service-management',
  'customer-engineer',
] as const;

/**
 * Who an email rule sends to: a role of the provider's escalation list, `customer` (the
 * customer's escalation list), `site` (the contacts of the ticket's site), `escalated-role`
 * (for an escalation: the list of the role escalated to), or an email address.
 */
export const RECIPIENT_KEYWORDS = [
  ...PROVIDER_ROLES,
  'customer',
  'site',
  'escalated-role',
] as const;
export type RecipientKeyword = (typeof RECIPIENT_KEYWORDS)[number];

const emailAddress = z.email();

const recipient = z
  .string()
  .trim()
  .refine(
    (value) =>
      (RECIPIENT_KEYWORDS as readonly string[]).includes(value) ||
      emailAddress.safeParse(value).success,
    { message: `must be an email address or one of ${RECIPIENT_KEYWORDS.join(', ')}` },
  );

const severity = z
  .int({ error: 'must be a severity 1-5' })
  .min(1, 'must be a severity 1-5')
  .max(5, 'must be a severity 1-5');
const severities = z.array(severity).min(1).default([1, 2, 3, 4, 5]);
const eventType = z.enum(NOTIFY_EVENT_TYPES, {
  error: `must be one of ${NOTIFY_EVENT_TYPES.join(', ')}`,
});

/** Which calls a rule or webhook covers: real ones, test calls, or both. */
const calls = z.enum(['real', 'test', 'all']);

const emailRuleSchema = z.strictObject({
  /** For the log and error messages. */
  name: z.string().min(1).optional(),
  events: z.array(eventType).min(1),
  /** The ticket's service severity (QA systems are served at severity 3). */
  severities,
  calls: calls.default('real'),
  /** A storm's children: their parent is the call people work; mailing each child is noise. */
  stormChildren: z.boolean().default(false),
  to: z.array(recipient).min(1),
});
export type EmailRule = z.output<typeof emailRuleSchema>;
export type EmailRuleInput = z.input<typeof emailRuleSchema>;

/**
 * Who is mailed when nothing else is configured (reasons in docs/DECISIONS.md): customer
 * engineering hears of every call and every clock; technical service management of every
 * severity 1-2 call and of every warning and breach; enterprise services engineering of a
 * severity 1-2 breach; each escalation goes to the role escalated to; the customer's list is
 * told when a call closes; a test call's opening is mailed to customer engineering so the path
 * is proved end to end.
 */
export const DEFAULT_EMAIL_RULES: EmailRuleInput[] = [
  { name: 'new call', events: ['opened'], to: ['customer-engineer'] },
  {
    name: 'new severe call',
    events: ['opened', 'severity-raised'],
    severities: [1, 2],
    to: ['technical-service-management'],
  },
  {
    name: 'clock warning',
    events: ['clock-warning'],
    to: ['customer-engineer', 'technical-service-management'],
  },
  {
    name: 'clock breach',
    events: ['clock-breached'],
    to: ['customer-engineer', 'technical-service-management'],
  },
  {
    name: 'severe breach',
    events: ['clock-breached'],
    severities: [1, 2],
    to: ['enterprise-services-engineering'],
  },
  { name: 'escalation', events: ['escalated'], to: ['escalated-role'] },
  { name: 'closed', events: ['closed'], to: ['customer-engineer', 'customer'] },
  { name: 'test call', events: ['opened'], calls: 'test', to: ['customer-engineer'] },
];

const webhookSchema = z.strictObject({
  /** Names the receiver in the delivery log; deliveries are queued and ordered per name. */
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ -'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  /** Shared secret of the HMAC-SHA256 signature (`X-Signature`). */
  secret: text.pipe(z.string().min(16, 'must be at least 16 characters')),
  /** Event types to send, or `['*']` for every one. */
  events: z
    .array(
      z.enum([...NOTIFY_EVENT_TYPES, '*'], {
        error: `must be * or one of ${NOTIFY_EVENT_TYPES.join(', ')}`,
      }),
    )
    .min(1)
    .default(DEFAULT_WEBHOOK_EVENTS),
  severities,
  calls: calls.default('all'),
  stormChildren: z.boolean().default(true),
  /** Extra request headers (e.g. an API key the receiver wants). */
  headers: z.record(z.string(), z.string()).default({}),
});
export type WebhookSettings = z.output<typeof webhookSchema>;

const smtpSchema = z.strictObject({
  host: z.string().min(1),
  port: z.int().min(1).max(65535).default(587),
  /**
   * `starttls`: plain connection upgraded with STARTTLS, refused when the server does not offer
   * it; `implicit`: TLS from the first byte (port 465); `starttls-if-offered`; `none` (a relay
   * on localhost only).
   */
  tls: z
    .enum(['starttls', 'implicit', 'starttls-if-offered', 'none'], {
      error: 'must be starttls, implicit, starttls-if-offered or none',
    })
    .default('starttls'),
  /** CA certificate (PEM) to verify the server, when it is not in the system store. */
  caFile: z.string().min(1).optional(),
  rejectUnauthorized: z.boolean().default(true),
  user: text.optional(),
  password: text.optional(),
  /** The sender: `support-alerts@example.com` or `"Call home" <support-alerts@example.com>`. */
  from: z.string({ error: 'the sender address is required' }).min(3),
  replyTo: z.string().min(3).optional(),
});
export type SmtpSettings = z.output<typeof smtpSchema>;

export const notifyConfigSchema = z
  .object({
    /** Where people open the dashboard; links in webhooks and mail point into it. */
    dashboardUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('http://localhost:8080'),
    /** The path of a ticket under the dashboard URL; `{id}` is replaced. */
    ticketPath: z.string().includes('{id}').default('/#/tickets/{id}'),
    delivery: z
      .object({
        /** Attempts before a delivery is failed for good (a later manual retry starts over). */
        maxAttempts: z.int().min(1).max(1000).default(30),
        /** Backoff after the first failed attempt; doubled after each until `maxBackoff`. */
        initialBackoff: duration.default(30_000),
        maxBackoff: duration.default(3_600_000),
        /** Each backoff is spread by up to ± this fraction, so receivers are not hit in step. */
        jitter: z.number().min(0).max(1).default(0.2),
        /** A webhook request or SMTP step taking longer is a failed attempt. */
        timeout: duration.default(10_000),
        /** How often to look for work other collectors queued. */
        pollInterval: duration.default(30_000),
        /** How long new ticket events gather before their deliveries are queued and sent. */
        gather: duration.default(20),
        /** Receivers served at once. */
        concurrency: z.int().min(1).max(100).default(8),
        /**
         * How long a hole in the ticket event ids is waited for (a transaction of another
         * collector that has not committed yet) before it is taken to be a rolled-back insert.
         */
        gapGrace: duration.default(60_000),
        /** Delivered and failed deliveries are kept this long in the log, then removed. */
        retention: duration.default(90 * 86_400_000),
      })
      .prefault({}),
    webhooks: z.array(webhookSchema).default([]),
    /** Absent: no email (rules are still checked against the contract). */
    smtp: smtpSchema.optional(),
    email: z
      .object({
        rules: z.array(emailRuleSchema).prefault(DEFAULT_EMAIL_RULES),
        subjectPrefix: z.string().default('[BladeFrame]'),
      })
      .prefault({}),
  })
  .superRefine((notify, ctx) => {
    const names = new Set<string>();
    notify.webhooks.forEach((hook, index) => {
      if (names.has(hook.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['webhooks', index, 'name'],
          message: `duplicate webhook name "${hook.name}"`,
        });
      }
      names.add(hook.name);
    });
    notify.email.rules.forEach((rule, index) => {
      rule.to.forEach((to, position) => {
        if (to === 'escalated-role' && !rule.events.includes('escalated')) {
          ctx.addIssue({
            code: 'custom',
            path: ['email', 'rules', index, 'to', position],
            message: 'escalated-role names someone only for the escalated event',
          });
        }
      });
    });
    if (notify.delivery.maxBackoff < notify.delivery.initialBackoff) {
      ctx.addIssue({
        code: 'custom',
        path: ['delivery', 'maxBackoff'],
        message: 'must not be shorter than initialBackoff',
      });
    }
  });

export type NotifyConfig = z.output<typeof notifyConfigSchema>;

/** Environment variables of the notify section and the setting each one overrides. */
export const NOTIFY_ENV: Record<string, string> = {
  DASHBOARD_URL: 'notify.dashboardUrl',
  SMTP_HOST: 'notify.smtp.host',
  SMTP_PORT: 'notify.smtp.port',
  SMTP_TLS: 'notify.smtp.tls',
  SMTP_USER: 'notify.smtp.user',
  SMTP_PASSWORD: 'notify.smtp.password',
  SMTP_FROM: 'notify.smtp.from',
};
