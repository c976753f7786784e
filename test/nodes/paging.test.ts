/** Invoice > Get Many over PortalDuct's pages: everything in order, or stop at the limit. */
import { closeHarness, connectionWithInvoices, world, type World } from '../support/fixture';

let w: World;
let connection: string;
beforeAll(async () => {
	w = await world();
	({ connection } = await connectionWithInvoices(w, 10_000));
});
afterAll(async () => {
	await w.close();
	await closeHarness();
});

const pagesFetched = () =>
	w.sandbox.control
		.log()
		.filter((entry) => entry.route === '/v1/getClientInvoices/:connection_uuid')
		.map((entry) => ({ page: Number(entry.query.page), pageSize: Number(entry.query.pageSize) }));

test('Return All brings all 10,000 invoices, in PortalDuct\'s order, 100 a page', async () => {
	w.sandbox.control.resetStats();
	const run = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection, returnAll: true });
	expect(run.error).toBeUndefined();
	const invoices = run.json('PortalDuct');
	const expected = w.sandbox.state.invoices.get(connection)!.map((i) => i.invoiceId);
	expect(invoices.map((i) => i.invoiceId)).toEqual(expected);
	expect(new Set(invoices.map((i) => i.invoiceId)).size).toBe(10_000);
	const pages = pagesFetched();
	expect(pages).toHaveLength(100);
	expect(pages.map((p) => p.page)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
	expect(pages.every((p) => p.pageSize === 100)).toBe(true);
});

test('Limit stops early: 10 invoices cost one page of 10, 250 cost three pages', async () => {
	w.sandbox.control.resetStats();
	const ten = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection, limit: 10 });
	expect(ten.json('PortalDuct')).toHaveLength(10);
	expect(pagesFetched()).toEqual([{ page: 1, pageSize: 10 }]);

	w.sandbox.control.resetStats();
	const many = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection, limit: 250 });
	const invoices = many.json('PortalDuct');
	expect(invoices).toHaveLength(250);
	expect(invoices.map((i) => i.invoiceId)).toEqual(
		w.sandbox.state.invoices.get(connection)!.slice(0, 250).map((i) => i.invoiceId),
	);
	expect(pagesFetched().map((p) => p.page)).toEqual([1, 2, 3]);
});

test('A plain-array answer (no paging) is taken as the whole list', async () => {
	w.sandbox.control.updateSettings({ invoicesResponseStyle: 'array' });
	try {
		w.sandbox.control.resetStats();
		const run = await w.act({ resource: 'invoice', operation: 'getMany', connectionUuid: connection, returnAll: true });
		expect(run.json('PortalDuct')).toHaveLength(10_000);
		expect(pagesFetched()).toHaveLength(1);
	} finally {
		w.sandbox.control.updateSettings({ invoicesResponseStyle: 'paged' });
	}
});
