/**
 * Bad input: each case gives the promised error, naming item, field and expectation where the
 * field is ours to check (and then nothing is sent), or PortalDuct's refusal with a hint.
 * Every case runs twice: failing the run, and with continue-on-fail as an error item.
 */
import type { IDataObject } from 'n8n-workflow';

import { closeHarness, secretsOf, world, type World } from '../support/fixture';
import { uuid } from '../support/workflows';

let w: World;
const known = { customerUUID: '', clientUUID: '' };
beforeAll(async () => {
	w = await world();
	known.customerUUID = uuid();
	known.clientUUID = uuid();
	await w.act({ resource: 'customer', operation: 'create', customerUUID: known.customerUUID, name: 'Acme' });
	await w.act({ resource: 'client', operation: 'create', ...known, name: 'Northwind' });
});
afterAll(async () => {
	await w.close();
	await closeHarness();
});
afterEach(() => w.sandbox.control.clearFaults());

interface Case {
	title: string;
	/** A function: ids created in beforeAll are only known when the test runs. */
	params: () => IDataObject;
	/** Fault injected before the run (for answers PortalDuct might really give). */
	fault?: Parameters<World['sandbox']['control']['injectFault']>[0];
	message: RegExp;
	/** Whether the case is ours to refuse before sending. */
	refusedLocally: boolean;
}

const customer = (over: IDataObject) => ({ resource: 'customer', operation: 'create', customerUUID: uuid(), name: 'Acme', ...over });
const client = (over: IDataObject) => ({ resource: 'client', operation: 'create', customerUUID: known.customerUUID, clientUUID: uuid(), name: 'Northwind', ...over });
const balance = (clientUUID: string) => ({ resource: 'client', operation: 'getBalance', clientUUID });
const invoices = (over: IDataObject) => ({ resource: 'invoice', operation: 'getMany', connectionUuid: uuid(), limit: 5, ...over });

const cases: Case[] = [
	{ title: 'non-UUID customer id', params: () => customer({ customerUUID: 'acme-42' }), message: /^Item 1 \(index 0\): "Customer UUID" must be a UUID like .*, but it is "acme-42"$/, refusedLocally: true },
	{ title: 'empty customer id', params: () => customer({ customerUUID: '={{ "" }}' }), message: /^Item 1 \(index 0\): "Customer UUID" must be a UUID .*, but it is empty$/, refusedLocally: true },
	{ title: 'a number as customer id', params: () => customer({ customerUUID: '={{ 12345 }}' }), message: /"Customer UUID" must be a UUID .*, but it is the number 12345$/, refusedLocally: true },
	{ title: 'empty name', params: () => customer({ name: '   ' }), message: /^Item 1 \(index 0\): "Name" must be a text of 1 to 200 characters, but it is empty$/, refusedLocally: true },
	{ title: 'name too long', params: () => customer({ name: 'x'.repeat(201) }), message: /"Name" must be a text of 1 to 200 characters/, refusedLocally: true },
	{ title: 'malformed email', params: () => customer({ additionalFields: { email: 'ops-at-acme' } }), message: /^Item 1 \(index 0\): "Email" must be an email address like .*, but it is "ops-at-acme"$/, refusedLocally: true },
	{ title: 'metadata that is not JSON', params: () => customer({ additionalFields: { metadata: '{crmId: 1' } }), message: /^Item 1 \(index 0\): "Metadata" must be a JSON object/, refusedLocally: true },
	{ title: 'metadata that is a list', params: () => client({ additionalFields: { metadata: '[1,2]' } }), message: /"Metadata" must be a JSON object .*, but it is "\[1,2\]"$/, refusedLocally: true },
	{ title: 'a boolean as client id', params: () => client({ clientUUID: '={{ true }}' }), message: /"Client UUID" must be a UUID .*, but it is the boolean true$/, refusedLocally: true },
	{ title: 'non-UUID client id for a balance', params: () => balance('NW-1001'), message: /"Client UUID" must be a UUID .*"NW-1001"/, refusedLocally: true },
	{ title: 'non-UUID connection id', params: () => invoices({ connectionUuid: 'conn-1' }), message: /"Connection UUID" must be a UUID/, refusedLocally: true },
	{ title: 'limit of zero', params: () => invoices({ limit: 0 }), message: /^Item 1 \(index 0\): "Limit" must be a whole number of 1 or more, but it is the number 0$/, refusedLocally: true },
	{ title: 'webhook URL that is not http(s)', params: () => ({ resource: 'webhook', operation: 'register', url: 'ftp://files.example' }), message: /^Item 1 \(index 0\): "URL" must be an http\(s\) URL/, refusedLocally: true },
	{ title: 'unknown client', params: () => balance('00000000-0000-4000-8000-000000000000'), message: /^PortalDuct has no client 00000000-0000-4000-8000-000000000000/, refusedLocally: false },
	{ title: 'unknown connection', params: () => invoices({ connectionUuid: '00000000-0000-4000-8000-00000000000c' }), message: /^PortalDuct has no connection 00000000-0000-4000-8000-00000000000c/, refusedLocally: false },
	{ title: 'client of an unknown customer', params: () => client({ customerUUID: '00000000-0000-4000-8000-0000000000cc' }), message: /^PortalDuct has no customer 00000000-0000-4000-8000-0000000000cc \(create the customer before its clients\)/, refusedLocally: false },
	{ title: 'webhook URL PortalDuct refuses', params: () => ({ resource: 'webhook', operation: 'register', url: 'https://hooks.example.com/x' }), message: /^PortalDuct rejected the request: .+/, refusedLocally: false },
	{
		title: 'an HTML error page',
		params: () => balance(known.clientUUID),
		fault: { path: '/v1/getClientBalance/', kind: 'status', status: 502, count: 10, body: '<!DOCTYPE html><html><body>Bad Gateway</body></html>', contentType: 'text/html' },
		message: /^PortalDuct had a server error \(HTTP 502\) \(after 4 tries\): an HTML page/,
		refusedLocally: false,
	},
	{
		title: 'a 200 answer that is not JSON',
		params: () => balance(known.clientUUID),
		fault: { path: '/v1/getClientBalance/', kind: 'status', status: 200, count: 1, body: 'OK', contentType: 'text/plain' },
		message: /^PortalDuct answered GET \/v1\/getClientBalance\/.* with text that is not JSON \("OK"\)$/,
		refusedLocally: false,
	},
];

