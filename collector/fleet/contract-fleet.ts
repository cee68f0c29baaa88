import type { Contract } from '../../shared/config/contract.js';
import type { Environment } from '../../shared/messages/birth.js';
import type { ContractSite } from './fleet-queries.js';

/** The contract's word on a blade's environment: the blade's own entry, else its frame's. */
export function contractEnvironments(
  contract: Pick<Contract, 'sites'>,
): (siteId: string, frameId: string, bladeId: string) => Environment | undefined {
  const bySite = new Map(contract.sites.map((s) => [s.id, s.environments]));
  return (siteId, frameId, bladeId) => {
    const site = bySite.get(siteId);
    return site?.blades[bladeId] ?? site?.frames[frameId];
  };
}

/** The sites of the contract as the registry keeps them. */
export function contractSites(contract: Pick<Contract, 'sites'>): ContractSite[] {
  return contract.sites.map((s) => ({
    id: s.id,
    name: s.name,
    address: s.address,
    contacts: s.contacts,
  }));
}
