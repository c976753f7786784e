/**
 * "On Error: Continue (using error output)": every action sends its failures, validation ones
 * included, to the error output (n8n routes an item there only when the item's `error` is set),
 * each with the message (`error`), the HTTP code where there was one and the hint (`details`), and
 * pairedItem to its input row, whose fields n8n adds beside them.
 * "Continue (using regular output)" keeps the error items on the one output.
 */
import type { IDataObject } from 'n8n-workflow';

import { closeHarness, world, type World } from '../support/fixture';
import { uuid } from '../support/workflows';

let w: World;
let known: { customerUUID: string; clientUUID: string; connection: string };
beforeAll(async () => {
	w = await world();
	known = { customerUUID: uuid(), clientUUID: uuid(), connection: '' };
	await w.act({ resource: 'customer', operation: 'create', customerUUID: known.customerUUID, name: 'Acme' });
	await w.act({ resource: 'client', operation: 'create', ...known, name: 'Northwind' });
	known.connection = w.sandbox.control.createConnection({ clientUUID: known.clientUUID, portalName: 'Ariba' }).connection_uuid;
	w.sandbox.control.seedInvoices({ connection_uuid: known.connection, count: 3 });
});
afterEach(() => w.sandbox.control.clearFaults());
afterAll(async () => {
	await w.close();
	await closeHarness();
});

interface Case {
	title: string;
	params: () => IDataObject;
	/** Input rows; which of them must succeed is `good` (row indexes). */
	rows: () => IDataObject[];
	good: number[];
	/** Per failing row: the message it must carry and its HTTP code (undefined: refused before sending). */
	failures: Record<number, { message: RegExp; httpCode?: string }>;
	/** Sandbox faults set up before the run (for actions whose failure no input can cause). */
	faults?: () => void;
}

const fromRow = (field: string) => `={{ $json.${field} }}`;

const cases: Case[] = [
	{
		title: 'Client > Get Balance (the reported case)',
		params: () => ({ resource: 'client', operation: 'getBalance', clientUUID: fromRow('clientUUID') }),
		rows: () => [{ clientUUID: known.clientUUID }, { clientUUID: uuid() }, { clientUUID: 'not-a-uuid' }],
		good: [0],
		failures: {
			1: { message: /^PortalDuct has no client /, httpCode: '404' },
			2: { message: /^Item 3 \(index 2\): "Client UUID" must be a UUID/ },
		},
	},
	{
		title: 'Customer > Create',
		params: () => ({ resource: 'customer', operation: 'create', customerUUID: fromRow('id'), name: fromRow('name') }),
		rows: () => [{ id: uuid(), name: 'New' }, { id: known.customerUUID, name: 'Again' }, { id: 'x', name: 'Bad' }],
		good: [0],
		failures: {
			1: { message: /already exists in PortalDuct/, httpCode: '409' },
			2: { message: /^Item 3 \(index 2\): "Customer UUID" must be a UUID/ },
		},
	},
	{
		title: 'Client > Create',
		params: () => ({
			resource: 'client',
			operation: 'create',
			customerUUID: fromRow('customer'),
			clientUUID: fromRow('id'),
			name: fromRow('name'),
		}),
		rows: () => [
			{ customer: known.customerUUID, id: uuid(), name: 'Fresh' },
			{ customer: uuid(), id: uuid(), name: 'Orphan' },
			{ customer: known.customerUUID, id: uuid(), name: '' },
		],
		good: [0],
		failures: {
			1: { message: /^PortalDuct has no customer /, httpCode: '404' },
			2: { message: /^Item 3 \(index 2\): "Name" must be a text/ },
		},
	},
	{
		title: 'Invoice > Get Many',
		params: () => ({ resource: 'invoice', operation: 'getMany', connectionUuid: fromRow('c'), returnAll: true }),
		rows: () => [{ c: known.connection }, { c: uuid() }, { c: 'nope' }],
		good: [0],
		failures: {
			1: { message: /^PortalDuct has no connection /, httpCode: '404' },
			2: { message: /^Item 3 \(index 2\): "Connection UUID" must be a UUID/ },
		},
	},
	{
		title: 'Webhook > Register',
		params: () => ({ resource: 'webhook', operation: 'register', url: fromRow('url') }),
		rows: () => [{ url: 'http://127.0.0.1:9/hook' }, { url: 'http://203.0.113.5/hook' }, { url: 'not a url' }],
		good: [0],
		failures: {
			1: { message: /^PortalDuct rejected the request: .*not a loopback address/, httpCode: '400' },
			2: { message: /^Item 3 \(index 2\): "URL" must be an http\(s\) URL/ },
		},
	},
	{
		title: 'Webhook > Get',
		params: () => ({ resource: 'webhook', operation: 'get' }),
		rows: () => [{}, {}],
		good: [1],
		failures: { 0: { message: /^PortalDuct does not allow this account/, httpCode: '403' } },
		faults: () => w.sandbox.control.injectFault({ method: 'GET', path: '/v1/clientsPortalLoginChanges', count: 1, kind: 'status', status: 403 }),
	},
	{
		title: 'Webhook > Remove',
		params: () => ({ resource: 'webhook', operation: 'remove' }),
		rows: () => [{}, {}],
		good: [1],
		failures: { 0: { message: /^PortalDuct does not allow this account/, httpCode: '403' } },
		faults: () => w.sandbox.control.injectFault({ method: 'DELETE', path: '/v1/clientsPortalLoginChanges', count: 1, kind: 'status', status: 403 }),
	},
	{
		title: 'Auth > Get Token',
		params: () => ({ resource: 'auth', operation: 'getToken' }),
		rows: () => [{}, {}],
		good: [1],
		failures: { 0: { message: /PortalDuct (login for .* failed|refused the login|could not log in .* just now: HTTP 500)/ } },
		faults: () => w.sandbox.control.injectFault({ method: 'POST', path: '/v1/login', count: 1, kind: 'status', status: 500 }),
	},
	{
		title: 'Auth > Refresh Token',
		params: () => ({ resource: 'auth', operation: 'refreshToken', refreshToken: fromRow('token') }),
		rows: () => [{ token: 'not-a-refresh-token' }],
		good: [],
		failures: { 0: { message: /^Item 1 \(index 0\): PortalDuct refused the refresh token/ } },
	},
];

