import type { Contract } from '../../shared/config/contract.js';
import { escapeHtml as h } from '../reports/render/escape.js';
import type { BladeOnRelease, ReleaseSupport } from './release-support.js';

/** The end-of-support notice to the customer ("SOFTWARE VERSIONS" of Schedule A). */
export function releaseNoticeMail(
  release: ReleaseSupport,
  blades: readonly BladeOnRelease[],
  contract: Contract,
  late: boolean,
): { subject: string; text: string; html: string } {
  const provider = contract.provider?.name ?? 'Support';
  const customer = contract.customer?.name;
  const subject = `End of support for ${release.name} on ${release.endOfSupportOn}`;
  const intro =
    `${customer ? `${customer}: ` : ''}support for the Major Release ${release.name} (released ` +
    `${release.releasedOn}) ends on ${release.endOfSupportOn}. ${blades.length} blade(s) still run it:`;
  const lines = blades.map(
    (b) =>
      `- ${b.siteId}/${b.frameId}/${b.bladeId}${b.hostname ? ` (${b.hostname})` : ''}: ${release.product} ${b.version}`,
  );
  const after =
    `Please plan their upgrade to a supported release before that date. ` +
    `${late ? `This notice comes later than the ${contract.releases.notice.latestDays} days before the end of support that the contract provides. ` : ''}` +
    `Software upgrades are delivered at no additional charge during the contract term.`;
  const contact = [contract.provider?.supportPhone, contract.provider?.supportEmail]
    .filter(Boolean)
    .join(', ');
  const text = [
    intro,
    '',
    ...lines,
    '',
    after,
    '',
    `${provider}${contact ? ` — ${contact}` : ''}`,
    '',
  ].join('\n');
  const html =
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${h(subject)}</title></head>` +
    `<body style="font-family:system-ui,Arial,sans-serif;font-size:14px;color:#101828">` +
    `<p>${h(intro)}</p><ul>${blades
      .map(
        (b) =>
          `<li>${h(`${b.siteId}/${b.frameId}/${b.bladeId}`)}${b.hostname ? ` (${h(b.hostname)})` : ''}: ${h(`${release.product} ${b.version}`)}</li>`,
      )
      .join(
        '',
      )}</ul><p>${h(after)}</p><p>${h(provider)}${contact ? ` — ${h(contact)}` : ''}</p></body></html>`;
  return { subject, text, html };
}
