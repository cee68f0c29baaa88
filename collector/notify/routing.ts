import type { Contract } from '../../shared/config/contract.js';
import {
  PROVIDER_ROLES,
  type EmailRule,
  type NotifyConfig,
  type WebhookSettings,
} from '../../shared/config/notify-config.js';
import type { EscalationRole } from '../domain/ticket-events.js';
import type { TicketNotice } from './ticket-notice.js';

interface Covered {
  severities: readonly number[];
  calls: 'real' | 'test' | 'all';
  stormChildren: boolean;
}

/** Whether a rule or webhook covers the ticket: its service severity, test or not, storm child. */
function covers(filter: Covered, notice: TicketNotice): boolean {
  const { ticket } = notice;
  if (!filter.severities.includes(ticket.serviceSeverity)) return false;
  if (filter.calls === 'real' && ticket.test) return false;
  if (filter.calls === 'test' && !ticket.test) return false;
  if (!filter.stormChildren && ticket.parentId !== null) return false;
  return true;
}

function webhookWants(hook: WebhookSettings, type: string): boolean {
  return hook.events.includes('*') || (hook.events as string[]).includes(type);
}

/** The email addresses of a contact list (contacts without one are reached another way). */
function emails(contacts: readonly { email?: string | undefined }[] | undefined): string[] {
  return (contacts ?? []).flatMap((c) => (c.email ? [c.email] : []));
}

function isProviderRole(value: string): value is EscalationRole {
  return (PROVIDER_ROLES as readonly string[]).includes(value);
}

/**
 * Resolves one recipient of a rule to addresses: a provider role's escalation list, the
 * customer's list, the site's contacts, the role an escalation went to, or a literal address.
 */
export function resolveRecipient(
  recipient: string,
  contract: Contract,
  notice: Pick<TicketNotice, 'escalation'> & { ticket: { siteId: string } },
): string[] {
  if (isProviderRole(recipient)) return emails(contract.provider?.escalationList[recipient]);
  switch (recipient) {
    case 'customer':
      return emails(contract.customer?.escalationList);
    case 'site':
      return emails(contract.sites.find((s) => s.id === notice.ticket.siteId)?.contacts);
    case 'escalated-role':
      return notice.escalation
        ? emails(contract.provider?.escalationList[notice.escalation.role])
        : [];
    default:
      return [recipient];
  }
}

/** Which receivers an event goes to, by the configuration's webhooks and email rules. */
export class NotifyRouter {
  constructor(
    private readonly config: NotifyConfig,
    private readonly contract: () => Contract,
    /** Email is routed only when an SMTP server is configured. */
    private readonly emailEnabled: boolean,
  ) {}

  /** Whether any receiver could want this type of event (the rest are skipped unread). */
  wants(type: string): boolean {
    if (this.config.webhooks.some((hook) => webhookWants(hook, type))) return true;
    return (
      this.emailEnabled && this.config.email.rules.some((r) => r.events.includes(type as never))
    );
  }

  webhooksFor(notice: TicketNotice): WebhookSettings[] {
    return this.config.webhooks.filter(
      (hook) => webhookWants(hook, notice.event.type) && covers(hook, notice),
    );
  }

  rulesFor(notice: TicketNotice): EmailRule[] {
    if (!this.emailEnabled) return [];
    return this.config.email.rules.filter(
      (rule) => (rule.events as string[]).includes(notice.event.type) && covers(rule, notice),
    );
  }

  /** Every address the event is mailed to, once each, in the order the rules name them. */
  emailRecipients(notice: TicketNotice): string[] {
    const contract = this.contract();
    const seen = new Set<string>();
    const result: string[] = [];
    for (const rule of this.rulesFor(notice)) {
      for (const recipient of rule.to) {
        for (const address of resolveRecipient(recipient, contract, notice)) {
          const key = address.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          result.push(key);
        }
      }
    }
    return result;
  }
}
