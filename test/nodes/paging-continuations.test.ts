/**
 * Return All when PortalDuct leads the paging (issue 19): a `next` link, `links.next`, a cursor,
 * `nextPage`, `hasMore`, and snake_case pages. Every invoice arrives exactly once, in PortalDuct's
 * order; a continuation that repeats or leaves the Base URL ends with an error naming what was sent.
 */
import { startSandbox, type Sandbox, type SandboxSettings } from '../tools/sandbox';
import { closeHarness, connectionWithInvoices, world, type World } from '../support/fixture';

let w: World;
let connection: string;
let clientUUID: string;
let expected: string[];
const COUNT = 250;
beforeAll(async () => {
	w = await world();
	({ connection, clientUUID } = await connectionWithInvoices(w, COUNT));
	expected = w.sandbox.state.invoices.get(connection)!.map((invoice) => invoice.invoiceId);
});
const defaults: Partial<SandboxSettings> = {
	invoicesContinuation: 'none',
	fieldStyle: 'camelCase',
	invoicesMaxPageSize: 100,
	invoicesReportPageSize: true,
	invoicesReportTotal: true,
};
afterEach(() => {
	w.sandbox.control.updateSettings(defaults);
	w.sandbox.control.clearFaults();
});
afterAll(async () => {
	await w.close();
	await closeHarness();
});

const queries = () =>
	w.sandbox.control
		.log()
		.filter((entry) => entry.route === '/v1/getClientInvoices/:connection_uuid')
		.map((entry) => entry.query);

async function returnAll(settings: Partial<SandboxSettings>, parameters: Record<string, unknown> = {}) {
	w.sandbox.control.updateSettings(settings);
	w.sandbox.control.resetStats();
	return await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection, returnAll: true, ...parameters });
}

const idsOf = (invoices: Array<Record<string, unknown>>) => invoices.map((i) => (i.invoiceId ?? i.invoice_id) as string);

test.each(['next', 'links.next', 'cursor'] as const)(
	'%s: the continuation is followed (the server ignores page), every invoice once, in order',
	async (invoicesContinuation) => {
		const run = await returnAll({ invoicesContinuation });
		expect(run.error).toBeUndefined();
		const ids = idsOf(run.json('PortalDuct'));
		expect(ids).toEqual(expected);
		expect(new Set(ids).size).toBe(COUNT);
		const sent = queries();
		expect(sent).toHaveLength(3);
		expect(sent[0]).toEqual({ page: '1', pageSize: '100' });
		// The sandbox refuses a cursor that was not sent back exactly as it handed it out.
		for (const query of sent.slice(1)) expect(query).toEqual({ cursor: expect.stringMatching(/[+/=]/), pageSize: '100' });
	},
);

test.each(['nextPage', 'hasMore'] as const)(
	'%s: pages shorter than asked (size not said) are followed while PortalDuct says more follow',
	async (invoicesContinuation) => {
		const run = await returnAll({ invoicesContinuation, invoicesMaxPageSize: 30 });
		expect(run.error).toBeUndefined();
		const ids = idsOf(run.json('PortalDuct'));
		expect(ids).toEqual(expected);
		expect(new Set(ids).size).toBe(COUNT);
		expect(queries().map((q) => `${q.page}/${q.pageSize}`)).toEqual(Array.from({ length: 9 }, (_, i) => `${i + 1}/100`));
	},
);

test('hasMore: false on a full page ends the walk without asking for another page', async () => {
	const run = await returnAll({ invoicesContinuation: 'hasMore', invoicesMaxPageSize: 50 });
	expect(idsOf(run.json('PortalDuct'))).toEqual(expected);
	expect(queries()).toHaveLength(5);
});

