import { accessSync, constants } from 'node:fs';
import type { Contract } from '../../shared/config/contract.js';
import { PROVIDER_ROLES, type NotifyConfig } from '../../shared/config/notify-config.js';
import { BladeframeError } from '../../shared/errors.js';
import type { EscalationRole, Severity } from '../domain/ticket-events.js';
import { escalationRow } from '../sla/escalation.js';

function hasEmail(contacts: readonly { email?: string | undefined }[] | undefined): boolean {
  return (contacts ?? []).some((c) => Boolean(c.email));
}

/**
 * What the notify section asks of the contract, as `path: message` lines (empty: all well).
 * Email rules are checked only when an SMTP server is configured: without one nothing is mailed,
 * and a contract without escalation lists must not stop a collector that sends none.
 */
export function notifyConfigProblems(config: NotifyConfig, contract: Contract): string[] {
  const problems: string[] = [];
  if (config.smtp?.caFile) {
    try {
      accessSync(config.smtp.caFile, constants.R_OK);
    } catch {
      problems.push(`notify.smtp.caFile: cannot read ${config.smtp.caFile}`);
    }
  }
  if (!config.smtp) return problems;
  const providerList = (role: EscalationRole) => contract.provider?.escalationList[role];
  config.email.rules.forEach((rule, index) => {
    rule.to.forEach((recipient, position) => {
      const path = `notify.email.rules.${index}.to.${position}`;
      if ((PROVIDER_ROLES as readonly string[]).includes(recipient)) {
        if (!hasEmail(providerList(recipient as EscalationRole))) {
          problems.push(
            `${path}: the contract has no escalation list with an email address for role ${recipient} (provider.escalationList.${recipient})`,
          );
        }
      } else if (recipient === 'customer') {
        if (!hasEmail(contract.customer?.escalationList)) {
          problems.push(
            `${path}: the contract has no customer escalation list with an email address (customer.escalationList)`,
          );
        }
      } else if (recipient === 'site') {
        const without = contract.sites.filter((s) => !hasEmail(s.contacts)).map((s) => s.id);
        if (without.length > 0) {
          problems.push(
            `${path}: sites without a contact with an email address: ${without.join(', ')}`,
          );
        }
      } else if (recipient === 'escalated-role') {
        const missing = new Set<string>();
        for (const severity of rule.severities) {
          for (const [role] of escalationRow(contract, severity as Severity)) {
            if (!hasEmail(providerList(role))) missing.add(`${role} (severity ${severity})`);
          }
        }
        if (missing.size > 0) {
          problems.push(
            `${path}: the escalation matrix escalates to roles with no escalation list with an email address: ${[...missing].join(', ')}`,
          );
        }
      }
    });
  });
  return problems;
}

/** Throws BF_CONFIG_INVALID listing every problem (the collector refuses to start). */
export function validateNotifyConfig(config: NotifyConfig, contract: Contract): void {
  const problems = notifyConfigProblems(config, contract);
  if (problems.length > 0) {
    throw new BladeframeError(
      'BF_CONFIG_INVALID',
      `notifications (${problems.length} problem(s))`,
      problems,
    );
  }
}
