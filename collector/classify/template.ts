import type { Observation } from './observation.js';

/**
 * Explanations are templates: `{evidence.celsius}`, `{component.location}`, `{signal}` and the
 * other names below are replaced by the observation's values, so a ticket says why in its own
 * figures. A value the observation lacks renders as `n/a`.
 */
export const TEMPLATE_FIELDS = [
  'signal',
  'title',
  'summary',
  'siteId',
  'frameId',
  'bladeId',
  'environment',
  'component.kind',
  'component.id',
  'component.location',
] as const;

const PLACEHOLDER = /\{([A-Za-z0-9_.-]+)\}/g;

/** Placeholders a template uses that no observation could fill (reported when rules load). */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter(
      (name) =>
        !(TEMPLATE_FIELDS as readonly string[]).includes(name) &&
        !(name.startsWith('evidence.') && name.length > 'evidence.'.length),
    );
}

function lookup(name: string, observation: Observation, title: string): unknown {
  if (name.startsWith('evidence.')) {
    const key = name.slice('evidence.'.length);
    return Object.hasOwn(observation.evidence, key) ? observation.evidence[key] : undefined;
  }
  switch (name) {
    case 'title':
      return title;
    case 'component.kind':
      return observation.component.kind;
    case 'component.id':
      return observation.component.id;
    case 'component.location':
      return observation.component.location;
    case 'signal':
    case 'summary':
    case 'siteId':
    case 'frameId':
    case 'bladeId':
    case 'environment':
      return observation[name];
    default:
      return undefined;
  }
}

export function renderTemplate(template: string, observation: Observation, title: string): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = lookup(name, observation, title);
    if (value === undefined || value === null || value === '') {
      return (TEMPLATE_FIELDS as readonly string[]).includes(name) || name.startsWith('evidence.')
        ? 'n/a'
        : whole;
    }
    return String(value);
  });
}
