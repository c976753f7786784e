import axios, { AxiosInstance } from 'axios';
import { randomUUID } from 'node:crypto';
import { seedCustomerAndClient } from './fixtures';
import { Invoice, Sandbox, SandboxOptions, startSandbox } from './index';

let sandbox: Sandbox;
let api: AxiosInstance;
let auth: { Authorization: string };

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox(options);
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
	const res = await api.post('/v1/login', sandbox.login);
	auth = { Authorization: `Bearer ${res.data.token}` };
}

afterEach(() => sandbox?.close());

const getInvoices = (connectionUuid: string, params: Record<string, unknown> = {}) =>
	api.get(`/v1/getClientInvoices/${connectionUuid}`, { headers: auth, params });

function connectionWith(count: number, portalName = 'Ariba', clientUUID?: string): string {
	const client = clientUUID ?? seedCustomerAndClient(sandbox).clientUUID;
	const { connection_uuid } = sandbox.control.createConnection({ clientUUID: client, portalName });
	if (count > 0) sandbox.control.seedInvoices({ connection_uuid, count });
	return connection_uuid;
}

describe('GET /v1/getClientInvoices/{connection_uuid}', () => {
	beforeEach(() => start());

	it('walks 10,000 seeded invoices page by page (pageSize 100) in order, without duplicates', async () => {
		const id = connectionWith(10000);
		const seen: Invoice[] = [];
		for (let page = 1; ; page++) {
			const res = await getInvoices(id, { page, pageSize: 100 });
			expect(res.status).toBe(200);
			expect(res.data).toMatchObject({ page, pageSize: 100, total: 10000 });
			if (res.data.data.length === 0) break;
			expect(res.data.data.length).toBeLessThanOrEqual(100);
			seen.push(...res.data.data);
			expect(page).toBeLessThanOrEqual(100);
		}
		expect(seen).toHaveLength(10000);
		expect(new Set(seen.map((i) => i.invoiceId)).size).toBe(10000);
		const short = id.slice(0, 8).toUpperCase();
		seen.forEach((invoice, index) => {
			expect(invoice.invoiceNumber).toBe(`INV-${short}-${String(index + 1).padStart(6, '0')}`);
		});
		const dates = seen.map((i) => i.invoiceDate);
		expect([...dates].sort()).toEqual(dates);
		expect((await getInvoices(id, { page: 101, pageSize: 100 })).data).toEqual({
			data: [],
			page: 101,
			pageSize: 100,
			total: 10000,
		});
	});

	it('defaults to page 1 and pageSize 25', async () => {
		const id = connectionWith(30);
		const res = await getInvoices(id);
		expect(res.status).toBe(200);
		expect(res.data).toMatchObject({ page: 1, pageSize: 25, total: 30 });
		expect(res.data.data).toHaveLength(25);
		const second = await getInvoices(id, { page: 2 });
		expect(second.data.data.map((i: Invoice) => i.invoiceNumber)).toEqual(
			sandbox.state.invoices.get(id)!.slice(25).map((i) => i.invoiceNumber),
		);
	});

	it.each([
		[{ pageSize: 101 }, 'pageSize'],
		[{ pageSize: 0 }, 'pageSize'],
		[{ page: 0 }, 'page'],
		[{ page: -1 }, 'page'],
		[{ page: 'abc' }, 'page'],
		[{ page: '1.5' }, 'page'],
		[{ pageSize: '' }, 'pageSize'],
	])('answers 400 to bad paging %j', async (params, field) => {
		const id = connectionWith(3);
		const res = await getInvoices(id, params);
		expect(res.status).toBe(400);
		expect(res.data.error).toBe('invalid_request');
		expect(res.data.message).toContain(`'${field}'`);
	});

	it('accepts pageSize 100 and answers 404 to an unknown connection', async () => {
		const id = connectionWith(3);
		expect((await getInvoices(id, { pageSize: 100 })).status).toBe(200);
		const res = await getInvoices(randomUUID());
		expect(res.status).toBe(404);
		expect(res.data).toEqual({ error: 'not_found', message: expect.stringMatching(/Connection .* not found/) });
	});

	it('returns an empty page for a connection without invoices', async () => {
		const id = connectionWith(0);
		expect((await getInvoices(id)).data).toEqual({ data: [], page: 1, pageSize: 25, total: 0 });
	});

	it('has the contract shape, paidDate only on paid invoices, status cycling open/paid/overdue/disputed', async () => {
		const id = connectionWith(8, 'Coupa');
		const { data } = (await getInvoices(id)).data as { data: Invoice[] };
		expect(data.map((i) => i.status)).toEqual(['open', 'paid', 'overdue', 'disputed', 'open', 'paid', 'overdue', 'disputed']);
		for (const invoice of data) {
			const keys = ['amount', 'currency', 'dueDate', 'invoiceDate', 'invoiceId', 'invoiceNumber', 'poNumber', 'portalName', 'status'];
			if (invoice.status === 'paid') keys.push('paidDate');
			expect(Object.keys(invoice).sort()).toEqual(keys.sort());
			expect(invoice.portalName).toBe('Coupa');
			expect(invoice.currency).toBe('USD');
			expect(Math.round(invoice.amount * 100) / 100).toBe(invoice.amount);
			expect(invoice.invoiceDate < invoice.dueDate).toBe(true);
			expect(invoice.invoiceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		}
	});

	it('needs a Bearer token', async () => {
		const id = connectionWith(1);
		const res = await api.get(`/v1/getClientInvoices/${id}`);
		expect(res.status).toBe(401);
	});
});

describe("invoicesResponseStyle 'array'", () => {
	it('answers a plain array of all invoices, whatever the paging parameters', async () => {
		await start({ invoicesResponseStyle: 'array' });
		const id = connectionWith(130);
		const res = await getInvoices(id);
		expect(res.status).toBe(200);
		expect(Array.isArray(res.data)).toBe(true);
		expect(res.data).toHaveLength(130);
		expect(res.data[129].invoiceNumber).toMatch(/-000130$/);
		// A non-paging API ignores page parameters: page 2 is everything again, pageSize 101 is no error.
		const again = await getInvoices(id, { page: 2, pageSize: 101 });
		expect(again.status).toBe(200);
		expect(again.data).toEqual(res.data);
		expect((await getInvoices(randomUUID())).status).toBe(404);
	});

	it('can be switched at run time', async () => {
		await start();
		const id = connectionWith(2);
		expect(Array.isArray((await getInvoices(id)).data)).toBe(false);
		sandbox.control.updateSettings({ invoicesResponseStyle: 'array' });
		expect((await getInvoices(id)).data).toHaveLength(2);
	});
});

describe('seedInvoices', () => {
	beforeEach(() => start());

	it('is deterministic: the same connection id gets the same invoices in another sandbox', async () => {
		const fixed = '0badc0de-0000-4000-8000-000000000001';
		const seedIn = (sb: Sandbox) => {
			const { clientUUID } = seedCustomerAndClient(sb);
			sb.control.createConnection({ clientUUID, portalName: 'Ariba', connection_uuid: fixed });
			sb.control.seedInvoices({ connection_uuid: fixed, count: 20 });
			return sb.state.invoices.get(fixed)!;
		};
		const other = await startSandbox();
		try {
			expect(seedIn(sandbox)).toEqual(seedIn(other));
		} finally {
			await other.close();
		}
	});

	it('appends after existing invoices, continuing numbers and dates', async () => {
		const id = connectionWith(3);
		expect(sandbox.control.seedInvoices({ connection_uuid: id, count: 2, statuses: ['paid'], currency: 'EUR' })).toEqual({
			connection_uuid: id,
			total: 5,
		});
		const list = sandbox.state.invoices.get(id)!;
		expect(list.map((i) => i.invoiceNumber.slice(-6))).toEqual(['000001', '000002', '000003', '000004', '000005']);
		expect(list.slice(3).map((i) => [i.status, i.currency])).toEqual([
			['paid', 'EUR'],
			['paid', 'EUR'],
		]);
		expect(list[3].invoiceDate > list[2].invoiceDate).toBe(true);
	});

	it('refuses an unknown connection, a bad count, unknown statuses and a bad currency', () => {
		const id = connectionWith(0);
		expect(() => sandbox.control.seedInvoices({ connection_uuid: randomUUID(), count: 1 })).toThrow(/not found/);
		expect(() => sandbox.control.seedInvoices({ connection_uuid: id, count: -1 })).toThrow(/'count'/);
		expect(() => sandbox.control.seedInvoices({ connection_uuid: id, count: 1.5 })).toThrow(/'count'/);
		expect(() => sandbox.control.seedInvoices({ connection_uuid: id, count: 1, statuses: ['void' as never] })).toThrow(/'statuses'/);
		expect(() => sandbox.control.seedInvoices({ connection_uuid: id, count: 1, currency: 'usd' })).toThrow(/'currency'/);
	});
});

describe('GET /v1/getClientBalance/{clientUUID}', () => {
	beforeEach(() => start());

	const getBalance = (clientUUID: string) => api.get(`/v1/getClientBalance/${clientUUID}`, { headers: auth });

	function setInvoices(connectionUuid: string, rows: [number, Invoice['status']][], currency = 'USD') {
		const portalName = sandbox.state.connections.get(connectionUuid)!.portalName;
		sandbox.state.invoices.set(
			connectionUuid,
			rows.map(([amount, status], i) => ({
				invoiceId: randomUUID(),
				invoiceNumber: `T-${i}`,
				poNumber: `PO-${i}`,
				portalName,
				amount,
				currency,
				invoiceDate: '2024-01-01',
				dueDate: '2024-01-31',
				status,
			})),
		);
	}

	it('sums not-paid invoices as outstanding and overdue ones as overdue, per portal, rounded to cents', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const ariba = connectionWith(0, 'Ariba', clientUUID);
		const coupa = connectionWith(0, 'Coupa', clientUUID);
		const empty = connectionWith(0, 'Tradeshift', clientUUID);
		setInvoices(ariba, [
			[0.1, 'open'],
			[0.2, 'overdue'],
			[100, 'paid'],
			[10.05, 'disputed'],
		]);
		setInvoices(coupa, [
			[1.1, 'overdue'],
			[2.2, 'overdue'],
			[5, 'paid'],
		]);
		const res = await getBalance(clientUUID);
		expect(res.status).toBe(200);
		expect(res.data).toEqual({
			clientUUID,
			currency: 'USD',
			totalOutstanding: 13.65,
			totalOverdue: 3.5,
			openInvoices: 5,
			asOf: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			byPortal: [
				{ portalName: 'Ariba', connection_uuid: ariba, outstanding: 10.35, overdue: 0.2 },
				{ portalName: 'Coupa', connection_uuid: coupa, outstanding: 3.3, overdue: 3.3 },
				{ portalName: 'Tradeshift', connection_uuid: empty, outstanding: 0, overdue: 0 },
			],
		});
	});

	it('matches the invoices served by getClientInvoices for seeded data', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const id = connectionWith(250, 'Ariba', clientUUID);
		const all: Invoice[] = [];
		for (let page = 1; page <= 3; page++) all.push(...(await getInvoices(id, { page, pageSize: 100 })).data.data);
		const cents = (list: Invoice[]) => list.reduce((sum, i) => sum + Math.round(i.amount * 100), 0) / 100;
		const balance = (await getBalance(clientUUID)).data;
		expect(balance.totalOutstanding).toBe(cents(all.filter((i) => i.status !== 'paid')));
		expect(balance.totalOverdue).toBe(cents(all.filter((i) => i.status === 'overdue')));
		expect(balance.openInvoices).toBe(all.filter((i) => i.status !== 'paid').length);
	});

	it('leaves out other clients and other currencies', async () => {
		const mine = seedCustomerAndClient(sandbox).clientUUID;
		const theirs = seedCustomerAndClient(sandbox).clientUUID;
		const myConnection = connectionWith(0, 'Ariba', mine);
		setInvoices(myConnection, [[7, 'open']], 'EUR');
		sandbox.state.invoices.get(myConnection)!.push({ ...sandbox.state.invoices.get(myConnection)![0], currency: 'USD', amount: 99 });
		setInvoices(connectionWith(0, 'Ariba', theirs), [[1000, 'open']]);
		const res = await getBalance(mine);
		expect(res.data).toMatchObject({ currency: 'EUR', totalOutstanding: 7, openInvoices: 1 });
	});

	it('answers zeros for a client without connections and 404 to an unknown client', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		expect((await getBalance(clientUUID)).data).toMatchObject({
			totalOutstanding: 0,
			totalOverdue: 0,
			openInvoices: 0,
			byPortal: [],
		});
		const res = await getBalance(randomUUID());
		expect(res.status).toBe(404);
		expect(res.data).toEqual({ error: 'not_found', message: expect.stringMatching(/Client .* not found/) });
	});
});
