import type { AxiosInstance } from 'axios';
import { randomUUID } from 'node:crypto';
import { Sandbox, startSandbox } from './index';
import { loggedInApi } from './logged-in-api';

let sandbox: Sandbox;
let api: AxiosInstance;
let auth: { Authorization: string };

beforeEach(async () => {
	sandbox = await startSandbox();
	({ api, auth } = await loggedInApi(sandbox));
});

afterEach(() => sandbox.close());

const post = (path: string, body: unknown) => api.post(path, body, { headers: auth });

describe('POST /v1/addNewCustomer', () => {
	it('creates the customer with the caller-chosen UUID and answers 201 with it', async () => {
		const customerUUID = randomUUID();
		const res = await post('/v1/addNewCustomer', {
			customerUUID,
			name: 'Acme Supplies',
			email: 'ap@acme.example',
			metadata: { plan: 'gold', seats: 3 },
		});
		expect(res.status).toBe(201);
		expect(res.data).toEqual({
			customerUUID,
			name: 'Acme Supplies',
			email: 'ap@acme.example',
			metadata: { plan: 'gold', seats: 3 },
			createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
		expect(sandbox.state.customers.get(customerUUID)).toEqual(res.data);
	});

	it('omits optional fields that were not sent and stores UUIDs lower case', async () => {
		const customerUUID = randomUUID().toUpperCase();
		const res = await post('/v1/addNewCustomer', { customerUUID, name: 'Acme' });
		expect(res.status).toBe(201);
		expect(Object.keys(res.data).sort()).toEqual(['createdAt', 'customerUUID', 'name']);
		expect(res.data.customerUUID).toBe(customerUUID.toLowerCase());
	});

	it('answers 409 conflict to a duplicate customerUUID (in any letter case)', async () => {
		const customerUUID = randomUUID();
		expect((await post('/v1/addNewCustomer', { customerUUID, name: 'Acme' })).status).toBe(201);
		const res = await post('/v1/addNewCustomer', { customerUUID: customerUUID.toUpperCase(), name: 'Other' });
		expect(res.status).toBe(409);
		expect(res.data).toEqual({ error: 'conflict', message: expect.stringContaining(customerUUID) });
		expect(sandbox.state.customers.get(customerUUID)?.name).toBe('Acme');
	});

	it.each([
		[{ name: 'Acme' }, 'customerUUID'],
		[{ customerUUID: 'not-a-uuid', name: 'Acme' }, 'customerUUID'],
		[{ customerUUID: '123e4567-e89b-12d3-a456-42661417400', name: 'Acme' }, 'customerUUID'],
		[{ customerUUID: randomUUID() }, 'name'],
		[{ customerUUID: randomUUID(), name: '' }, 'name'],
		[{ customerUUID: randomUUID(), name: '   ' }, 'name'],
		[{ customerUUID: randomUUID(), name: 7 }, 'name'],
		[{ customerUUID: randomUUID(), name: 'Acme', email: 'not-an-email' }, 'email'],
		[{ customerUUID: randomUUID(), name: 'Acme', email: '' }, 'email'],
		[{ customerUUID: randomUUID(), name: 'Acme', metadata: 'gold' }, 'metadata'],
		[{ customerUUID: randomUUID(), name: 'Acme', metadata: [1] }, 'metadata'],
		[{ customerUUID: randomUUID(), name: 'Acme', metadata: null }, 'metadata'],
	])('answers 400 naming the field: %j', async (body, field) => {
		const res = await post('/v1/addNewCustomer', body);
		expect(res.status).toBe(400);
		expect(res.data.error).toBe('invalid_request');
		expect(res.data.message).toContain(`'${field}'`);
		expect(sandbox.state.customers.size).toBe(0);
	});

	it('answers 400 to a body that is not a JSON object', async () => {
		const res = await post('/v1/addNewCustomer', [{ name: 'x' }]);
		expect(res.status).toBe(400);
		expect(res.data.message).toMatch(/JSON object/);
	});

	it('needs a Bearer token', async () => {
		const res = await api.post('/v1/addNewCustomer', { customerUUID: randomUUID(), name: 'Acme' });
		expect(res.status).toBe(401);
		expect(res.data.error).toBe('unauthorized');
		expect(sandbox.state.customers.size).toBe(0);
	});
});

describe('POST /v1/addNewCustomerClient', () => {
	let customerUUID: string;
	beforeEach(async () => {
		customerUUID = randomUUID();
		expect((await post('/v1/addNewCustomer', { customerUUID, name: 'Acme' })).status).toBe(201);
	});

	it('creates the client under its customer and answers 201', async () => {
		const clientUUID = randomUUID();
		const res = await post('/v1/addNewCustomerClient', {
			customerUUID,
			clientUUID,
			name: 'Globex Retail',
			email: 'ar@globex.example',
			metadata: { region: 'EU' },
		});
		expect(res.status).toBe(201);
		expect(res.data).toEqual({
			clientUUID,
			customerUUID,
			name: 'Globex Retail',
			email: 'ar@globex.example',
			metadata: { region: 'EU' },
			createdAt: expect.any(String),
		});
		expect(sandbox.state.clients.get(clientUUID)?.customerUUID).toBe(customerUUID);
	});

	it('answers 404 to an unknown customer', async () => {
		const res = await post('/v1/addNewCustomerClient', { customerUUID: randomUUID(), clientUUID: randomUUID(), name: 'G' });
		expect(res.status).toBe(404);
		expect(res.data).toEqual({ error: 'not_found', message: expect.stringMatching(/Customer .* not found/) });
	});

	it('answers 409 to a duplicate clientUUID, also under another customer', async () => {
		const clientUUID = randomUUID();
		expect((await post('/v1/addNewCustomerClient', { customerUUID, clientUUID, name: 'G' })).status).toBe(201);
		const other = randomUUID();
		expect((await post('/v1/addNewCustomer', { customerUUID: other, name: 'Other' })).status).toBe(201);
		const res = await post('/v1/addNewCustomerClient', { customerUUID: other, clientUUID, name: 'G2' });
		expect(res.status).toBe(409);
		expect(res.data.error).toBe('conflict');
	});

	it.each([
		[{ clientUUID: 'x', name: 'G' }, 'clientUUID'],
		[{ name: 'G' }, 'clientUUID'],
		[{ clientUUID: '7e57d004-2b97-0e7a-b45f-5387367791cd' }, 'name'],
		[{ clientUUID: '7e57d004-2b97-0e7a-b45f-5387367791cd', name: 'G', email: 'a@b' }, 'email'],
		[{ clientUUID: '7e57d004-2b97-0e7a-b45f-5387367791cd', name: 'G', metadata: 5 }, 'metadata'],
	])('answers 400 naming the field: %j', async (body, field) => {
		const res = await post('/v1/addNewCustomerClient', { customerUUID, ...body });
		expect(res.status).toBe(400);
		expect(res.data.message).toContain(`'${field}'`);
	});

	it('answers 400 to a malformed customerUUID before looking it up', async () => {
		const res = await post('/v1/addNewCustomerClient', { customerUUID: 'acme', clientUUID: randomUUID(), name: 'G' });
		expect(res.status).toBe(400);
		expect(res.data.message).toContain("'customerUUID'");
	});
});

describe('routing', () => {
	it('answers 404 JSON to an unknown /v1 route, without needing a token', async () => {
		const res = await api.get('/v1/getClientPurchaseOrders/abc');
		expect(res.status).toBe(404);
		expect(res.data).toEqual({ error: 'not_found', message: 'No route GET /v1/getClientPurchaseOrders/abc' });
	});

	it('answers 404 to a path parameter left empty', async () => {
		const res = await api.get('/v1/getClientInvoices/', { headers: auth });
		expect(res.status).toBe(404);
	});

	it('answers 405 with Allow to a wrong method', async () => {
		const res = await api.get('/v1/login');
		expect(res.status).toBe(405);
		expect(res.headers.allow).toBe('POST');
		expect(res.data.error).toBe('method_not_allowed');
		const put = await api.put('/v1/clientsPortalLoginChanges', {}, { headers: auth });
		expect(put.status).toBe(405);
		expect(put.headers.allow).toBe('POST, GET, DELETE');
	});

	it('answers 404 JSON outside /v1, /collector and /_sandbox, and describes itself at /', async () => {
		const res = await api.get('/v2/login');
		expect(res.status).toBe(404);
		expect(res.data.error).toBe('not_found');
		const root = await api.get('/');
		expect(root.status).toBe(200);
		expect(root.data).toMatchObject({ api: '/v1', control: '/_sandbox' });
	});

	it('keeps idle connections open as long as a real API server behind a load balancer (65 s)', async () => {
		const res = await api.post('/v1/login', sandbox.login);
		expect(res.headers['keep-alive']).toBe('timeout=65');
	});
});
