/**
 * The paging dialects over real HTTP: invoicesContinuation (a continuation leads, `page` ignored
 * where it does) and fieldStyle snake_case on invoice pages and balances.
 */
import type { AxiosInstance } from 'axios';
import { seedCustomerAndClient } from './fixtures';
import { Sandbox, SandboxOptions, startSandbox } from './index';
import { loggedInApi } from './logged-in-api';

let sandbox: Sandbox;
let api: AxiosInstance;
let auth: { Authorization: string };

async function start(options: SandboxOptions) {
	sandbox = await startSandbox(options);
	({ api, auth } = await loggedInApi(sandbox));
}
afterEach(() => sandbox?.close());

function connectionWith(count: number): { connection: string; client: string } {
	const { clientUUID } = seedCustomerAndClient(sandbox);
	const { connection_uuid } = sandbox.control.createConnection({ clientUUID, portalName: 'Ariba' });
	sandbox.control.seedInvoices({ connection_uuid, count });
	return { connection: connection_uuid, client: clientUUID };
}

const get = (path: string, params?: Record<string, unknown>) => api.get(path, { headers: auth, params });
const numbers = (invoices: Array<Record<string, string>>) => invoices.map((i) => Number((i.invoiceNumber ?? i.invoice_number).slice(-6)));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each([
	['next', (body: Record<string, any>) => body.next],
	['links.next', (body: Record<string, any>) => body.links.next],
] as const)('invoicesContinuation %s', (dialect, linkOf) => {
	it('links to the next page (query escaped), ignores `page`, and ends with null', async () => {
		await start({ invoicesContinuation: dialect });
		const { connection } = connectionWith(25);
		const first = await get(`/v1/getClientInvoices/${connection}`, { pageSize: 10 });
		expect(numbers(first.data.data)).toEqual(range(1, 10));
		const link: string = linkOf(first.data);
		const path = `/v1/getClientInvoices/${connection}?cursor=`;
		expect(link).toMatch(dialect === 'next' ? new RegExp(`^${path.replace('?', '\\?')}`) : new RegExp(`^${sandbox.url}${path.replace('?', '\\?')}`));
		expect(link).toMatch(/%2B|%2F|%3D/);
		// Page numbers lead nowhere: page 2 is page 1 again.
		expect(numbers((await get(`/v1/getClientInvoices/${connection}`, { page: 2, pageSize: 10 })).data.data)).toEqual(range(1, 10));
		const second = await get(link.replace(sandbox.url, ''));
		expect(numbers(second.data.data)).toEqual(range(11, 20));
		const third = await get(linkOf(second.data).replace(sandbox.url, ''));
		expect(numbers(third.data.data)).toEqual(range(21, 25));
		expect(linkOf(third.data)).toBeNull();
	});
});

describe('invoicesContinuation cursor', () => {
	it('hands out nextCursor, takes it back as `cursor`, refuses one it did not hand out', async () => {
		await start({ invoicesContinuation: 'cursor' });
		const { connection } = connectionWith(15);
		const path = `/v1/getClientInvoices/${connection}`;
		const first = await get(path, { pageSize: 10 });
		expect(first.data).toMatchObject({ pageSize: 10, total: 15, nextCursor: expect.any(String) });
		expect(first.data.page).toBeUndefined();
		const second = await get(path, { cursor: first.data.nextCursor, pageSize: 10 });
		expect(numbers(second.data.data)).toEqual(range(11, 15));
		expect(second.data.nextCursor).toBeNull();
		const forged = await get(path, { cursor: 'b2Zmc2V0OjEw', pageSize: 10 });
		expect(forged.status).toBe(400);
		expect(forged.data.message).toMatch(/'cursor' is not one this server handed out/);
	});
});

describe.each(['nextPage', 'hasMore'] as const)('invoicesContinuation %s', (dialect) => {
	it('keeps page numbers, serves its own page size without saying it, and says when more follow', async () => {
		await start({ invoicesContinuation: dialect, invoicesMaxPageSize: 10 });
		const { connection } = connectionWith(15);
		const path = `/v1/getClientInvoices/${connection}`;
		const first = await get(path, { page: 1, pageSize: 100 });
		expect(Object.keys(first.data).sort()).toEqual(['data', dialect, 'page'].sort());
		expect(first.data[dialect]).toBe(dialect === 'nextPage' ? 2 : true);
		const second = await get(path, { page: 2, pageSize: 100 });
		expect(numbers(second.data.data)).toEqual(range(11, 15));
		expect(second.data[dialect]).toBe(dialect === 'nextPage' ? null : false);
	});
});

describe('fieldStyle snake_case', () => {
	it('writes invoice pages, their invoices and continuations in snake_case, the total as total_count', async () => {
		await start({ fieldStyle: 'snake_case', invoicesContinuation: 'cursor' });
		const { connection } = connectionWith(3);
		const page = await get(`/v1/getClientInvoices/${connection}`, { pageSize: 2 });
		expect(Object.keys(page.data).sort()).toEqual(['data', 'next_cursor', 'page_size', 'total_count']);
		expect(Object.keys(page.data.data[0])).toEqual(
			expect.arrayContaining(['invoice_id', 'invoice_number', 'po_number', 'portal_name', 'invoice_date', 'due_date']),
		);
		expect(page.data.data[0].invoiceId).toBeUndefined();
	});

	it('writes the balance in snake_case, by_portal included', async () => {
		await start({ fieldStyle: 'snake_case' });
		const { client, connection } = connectionWith(4);
		const balance = await get(`/v1/getClientBalance/${client}`);
		expect(balance.status).toBe(200);
		expect(balance.data).toMatchObject({
			client_uuid: client,
			total_outstanding: expect.any(Number),
			open_invoices: expect.any(Number),
			as_of: expect.any(String),
			by_portal: [{ portal_name: 'Ariba', connection_uuid: connection }],
		});
		expect(balance.data.clientUUID).toBeUndefined();
	});
});
