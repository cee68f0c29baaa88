import { describe, expect, it } from 'vitest';
import { contractEnvironments, contractSites } from '../../../collector/fleet/contract-fleet.js';
import { loadContract, parseContract } from '../../../collector/sla/load-contract.js';
import { readYamlFile } from '../../../shared/config/load.js';
import { projectFile } from '../../../shared/paths.js';

describe('the contract in the fleet registry', () => {
  it('names the sites with their addresses and contacts', () => {
    const sites = contractSites(loadContract());
    expect(sites.length).toBeGreaterThan(0);
    expect(sites[0]).toMatchObject({
      id: expect.any(String),
      name: expect.any(String),
      address: expect.objectContaining({ city: expect.any(String) }),
      contacts: expect.arrayContaining([expect.objectContaining({ name: expect.any(String) })]),
    });
  });

  it('overrides a blade environment by blade, then by frame', () => {
    const raw = readYamlFile(projectFile('deploy', 'contract.example.yaml')) as {
      sites: { id: string; environments?: unknown }[];
    };
    raw.sites[0]!.environments = { frames: { lab: 'qa' }, blades: { 'lab-07': 'production' } };
    const site = raw.sites[0]!.id;
    const environmentFor = contractEnvironments(parseContract(raw));
    expect(environmentFor(site, 'lab', 'lab-01')).toBe('qa');
    expect(environmentFor(site, 'lab', 'lab-07')).toBe('production');
    expect(environmentFor(site, 'prod', 'p-01')).toBeUndefined();
    expect(environmentFor('elsewhere', 'lab', 'lab-01')).toBeUndefined();
  });

  it('refuses an environment that is neither production nor qa', () => {
    const raw = readYamlFile(projectFile('deploy', 'contract.example.yaml')) as {
      sites: { environments?: unknown }[];
    };
    raw.sites[0]!.environments = { frames: { lab: 'staging' } };
    expect(() => parseContract(raw)).toThrow(/invalid/);
  });
});