describe.each(cases)('$title', ({ params, fault, message, refusedLocally }) => {
	test('fails the run with the promised error', async () => {
		if (fault) w.sandbox.control.injectFault(fault);
		const before = w.sandbox.control.stats().requestsTotal;
		const run = await w.act(params());
		expect(run.error?.message).toMatch(message);
		const sent = w.sandbox.control.stats().requestsTotal - before;
		if (refusedLocally) expect(sent).toBe(0);
		else expect(sent).toBeGreaterThan(0);
		const everything = JSON.stringify(run.raw);
		for (const secret of secretsOf(w.sandbox)) expect(everything).not.toContain(secret);
	});

	test('with continue-on-fail becomes an error item paired with its input', async () => {
		if (fault) w.sandbox.control.injectFault(fault);
		const run = await w.act(params(), { continueOnFail: true });
		expect(run.error).toBeUndefined();
		const [item] = run.output('PortalDuct');
		expect(item.json.error).toMatch(message);
		expect(item.pairedItem).toEqual({ item: 0 });
	});
});

test('one bad row among good ones: nothing is sent without continue-on-fail; with it the others go on', async () => {
	const rows = [{ id: uuid() }, { id: 'not-a-uuid' }, { id: uuid() }];
	const params = { resource: 'customer', operation: 'create', customerUUID: '={{ $json.id }}', name: 'Batch' };
	const before = w.sandbox.state.customers.size;
	const failed = await w.act(params, { rows });
	expect(failed.error?.message).toMatch(/^Item 2 \(index 1\): "Customer UUID" must be a UUID/);
	expect(w.sandbox.state.customers.size).toBe(before);

	const kept = await w.act(params, { rows, continueOnFail: true });
	const out = kept.output('PortalDuct');
	expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(out[0].json).toMatchObject({ customerUUID: rows[0].id, created: true });
	expect(out[1].json.error).toMatch(/^Item 2 \(index 1\): "Customer UUID"/);
	expect(out[2].json).toMatchObject({ customerUUID: rows[2].id, created: true });
	expect(w.sandbox.state.customers.size).toBe(before + 2);
});