test('snake_case pages: page_size and invoice_id are read, Simplify and the change key read snake_case invoices', async () => {
	const run = await returnAll(
		{ fieldStyle: 'snake_case', invoicesMaxPageSize: 40, invoicesReportTotal: false },
		{ simplify: true },
	);
	expect(run.error).toBeUndefined();
	const out = run.json('PortalDuct');
	expect(out.map((i) => i.invoiceNumber)).toEqual(w.sandbox.state.invoices.get(connection)!.map((i) => i.invoiceNumber));
	expect(out[0]).toMatchObject({ invoiceNumber: expect.any(String), poNumber: expect.any(String), dueDate: expect.any(String) });
	expect(new Set(out.map((i) => i.changeKey)).size).toBe(COUNT);
	expect(queries().map((q) => `${q.page}/${q.pageSize}`)).toEqual(['1/100', '2/40', '3/40', '4/40', '5/40', '6/40', '7/40']);
});

test('snake_case with a cursor: next_cursor is followed, every invoice once', async () => {
	const run = await returnAll({ fieldStyle: 'snake_case', invoicesContinuation: 'cursor' });
	expect(run.error).toBeUndefined();
	expect(idsOf(run.json('PortalDuct'))).toEqual(expected);
});

test('snake_case balance: One Item per Portal Connection reads by_portal and as_of', async () => {
	w.sandbox.control.updateSettings({ fieldStyle: 'snake_case' });
	const run = await w.act({ resource: 'client', operation: 'getBalance', clientUUID, output: 'connections' });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct')).toEqual([
		expect.objectContaining({ clientUUID, connection_uuid: connection, currency: 'USD', asOf: expect.any(String) }),
	]);
});

/** The next answers to invoice requests, in order, exactly as given. */
function answerWith(...pages: unknown[]) {
	for (const page of pages) {
		w.sandbox.control.injectFault({
			method: 'GET',
			path: '/v1/getClientInvoices/',
			count: 1,
			kind: 'status',
			status: 200,
			contentType: 'application/json',
			body: JSON.stringify(page),
		});
	}
}

test('a cursor given a second time: an error naming what was sent and the repeated cursor, nothing output', async () => {
	const [a, b] = w.sandbox.state.invoices.get(connection)!;
	answerWith({ data: [a], nextCursor: 'c-1' }, { data: [b], nextCursor: 'c-1' }, { data: [] });
	const run = await returnAll({});
	expect(run.error?.message).toBe(
		`PortalDuct's page 2 of GET /v1/getClientInvoices/${connection} (sent cursor=c-1, pageSize=100) led back to a page already asked for: nextCursor "c-1". Following it would loop, so not every invoice can be had`,
	);
	expect(queries()).toHaveLength(2);
	expect(run.json('PortalDuct')).toEqual([]);
});

test('a next link given a second time (relative, then absolute): the same error', async () => {
	const [a, b] = w.sandbox.state.invoices.get(connection)!;
	const link = `/v1/getClientInvoices/${connection}?after=x%2By`;
	answerWith({ data: [a], next: link }, { data: [b], links: { next: { href: `${w.sandbox.url}${link}` } } }, { data: [] });
	const run = await returnAll({});
	expect(run.error?.message).toBe(
		`PortalDuct's page 2 of GET /v1/getClientInvoices/${connection} (sent GET ${link}) led back to a page already asked for: links.next "${w.sandbox.url}${link}". Following it would loop, so not every invoice can be had`,
	);
	expect(queries()).toEqual([{ page: '1', pageSize: '100' }, { after: 'x+y' }]);
});

describe('a next link to another origin', () => {
	let elsewhere: Sandbox;
	beforeAll(async () => {
		elsewhere = await startSandbox();
	});
	afterAll(() => elsewhere.close());

	test('is not followed: the token never goes there, and the error names the link', async () => {
		const [a] = w.sandbox.state.invoices.get(connection)!;
		const link = `${elsewhere.url}/v1/getClientInvoices/${connection}?cursor=abc`;
		answerWith({ data: [a], next: link });
		const run = await returnAll({});
		expect(run.error?.message).toBe(
			`PortalDuct's page 1 of GET /v1/getClientInvoices/${connection} (sent page=1, pageSize=100) gave next "${link}" as its next page, which was not followed: it leads to ${elsewhere.url}, not to the credential's Base URL ${w.sandbox.url}`,
		);
		expect(queries()).toHaveLength(1);
		expect(elsewhere.control.log()).toEqual([]);
		expect(run.json('PortalDuct')).toEqual([]);
	});
});
