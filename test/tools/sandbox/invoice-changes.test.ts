import axios, { AxiosInstance } from 'axios';
import type { IDataObject } from 'n8n-workflow';
import { changeKeyOf } from '../../../nodes/PortalDuct/actions/invoice/getMany';
import { seedCustomerAndClient } from './fixtures';
import { Sandbox, startSandbox } from './index';

let sandbox: Sandbox;
let api: AxiosInstance;
let connection: string;

beforeEach(async () => {
	sandbox = await startSandbox();
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
	const { clientUUID } = seedCustomerAndClient(sandbox);
	connection = (await api.post('/_sandbox/connections', { clientUUID, portalName: 'Ariba' })).data.connection_uuid;
	await api.post('/_sandbox/invoices', { connection_uuid: connection, count: 3, statuses: ['open'] });
});
afterEach(() => sandbox.close());

/** The invoices as a client of the public API reads them. */
async function served(): Promise<IDataObject[]> {
	const { token } = (await api.post('/v1/login', sandbox.login)).data;
	const page = await api.get(`/v1/getClientInvoices/${connection}`, { headers: { Authorization: `Bearer ${token}` } });
	expect(page.status).toBe(200);
	return page.data.data;
}

describe('PATCH /_sandbox/invoices/:invoiceId', () => {
	it('changes amount and due date: the public API serves the change, the changeKey changes, nothing else does', async () => {
		const before = await served();
		const target = before[1];
		const res = await api.patch(`/_sandbox/invoices/${target.invoiceId}`, { amount: 1234.5, dueDate: '2030-01-31' });
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ ...target, amount: 1234.5, dueDate: '2030-01-31' });
		const after = await served();
		expect(after[1]).toEqual(res.data);
		expect([after[0], after[2]]).toEqual([before[0], before[2]]);
		expect(changeKeyOf(after[1])).not.toBe(changeKeyOf(target));
		expect(changeKeyOf(after[0])).toBe(changeKeyOf(before[0]));
		expect(sandbox.control.deliveries()).toEqual([]); // no event: a portal's later report
	});

	it('by invoiceNumber; paid gets a paidDate, reopened loses it', async () => {
		const [first] = await served();
		const paid = await api.patch(`/_sandbox/invoices/${first.invoiceNumber}`, { status: 'paid', paidDate: '2024-02-02' });
		expect(paid.status).toBe(200);
		expect(paid.data).toMatchObject({ invoiceId: first.invoiceId, status: 'paid', paidDate: '2024-02-02' });
		const paidToday = await api.patch(`/_sandbox/invoices/${(await served())[2].invoiceId}`, { status: 'paid' });
		expect(paidToday.data.paidDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		const reopened = await api.patch(`/_sandbox/invoices/${first.invoiceId}`, { status: 'disputed' });
		expect(reopened.data.status).toBe('disputed');
		expect(reopened.data).not.toHaveProperty('paidDate');
		expect((await served())[0]).toEqual(reopened.data);
	});

	it('404 for an unknown invoice, 400 naming the field for a bad change', async () => {
		const [first] = await served();
		const unknown = await api.patch('/_sandbox/invoices/INV-NOPE', { amount: 1 });
		expect(unknown.status).toBe(404);
		expect(unknown.data.message).toContain('INV-NOPE');
		const cases: Array<[unknown, string]> = [
			[{ amount: -1 }, 'amount'],
			[{ currency: 'dollars' }, 'currency'],
			[{ status: 'gone' }, 'status'],
			[{ dueDate: 'tomorrow' }, 'dueDate'],
			[{ invoiceNumber: 'X' }, 'invoiceNumber'],
			[{}, 'at least one'],
		];
		for (const [change, word] of cases) {
			const res = await api.patch(`/_sandbox/invoices/${first.invoiceId}`, change);
			expect([res.status, res.data.message]).toEqual([400, expect.stringContaining(word)]);
		}
		expect((await served())[0]).toEqual(first);
	});
});
