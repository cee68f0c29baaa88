import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorRuntime } from '../../../collector/runtime.js';
import { exampleContractFile } from '../../../collector/sla/load-contract.js';
import { startTestBroker, uniqueSite, type TestBroker } from '../../support/broker.js';
import { injectAs, startTestCollector, testCollectorConfig } from '../../support/collector.js';
import { collectorStoreTargets, type TestDataLocation } from '../../support/stores.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(() => broker.stop());

describe.each(collectorStoreTargets)('the contract replaced while running, on $name', (target) => {
  let location: TestDataLocation;
  let runtime: CollectorRuntime | undefined;
  let dir: string;
  afterEach(async () => {
    await runtime?.stop();
    await location.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts a new contract in force in every part of the collector', async () => {
    const site = uniqueSite('contract');
    location = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'bf-contract-'));
    const file = join(dir, 'contract.yaml');
    copyFileSync(exampleContractFile(), file);
    runtime = await startTestCollector({
      ...testCollectorConfig(broker, site, location),
      contractFile: file,
    });
    const asAdmin = await injectAs(runtime, 'admin');
    const asOps = await injectAs(runtime, 'operations');

    const edited = parse(readFileSync(file, 'utf8')) as {
      sites: { id: string; name: string; address: unknown }[];
    };
    edited.sites.push({ ...edited.sites[0]!, id: 'dc3', name: 'Third data center' });
    const response = await asAdmin({
      method: 'PUT',
      url: '/api/contract',
      payload: stringify(edited),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(response.statusCode, response.body).toBe(200);

    expect(runtime.tickets!.contract.sites.map((s) => s.id)).toContain('dc3');
    expect(runtime.contractHolder!.current()).toBe(runtime.tickets!.contract);
    const sites = (await asOps('/api/sites')).json().sites as {
      siteId: string;
      inContract: boolean;
    }[];
    expect(sites.find((s) => s.siteId === 'dc3')).toMatchObject({ inContract: true });
    // A call can be placed at the new site at once.
    const call = await (
      await injectAs(runtime, 'customer')
    )({
      method: 'POST',
      url: '/api/tickets',
      payload: { siteId: 'dc3', severity: 3, summary: 'Console unreachable' },
    });
    expect(call.statusCode, call.body).toBe(201);
    // Kept for the next start.
    expect(readFileSync(file, 'utf8')).toContain('Third data center');

    const bad = await asAdmin({
      method: 'PUT',
      url: '/api/contract',
      payload: 'program: nonsense\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(bad.statusCode).toBe(400);
    expect(runtime.tickets!.contract.sites.map((s) => s.id)).toContain('dc3');
  });
});
