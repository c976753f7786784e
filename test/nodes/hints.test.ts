/**
 * What the node says in context (n8n's UX guidelines), through n8n-core's engine against the
 * sandbox: the hints above a run's output, the error that names the ID Format fix, item numbers
 * as a person counts rows.
 */
import type { NodeExecutionHint } from 'n8n-workflow';

import { BIG_RETURN_ALL } from '../../nodes/PortalDuct/hints';
import type { RunResult } from '../harness';
import { closeHarness, connectionWithInvoices, world, type World } from '../support/fixture';
import { uuid } from '../support/workflows';

let w: World;
beforeEach(async () => {
	w = await world();
});
afterEach(async () => {
	await w.close();
});
afterAll(closeHarness);

/** The hints n8n recorded with the PortalDuct node's run (what the editor shows above its output). */
const hintsOf = (run: RunResult): NodeExecutionHint[] => run.runData.PortalDuct?.[0]?.hints ?? [];

test('Include Token: a warning that the output holds secrets; none without it', async () => {
	const withToken = await w.act({ resource: 'auth', operation: 'getToken', includeToken: true });
	expect(withToken.error).toBeUndefined();
	expect(withToken.json('PortalDuct')[0]).toHaveProperty('token');
	expect(hintsOf(withToken)).toEqual([
		expect.objectContaining({ type: 'warning', location: 'outputPane', message: expect.stringMatching(/^Include Token puts the access and refresh tokens in the output\. They are secrets/) }),
	]);

	const without = await w.act({ resource: 'auth', operation: 'getToken' });
	expect(without.error).toBeUndefined();
	expect(hintsOf(without)).toEqual([]);
});

test(`Return All of ${BIG_RETURN_ALL} invoices or more says how many and what to do; a small one or a Limit says nothing`, async () => {
	const big = await connectionWithInvoices(w, BIG_RETURN_ALL + 5);
	const all = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: big.connection, returnAll: true });
	expect(all.error).toBeUndefined();
	expect(all.json('PortalDuct')).toHaveLength(BIG_RETURN_ALL + 5);
	expect(hintsOf(all)).toEqual([
		{ type: 'info', location: 'outputPane', message: `Return All fetched ${(BIG_RETURN_ALL + 5).toLocaleString('en-US')} invoices in one execution. Set a Limit, or turn on Simplify to keep each item small.` },
	]);

	const limited = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: big.connection, limit: 10 });
	expect(limited.json('PortalDuct')).toHaveLength(10);
	expect(hintsOf(limited)).toEqual([]);

	const small = await connectionWithInvoices(w, 3);
	const allSmall = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: small.connection, returnAll: true });
	expect(allSmall.json('PortalDuct')).toHaveLength(3);
	expect(hintsOf(allSmall)).toEqual([]);
});

test('a 429 from PortalDuct: the run succeeds and the hint counts the waits and names Concurrency', async () => {
	const { clientUUID } = await connectionWithInvoices(w, 1);
	const balance = { resource: 'client', operation: 'getBalance', clientUUID, options: { concurrency: 7 } };
	const calm = await w.act(balance);
	expect(calm.error).toBeUndefined();
	expect(hintsOf(calm)).toEqual([]);

	w.sandbox.control.injectFault({ path: `/v1/getClientBalance/${clientUUID}`, kind: 'status', status: 429, retryAfterSeconds: 1, count: 1 });
	const limited = await w.act(balance);
	expect(limited.error).toBeUndefined();
	expect(hintsOf(limited)).toEqual([
		{
			type: 'info',
			location: 'outputPane',
			message: 'PortalDuct answered 429 (too many requests) 1 time in this run, and the node waited as asked. Options > Concurrency is 7: a lower one avoids the waits.',
		},
	]);
});

test('a CRM id in a UUID field: the error names the ID Format option; an empty field does not', async () => {
	const crmId = await w.act({ resource: 'customer', operation: 'create', customerUUID: '48213', name: 'Acme' });
	const error = crmId.error as Error & { description?: string };
	expect(error.message).toBe('Item 1 (index 0): "Customer UUID" must be a UUID like 3f2b8c1e-7d4a-4e2b-9c1f-0a5d6e7f8a9b, but it is "48213"');
	expect(error.description).toBe(
		'If "48213" is the customer\'s ID in your own platform, set "ID Format" to "Your Own ID (Any Text)": the node turns it into the same UUID every time. Nothing was sent to PortalDuct for this item.',
	);
	expect(w.sandbox.state.customers.size).toBe(0);

	// The option it names exists and takes the very same value.
	const fixed = await w.act({ resource: 'customer', operation: 'create', idFormat: 'ownId', customerOwnId: '48213', name: 'Acme' });
	expect(fixed.error).toBeUndefined();
	expect(fixed.json('PortalDuct')[0]).toMatchObject({ customerOwnId: '48213', created: true });

	const empty = await w.act({ resource: 'customer', operation: 'create', customerUUID: '={{ "" }}', name: 'Acme' });
	expect((empty.error as Error & { description?: string }).description).toBe('Nothing was sent to PortalDuct for this item.');
});

test('the 250th row is "item 250 (index 249)" in the error, and 249 in n8n\'s own itemIndex', async () => {
	const rows = Array.from({ length: 250 }, (_, i) => ({ id: i === 249 ? 'acme-250' : uuid() }));
	const run = await w.act({ resource: 'customer', operation: 'create', customerUUID: '={{ $json.id }}', name: 'Batch' }, { rows, continueOnFail: true });
	const out = run.json('PortalDuct');
	expect(out).toHaveLength(250);
	expect(out[249].error).toBe('Item 250 (index 249): "Customer UUID" must be a UUID like 3f2b8c1e-7d4a-4e2b-9c1f-0a5d6e7f8a9b, but it is "acme-250"');
	expect(run.output('PortalDuct')[249].pairedItem).toEqual({ item: 249 });
	expect(w.sandbox.state.customers.size).toBe(249);
});