describe.each(cases)('$title', ({ params, rows, good, failures, faults }) => {
	test('with "Continue (using error output)", failures leave by the error output, paired to their rows', async () => {
		faults?.();
		const input = rows();
		const run = await w.act(params(), { rows: input, onError: 'continueErrorOutput' });
		expect(run.error).toBeUndefined();
		const success = run.output('PortalDuct', 0, 0);
		const errors = run.output('PortalDuct', 0, 1);
		expect(success.every((item) => item.json.error === undefined)).toBe(true);
		expect([...new Set(success.map((item) => (item.pairedItem as { item: number }).item))]).toEqual(good);
		expect(errors.map((item) => (item.pairedItem as { item: number }).item)).toEqual(
			Object.keys(failures).map(Number),
		);
		for (const item of errors) {
			const row = (item.pairedItem as { item: number }).item;
			const expected = failures[row];
			expect(item.json.error).toMatch(expected.message);
			const details = item.json.details as IDataObject;
			expect(details.httpCode).toBe(expected.httpCode);
			expect(typeof details.description).toBe('string');
			// n8n puts the input row's fields beside the error, so the branch knows which row failed.
			expect(item.json).toMatchObject(input[row]);
		}
	});
});

test('"Continue (using regular output)" keeps every item on the one output, errors as plain fields', async () => {
	const run = await w.act(cases[0].params(), { rows: cases[0].rows(), onError: 'continueRegularOutput' });
	expect(run.error).toBeUndefined();
	const out = run.output('PortalDuct', 0, 0);
	expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(out[0].json.clientUUID).toBe(known.clientUUID);
	expect(out[1].json).toEqual({
		error: expect.stringMatching(/^PortalDuct has no client /),
		errorDescription: expect.any(String),
		httpCode: '404',
	});
	expect(out[2].json).toEqual({
		error: expect.stringMatching(/^Item 3 \(index 2\): "Client UUID" must be a UUID/),
		// "not-a-uuid" could be an id of the user's platform: the description names the ID Format fix.
		errorDescription:
			'If "not-a-uuid" is the client\'s ID in your own platform, set "ID Format" to "Your Own ID (Any Text)": the node turns it into the same UUID every time. Nothing was sent to PortalDuct for this item.',
	});
	expect(out.every((item) => item.error === undefined)).toBe(true);
	expect(run.output('PortalDuct', 0, 1)).toEqual([]);
});
