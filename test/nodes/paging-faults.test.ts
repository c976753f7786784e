/**
 * Return All against APIs whose paging misbehaves: a server that ignores the page parameter, one
 * that caps pages below what was asked (with or without saying its page size), one without a total.
 * Right: every invoice once, or a clear error; never a duplicate, never an unbounded walk.
 */
import type { SandboxSettings } from '../tools/sandbox';
import { closeHarness, connectionWithInvoices, world, type World } from '../support/fixture';

let w: World;
let connection: string;
let expected: string[];
beforeAll(async () => {
	w = await world();
	({ connection } = await connectionWithInvoices(w, 60));
	expected = w.sandbox.state.invoices.get(connection)!.map((invoice) => invoice.invoiceId);
});
const defaults: Partial<SandboxSettings> = {
	invoicesIgnorePage: false,
	invoicesMaxPageSize: 100,
	invoicesReportPageSize: true,
	invoicesReportTotal: true,
};
afterEach(() => w.sandbox.control.updateSettings(defaults));
afterAll(async () => {
	await w.close();
	await closeHarness();
});

const pagesFetched = () =>
	w.sandbox.control
		.log()
		.filter((entry) => entry.route === '/v1/getClientInvoices/:connection_uuid')
		.map((entry) => `${entry.query.page}/${entry.query.pageSize}`);

async function returnAll(settings: Partial<SandboxSettings>) {
	w.sandbox.control.updateSettings(settings);
	w.sandbox.control.resetStats();
	return await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection, returnAll: true });
}

test('a server that ignores the page parameter: noticed on page 2, a clear error, no duplicate, no endless walk', async () => {
	w.sandbox.control.seedInvoices({ connection_uuid: connection, count: 100 });
	try {
		const run = await returnAll({ invoicesIgnorePage: true, invoicesReportTotal: false });
		expect(run.error?.message).toBe(
			`PortalDuct answered page 2 of GET /v1/getClientInvoices/${connection} with the same invoices as before (sent page=2, pageSize=100): it seems to ignore the paging parameters, so not every invoice can be had`,
		);
		expect(pagesFetched()).toEqual(['1/100', '2/100']);
		expect(run.json('PortalDuct')).toEqual([]);
	} finally {
		w.sandbox.state.invoices.get(connection)!.splice(60);
	}
});

test('the same server with continue-on-fail: the item fails alone, with nothing duplicated', async () => {
	w.sandbox.control.seedInvoices({ connection_uuid: connection, count: 100 });
	try {
		w.sandbox.control.updateSettings({ invoicesIgnorePage: true, invoicesReportTotal: false });
		const run = await w.act(
			{ resource: 'invoice', operation: 'getMany', connectionUuid: connection, returnAll: true },
			{ continueOnFail: true },
		);
		const out = run.json('PortalDuct');
		expect(out).toHaveLength(1);
		expect(out[0].error).toMatch(/seems to ignore the paging parameters/);
	} finally {
		w.sandbox.state.invoices.get(connection)!.splice(60);
	}
});

test('a server that caps pages at 25 and says so: all 60 invoices, in order, in pages of 25', async () => {
	const run = await returnAll({ invoicesMaxPageSize: 25 });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct').map((invoice) => invoice.invoiceId)).toEqual(expected);
	expect(pagesFetched()).toEqual(['1/100', '2/25', '3/25']);
});

test('a server that caps pages at 25 and reports no page size, only the total: all 60 by the count it returned', async () => {
	const run = await returnAll({ invoicesMaxPageSize: 25, invoicesReportPageSize: false });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct').map((invoice) => invoice.invoiceId)).toEqual(expected);
	expect(pagesFetched()).toEqual(['1/100', '2/25', '3/25']);
});

test('no total: pages are followed until a short one, each invoice once', async () => {
	const run = await returnAll({ invoicesMaxPageSize: 25, invoicesReportTotal: false });
	expect(run.error).toBeUndefined();
	expect(run.json('PortalDuct').map((invoice) => invoice.invoiceId)).toEqual(expected);
	expect(pagesFetched()).toEqual(['1/100', '2/25', '3/25']);
});

test('pages that overlap and a total they never reach: the walk ends at the bound the total implies, with an error', async () => {
	// Total 10, pages of 5, each page repeating 4 of the previous one: at most ceil(10/5)+1 = 3 pages.
	const invoices = w.sandbox.state.invoices.get(connection)!;
	for (let page = 1; page <= 4; page++) {
		const data = invoices.slice(page - 1, page + 4);
		w.sandbox.control.injectFault({
			method: 'GET',
			path: '/v1/getClientInvoices/',
			count: 1,
			kind: 'status',
			status: 200,
			contentType: 'application/json',
			body: JSON.stringify({ data, page, pageSize: 5, total: 10 }),
		});
	}
	const run = await returnAll({});
	expect(run.error?.message).toBe(
		`PortalDuct's pages of GET /v1/getClientInvoices/${connection} went on past what it said it holds: stopped after 3 pages of 5 (7 invoices)`,
	);
	expect(pagesFetched()).toEqual(['1/100', '2/5', '3/5']);
});
