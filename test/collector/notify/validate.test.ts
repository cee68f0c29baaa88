import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notifyConfigProblems, validateNotifyConfig } from '../../../collector/notify/validate.js';
import type { Contract } from '../../../shared/config/contract.js';
import { loadCollectorConfig } from '../../../shared/config/collector-config.js';
import { BladeframeError } from '../../../shared/errors.js';
import { projectFile } from '../../../shared/paths.js';
import { notifyConfig } from '../../support/notify.js';
import { contract } from '../../support/tickets.js';

const smtp = { host: 'smtp.example.net', from: 'callhome@example.net' };

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'bf-notify-')), 'collector.yaml');
  writeFileSync(path, text);
  return path;
}

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BladeframeError);
    expect((error as BladeframeError).code).toBe('BF_CONFIG_INVALID');
    return (error as BladeframeError).details;
  }
  throw new Error('expected BF_CONFIG_INVALID');
}

/** The example contract without some escalation lists. */
function without(...roles: string[]): Contract {
  const list = { ...contract.provider!.escalationList } as Record<string, unknown[]>;
  for (const role of roles) list[role] = [];
  return {
    ...contract,
    provider: { ...contract.provider!, escalationList: list as never },
  };
}

describe('notify configuration', () => {
  it('defaults: no webhooks, no SMTP, the default routing; the example file says the same', () => {
    const config = loadCollectorConfig(undefined, {}).notify;
    expect(config.webhooks).toEqual([]);
    expect(config.smtp).toBeUndefined();
    expect(config.email.rules.map((r) => r.name)).toEqual([
      'new call',
      'new severe call',
      'clock warning',
      'clock breach',
      'severe breach',
      'escalation',
      'closed',
      'test call',
    ]);
    const example = loadCollectorConfig(projectFile('deploy/collector.example.yaml'), {}).notify;
    expect(example).toEqual(config);
  });

  it('takes SMTP from the environment', () => {
    const config = loadCollectorConfig(undefined, {
      SMTP_HOST: 'mail.example.net',
      SMTP_PORT: '465',
      SMTP_TLS: 'implicit',
      SMTP_USER: 'callhome',
      SMTP_PASSWORD: '123456',
      SMTP_FROM: 'callhome@example.net',
      DASHBOARD_URL: 'https://callhome.example.net',
    }).notify;
    expect(config.smtp).toMatchObject({
      host: 'mail.example.net',
      port: 465,
      tls: 'implicit',
      user: 'callhome',
      password: '123456',
    });
    expect(config.dashboardUrl).toBe('https://callhome.example.net');
  });

  it('lists every problem of the section as path: message', () => {
    const file = configFile(`
notify:
  dashboardUrl: callhome.example.net
  delivery: { maxAttempts: 0, initialBackoff: soon, jitter: 2 }
  webhooks:
    - { name: ops, url: ftp://ops.example.net, secret: short, events: [opened, exploded] }
    - { name: ops, url: 'https://ops.example.net/b', secret: a-long-enough-secret-value }
  smtp: { host: smtp.example.net, tls: maybe }
  email:
    rules:
      - { events: [], to: [customer-engineer] }
      - { events: [opened], to: [escalated-role, cfo, not@an@address] }
      - { events: [closed], severities: [6], to: [] }
`);
    expect(problems(() => loadCollectorConfig(file, {}))).toEqual(
      expect.arrayContaining([
        'notify.dashboardUrl: must be an http:// or https:// URL',
        'notify.delivery.maxAttempts: Too small: expected number to be >=1',
        'notify.delivery.initialBackoff: must be a duration like 90s, 15m, 4h or 2d',
        'notify.delivery.jitter: Too big: expected number to be <=1',
        'notify.webhooks.0.url: must be an http:// or https:// URL',
        'notify.webhooks.0.secret: must be at least 16 characters',
        expect.stringMatching(/^notify\.webhooks\.0\.events\.1: must be \* or one of opened, /),
        'notify.smtp.tls: must be starttls, implicit, starttls-if-offered or none',
        'notify.smtp.from: the sender address is required',
        'notify.email.rules.0.events: Too small: expected array to have >=1 items',
        expect.stringMatching(
          /^notify\.email\.rules\.1\.to\.1: must be an email address or one of ceo-coo, vp, /,
        ),
        expect.stringMatching(/^notify\.email\.rules\.1\.to\.2: must be an email address/),
        'notify.email.rules.2.severities.0: must be a severity 1-5',
        'notify.email.rules.2.to: Too small: expected array to have >=1 items',
      ]),
    );
  });

  it('checks the section as a whole once its fields are right', () => {
    const file = configFile(`
notify:
  webhooks:
    - { name: ops, url: 'https://ops.example.net/a', secret: a-long-enough-secret-value }
    - { name: ops, url: 'https://ops.example.net/b', secret: a-long-enough-secret-value }
  delivery: { initialBackoff: 2h, maxBackoff: 1h }
  email:
    rules:
      - { events: [opened], to: [escalated-role] }
`);
    expect(problems(() => loadCollectorConfig(file, {}))).toEqual([
      'notify.webhooks.1.name: duplicate webhook name "ops"',
      'notify.email.rules.0.to.0: escalated-role names someone only for the escalated event',
      'notify.delivery.maxBackoff: must not be shorter than initialBackoff',
    ]);
  });

  it('accepts the defaults against the example contract when SMTP is configured', () => {
    expect(notifyConfigProblems(notifyConfig({ smtp }), contract)).toEqual([]);
  });

  it('refuses a rule naming a role the contract has no list for', () => {
    const config = notifyConfig({
      smtp,
      email: {
        rules: [
          { events: ['opened'], to: ['customer-engineer', 'vp'] },
          { events: ['closed'], to: ['customer'] },
        ],
      },
    });
    const noCustomer = { ...without('vp'), customer: { name: 'X', escalationList: [] } };
    expect(problems(() => validateNotifyConfig(config, noCustomer))).toEqual([
      'notify.email.rules.0.to.1: the contract has no escalation list with an email address for role vp (provider.escalationList.vp)',
      'notify.email.rules.1.to.0: the contract has no customer escalation list with an email address (customer.escalationList)',
    ]);
  });

  it('checks escalated-role against every role the matrix escalates to for the rule severities', () => {
    const config = notifyConfig({
      smtp,
      email: { rules: [{ events: ['escalated'], severities: [3, 4], to: ['escalated-role'] }] },
    });
    // CEO/COO and V.P. are escalated to for severities 1 and 2 only: not a problem for 3-4.
    expect(notifyConfigProblems(config, without('ceo-coo', 'vp'))).toEqual([]);
    expect(notifyConfigProblems(config, without('technical-service-management'))).toEqual([
      'notify.email.rules.0.to.0: the escalation matrix escalates to roles with no escalation list with an email address: technical-service-management (severity 3), technical-service-management (severity 4)',
    ]);
  });

  it('asks nothing of the contract when no email is sent', () => {
    const bare: Contract = { ...contract, provider: undefined, customer: undefined };
    expect(notifyConfigProblems(notifyConfig({}), bare)).toEqual([]);
    expect(notifyConfigProblems(notifyConfig({ smtp }), bare).length).toBeGreaterThan(0);
  });

  it('reports an unreadable CA file', () => {
    expect(
      notifyConfigProblems(
        notifyConfig({ smtp: { ...smtp, caFile: '/nonexistent/ca.pem' } }),
        contract,
      ),
    ).toEqual(['notify.smtp.caFile: cannot read /nonexistent/ca.pem']);
  });
});
