import type { AxiosInstance } from 'axios';
import { randomUUID } from 'node:crypto';
import { seedCustomerAndClient } from './fixtures';
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

const balance = (clientUUID: string) => api.get(`/v1/getClientBalance/${clientUUID}`, { headers: auth });

/** The client-side error of a request whose socket the sandbox destroyed. */
async function networkError(request: Promise<unknown>): Promise<{ code?: string; message: string }> {
	try {
		await request;
	} catch (error) {
		return error as { code?: string; message: string };
	}
	throw new Error('expected the request to fail at the network level');
}

describe('injectFault', () => {
	it("kind 'status' 429 answers rate_limited with Retry-After (default 1, or retryAfterSeconds)", async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 1, kind: 'status', status: 429 });
		const limited = await balance(clientUUID);
		expect(limited.status).toBe(429);
		expect(limited.headers['retry-after']).toBe('1');
		expect(limited.data).toEqual({ error: 'rate_limited', message: expect.any(String) });
		expect((await balance(clientUUID)).status).toBe(200);

		sandbox.control.injectFault({ path: '/v1/', count: 1, kind: 'status', status: 429, retryAfterSeconds: 7 });
		const again = await balance(clientUUID);
		expect(again.status).toBe(429);
		expect(again.headers['retry-after']).toBe('7');
	});

	it("kind 'status' 503 only hits the given method and path prefix", async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		sandbox.control.injectFault({ method: 'get', path: '/v1/getClientBalance/', count: 5, kind: 'status', status: 503 });
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(200);
		expect((await api.post(`/v1/getClientBalance/${clientUUID}`, {}, { headers: auth })).status).toBe(405);
		const res = await balance(clientUUID);
		expect(res.status).toBe(503);
		expect(res.data).toEqual({ error: 'service_unavailable', message: expect.any(String) });
		expect(sandbox.control.faults()[0]).toMatchObject({ method: 'GET', remaining: 4 });
	});

	it('acts before auth and routing', async () => {
		sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 1, kind: 'status', status: 500 });
		const res = await api.get('/v1/getClientBalance/nobody'); // no token, unknown client
		expect(res.status).toBe(500);
		expect(res.data.error).toBe('internal_error');
	});

	it('stops after count matching requests and then removes itself', async () => {
		sandbox.control.injectFault({ path: '/v1/login', count: 2, kind: 'status', status: 502 });
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(502);
		expect(sandbox.control.faults()).toEqual([expect.objectContaining({ remaining: 1, count: 2 })]);
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(502);
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(200);
		expect(sandbox.control.faults()).toEqual([]);
		// The faulted logins were not counted as logins or login failures (the handler never ran).
		expect(sandbox.control.stats()).toMatchObject({ logins: 2, loginFailures: 0 });
	});

	it('sends a raw HTML error page when body and contentType are given', async () => {
		const page = '<html><body><h1>502 Bad Gateway</h1></body></html>';
		sandbox.control.injectFault({ path: '/v1/', count: 1, kind: 'status', status: 502, body: page, contentType: 'text/html' });
		const res = await api.post('/v1/login', sandbox.login, { responseType: 'text', transformResponse: [(d) => d] });
		expect(res.status).toBe(502);
		expect(res.headers['content-type']).toBe('text/html');
		expect(res.data).toBe(page);
	});

	it('sends a non-JSON 200 body', async () => {
		sandbox.control.injectFault({ path: '/v1/login', count: 1, kind: 'status', status: 200, body: 'OK' });
		const res = await api.post('/v1/login', sandbox.login, { responseType: 'text', transformResponse: [(d) => d] });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
		expect(res.data).toBe('OK');
	});

	it("kind 'drop' destroys the socket before anything is done", async () => {
		const customerUUID = randomUUID();
		sandbox.control.injectFault({ method: 'POST', path: '/v1/addNewCustomer', count: 1, kind: 'drop' });
		const error = await networkError(api.post('/v1/addNewCustomer', { customerUUID, name: 'Acme' }, { headers: auth }));
		expect(error.code ?? error.message).toMatch(/ECONNRESET|socket hang up/);
		expect(sandbox.state.customers.has(customerUUID)).toBe(false);
		// The next one goes through.
		expect((await api.post('/v1/addNewCustomer', { customerUUID, name: 'Acme' }, { headers: auth })).status).toBe(201);
		expect(sandbox.control.log().map((e) => [e.path, e.status, e.fault])).toEqual([
			['/v1/login', 200, undefined],
			['/v1/addNewCustomer', null, 'drop'],
			['/v1/addNewCustomer', 201, undefined],
		]);
	});

	it("kind 'dropResponse' handles the request (state changes stick) and then destroys the socket", async () => {
		const customerUUID = randomUUID();
		sandbox.control.injectFault({ path: '/v1/addNewCustomer', count: 1, kind: 'dropResponse' });
		const error = await networkError(api.post('/v1/addNewCustomer', { customerUUID, name: 'Acme' }, { headers: auth }));
		expect(error.code ?? error.message).toMatch(/ECONNRESET|socket hang up/);
		expect(sandbox.state.customers.get(customerUUID)?.name).toBe('Acme');
		// A client retrying the create now meets the customer it did create.
		const retried = await api.post('/v1/addNewCustomer', { customerUUID, name: 'Acme' }, { headers: auth });
		expect(retried.status).toBe(409);
		expect(sandbox.control.log()[1]).toMatchObject({ path: '/v1/addNewCustomer', status: null, fault: 'dropResponse' });
	});

	it('applies to /collector too, never to /_sandbox', async () => {
		sandbox.control.injectFault({ path: '/collector', count: 1, kind: 'status', status: 503 });
		expect((await api.get('/collector?clientUUID=x')).status).toBe(503);
		expect(() => sandbox.control.injectFault({ path: '/_sandbox/stats', count: 1, kind: 'drop' })).toThrow(/control/);
	});

	it('refuses malformed fault specs with 400', () => {
		const bad = [
			{ path: 'v1/login', count: 1, kind: 'drop' },
			{ path: '/v1/login', count: 0, kind: 'drop' },
			{ path: '/v1/login', count: 1, kind: 'explode' },
			{ path: '/v1/login', count: 1, kind: 'status' },
			{ path: '/v1/login', count: 1, kind: 'status', status: 99 },
			{ path: '/v1/login', count: 1, kind: 'status', status: 500, body: 5 },
			{ path: '/v1/login', count: 1, kind: 'drop', method: 'GET /x' },
		];
		for (const spec of bad) {
			expect(() => sandbox.control.injectFault(spec as never)).toThrow(expect.objectContaining({ status: 400 }));
		}
		expect(sandbox.control.faults()).toEqual([]);
	});

	it('clearFaults removes every pending fault', async () => {
		sandbox.control.injectFault({ path: '/v1/', count: 10, kind: 'status', status: 500 });
		sandbox.control.injectFault({ path: '/v1/', count: 10, kind: 'drop' });
		sandbox.control.clearFaults();
		expect(sandbox.control.faults()).toEqual([]);
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(200);
	});

	it('matches the oldest fault first when several apply', async () => {
		sandbox.control.injectFault({ path: '/v1/', count: 1, kind: 'status', status: 500 });
		sandbox.control.injectFault({ path: '/v1/login', count: 1, kind: 'status', status: 503 });
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(500);
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(503);
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(200);
	});
});
