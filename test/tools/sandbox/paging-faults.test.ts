/** Invoice paging that lies: a capped page size, an ignored `page`, missing pageSize / total. */
import type { AxiosInstance } from 'axios';
import { seedCustomerAndClient } from './fixtures';
import { Invoice, Sandbox, SandboxOptions, startSandbox } from './index';
import { loggedInApi } from './logged-in-api';

let sandbox: Sandbox;
let api: AxiosInstance;
let auth: { Authorization: string };

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox(options);
	({ api, auth } = await loggedInApi(sandbox));
}

afterEach(() => sandbox?.close());

const getInvoices = (connectionUuid: string, params: Record<string, unknown> = {}) =>
	api.get(`/v1/getClientInvoices/${connectionUuid}`, { headers: auth, params });

function connectionWith(count: number): string {
	const { clientUUID } = seedCustomerAndClient(sandbox);
	const { connection_uuid } = sandbox.control.createConnection({ clientUUID, portalName: 'Ariba' });
	sandbox.control.seedInvoices({ connection_uuid, count });
	return connection_uuid;
}

const numbers = (invoices: Invoice[]) => invoices.map((i) => Number(i.invoiceNumber.slice(-6)));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('invoicesMaxPageSize', () => {
	it('serves at most that many per page and reports the size it used', async () => {
		await start({ invoicesMaxPageSize: 25 });
		const id = connectionWith(60);
		const first = await getInvoices(id, { page: 1, pageSize: 100 });
		expect(first.status).toBe(200);
		expect(Object.keys(first.data).sort()).toEqual(['data', 'page', 'pageSize', 'total']);
		expect(first.data).toMatchObject({ page: 1, pageSize: 25, total: 60 });
		expect(numbers(first.data.data)).toEqual(range(1, 25));
		// Pages are cut at the size actually used, so walking with what the server reports is complete.
		const second = await getInvoices(id, { page: 2, pageSize: 100 });
		expect(numbers(second.data.data)).toEqual(range(26, 50));
		const third = await getInvoices(id, { page: 3, pageSize: 100 });
		expect(third.data).toMatchObject({ page: 3, pageSize: 25, total: 60 });
		expect(numbers(third.data.data)).toEqual(range(51, 60));
	});

	it('serves a smaller request as asked, and still refuses more than the contract maximum (100)', async () => {
		await start({ invoicesMaxPageSize: 25 });
		const id = connectionWith(60);
		const small = await getInvoices(id, { pageSize: 10 });
		expect(small.data).toMatchObject({ page: 1, pageSize: 10, total: 60 });
		expect(small.data.data).toHaveLength(10);
		const over = await getInvoices(id, { pageSize: 101 });
		expect(over.status).toBe(400);
		expect(over.data).toEqual({ error: 'invalid_request', message: expect.stringContaining("'pageSize'") });
	});

	it('defaults to 100 and can be changed at run time', async () => {
		await start();
		const id = connectionWith(150);
		expect(sandbox.control.getSettings().invoicesMaxPageSize).toBe(100);
		expect((await getInvoices(id, { pageSize: 100 })).data).toMatchObject({ pageSize: 100, total: 150 });
		const patched = await api.patch('/_sandbox/settings', { invoicesMaxPageSize: 40 });
		expect(patched.status).toBe(200);
		const capped = await getInvoices(id, { page: 2, pageSize: 100 });
		expect(capped.data).toMatchObject({ page: 2, pageSize: 40, total: 150 });
		expect(numbers(capped.data.data)).toEqual(range(41, 80));
	});
});

describe('invoicesIgnorePage', () => {
	it('answers page 1 to every page, with the page size and no total', async () => {
		await start({ invoicesIgnorePage: true });
		const id = connectionWith(30);
		const first = await getInvoices(id, { page: 1, pageSize: 10 });
		expect(first.status).toBe(200);
		expect(Object.keys(first.data).sort()).toEqual(['data', 'page', 'pageSize']);
		expect(first.data).toMatchObject({ page: 1, pageSize: 10 });
		expect(numbers(first.data.data)).toEqual(range(1, 10));
		for (const page of [2, 3, 999]) {
			const res = await getInvoices(id, { page, pageSize: 10 });
			expect(res.data).toEqual(first.data);
		}
	});

	it('does not check the page parameter it ignores, but still caps and checks pageSize', async () => {
		await start({ invoicesIgnorePage: true, invoicesMaxPageSize: 5 });
		const id = connectionWith(30);
		const res = await getInvoices(id, { page: 'abc', pageSize: 50 });
		expect(res.status).toBe(200);
		expect(res.data).toMatchObject({ page: 1, pageSize: 5 });
		expect(numbers(res.data.data)).toEqual(range(1, 5));
		expect((await getInvoices(id, { pageSize: 0 })).status).toBe(400);
	});
});

describe('invoicesReportPageSize and invoicesReportTotal', () => {
	it('leave pageSize, total or both out of the page', async () => {
		await start({ invoicesReportPageSize: false });
		const id = connectionWith(12);
		const noSize = await getInvoices(id, { page: 2, pageSize: 5 });
		expect(Object.keys(noSize.data).sort()).toEqual(['data', 'page', 'total']);
		expect(noSize.data).toMatchObject({ page: 2, total: 12 });
		expect(numbers(noSize.data.data)).toEqual(range(6, 10));

		sandbox.control.updateSettings({ invoicesReportPageSize: true, invoicesReportTotal: false });
		const noTotal = await getInvoices(id, { page: 3, pageSize: 5 });
		expect(noTotal.data).toEqual({ data: expect.any(Array), page: 3, pageSize: 5 });
		expect(numbers(noTotal.data.data)).toEqual(range(11, 12));

		sandbox.control.updateSettings({ invoicesReportPageSize: false });
		expect(Object.keys((await getInvoices(id)).data).sort()).toEqual(['data', 'page']);
	});

	it("do not touch the 'array' style (it has no paging fields)", async () => {
		await start({ invoicesResponseStyle: 'array', invoicesMaxPageSize: 2, invoicesIgnorePage: true, invoicesReportTotal: false });
		const id = connectionWith(7);
		const res = await getInvoices(id, { page: 2, pageSize: 3 });
		expect(numbers(res.data)).toEqual(range(1, 7));
	});
});

describe('paging settings are validated like the others', () => {
	beforeEach(() => start());

	it.each([
		[{ invoicesMaxPageSize: 0 }],
		[{ invoicesMaxPageSize: 101 }],
		[{ invoicesMaxPageSize: 2.5 }],
		[{ invoicesMaxPageSize: '25' }],
		[{ invoicesIgnorePage: 'yes' }],
		[{ invoicesReportPageSize: 0 }],
		[{ invoicesReportTotal: null }],
	])('PATCH %j is a 400 naming the setting, and changes nothing', async (patch) => {
		const before = sandbox.control.getSettings();
		const res = await api.patch('/_sandbox/settings', patch);
		expect(res.status).toBe(400);
		expect(res.data).toEqual({ error: 'invalid_request', message: expect.stringContaining(Object.keys(patch)[0]) });
		expect(sandbox.control.getSettings()).toEqual(before);
	});

	it('GET /_sandbox/settings lists the defaults', async () => {
		expect((await api.get('/_sandbox/settings')).data).toMatchObject({
			invoicesIgnorePage: false,
			invoicesMaxPageSize: 100,
			invoicesReportPageSize: true,
			invoicesReportTotal: true,
		});
	});

	it('startSandbox refuses a bad value', async () => {
		await expect(startSandbox({ invoicesMaxPageSize: 500 })).rejects.toThrow(/invoicesMaxPageSize/);
	});
});
