/** Session rules some APIs have: no refresh endpoint at all, one session per account. */
import axios, { AxiosInstance } from 'axios';
import { seedCustomerAndClient } from './fixtures';
import { Sandbox, SandboxOptions, startSandbox } from './index';

let sandbox: Sandbox;
let api: AxiosInstance;
let clientUUID: string;

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox(options);
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
	({ clientUUID } = seedCustomerAndClient(sandbox));
}

afterEach(() => sandbox?.close());

async function login(): Promise<{ token: string; refreshToken: string }> {
	const res = await api.post('/v1/login', sandbox.login);
	expect(res.status).toBe(200);
	return res.data;
}

/** A protected call's status: 200 while the token is accepted. */
const statusWith = async (token: string) =>
	(await api.get(`/v1/getClientBalance/${clientUUID}`, { headers: { Authorization: `Bearer ${token}` } })).status;

describe('refreshEndpoint', () => {
	it('false: POST /v1/refreshToken is the unknown-route 404, whatever the body', async () => {
		await start({ refreshEndpoint: false });
		const { refreshToken } = await login();
		const res = await api.post('/v1/refreshToken', { refreshToken });
		const unknown = await api.post('/v1/noSuchEndpoint', { refreshToken });
		expect(res.status).toBe(404);
		expect(res.data).toEqual({ error: 'not_found', message: 'No route POST /v1/refreshToken' });
		expect(unknown.data).toEqual({ error: 'not_found', message: 'No route POST /v1/noSuchEndpoint' });
		// No route at all: another method is a 404 too, not a 405.
		expect((await api.get('/v1/refreshToken')).status).toBe(404);
		const stats = sandbox.control.stats();
		expect(stats).toMatchObject({ refreshes: 0, refreshFailures: 0 });
		expect(stats.requests['POST (unmatched)']).toBe(2);
		expect(stats.requests['POST /v1/refreshToken']).toBeUndefined();
		expect(sandbox.control.log()[1]).toMatchObject({ path: '/v1/refreshToken', route: null, status: 404 });
	});

	it('can be switched off and on at run time; the refresh token survives the 404', async () => {
		await start();
		expect(sandbox.control.getSettings().refreshEndpoint).toBe(true);
		const { refreshToken } = await login();
		expect((await api.patch('/_sandbox/settings', { refreshEndpoint: false })).status).toBe(200);
		expect((await api.post('/v1/refreshToken', { refreshToken })).status).toBe(404);
		expect((await api.patch('/_sandbox/settings', { refreshEndpoint: true })).status).toBe(200);
		const res = await api.post('/v1/refreshToken', { refreshToken });
		expect(res.status).toBe(200);
		expect(await statusWith(res.data.token)).toBe(200);
	});
});

describe('singleSession', () => {
	it('a login ends every access token issued before it; the new one works', async () => {
		await start({ singleSession: true });
		const first = await login();
		expect(await statusWith(first.token)).toBe(200);
		const second = await login();
		expect(await statusWith(first.token)).toBe(401);
		expect(await statusWith(second.token)).toBe(200);
		expect(sandbox.control.stats().unauthorized).toBe(1);
	});

	it('a refresh ends the older sessions too, and the new session can refresh again', async () => {
		await start({ singleSession: true });
		const a = await login();
		const b = await login();
		// The displaced session's refresh token is still good: it refreshes back in and displaces b.
		const refreshed = await api.post('/v1/refreshToken', { refreshToken: a.refreshToken });
		expect(refreshed.status).toBe(200);
		expect(await statusWith(b.token)).toBe(401);
		expect(await statusWith(refreshed.data.token)).toBe(200);
		const again = await api.post('/v1/refreshToken', { refreshToken: refreshed.data.refreshToken });
		expect(again.status).toBe(200);
		expect(await statusWith(refreshed.data.token)).toBe(401);
		expect(await statusWith(again.data.token)).toBe(200);
	});

	it('a failed login or refresh ends nothing', async () => {
		await start({ singleSession: true });
		const { token } = await login();
		expect((await api.post('/v1/login', { ...sandbox.login, password: 'wrong' })).status).toBe(401);
		expect((await api.post('/v1/refreshToken', { refreshToken: 'pdrt_not-issued' })).status).toBe(401);
		expect(await statusWith(token)).toBe(200);
	});

	it('is off by default: sessions live side by side', async () => {
		await start();
		expect(sandbox.control.getSettings().singleSession).toBe(false);
		const first = await login();
		const second = await login();
		expect(await statusWith(first.token)).toBe(200);
		expect(await statusWith(second.token)).toBe(200);
	});

	it('can be switched on over HTTP; bad values are 400', async () => {
		await start();
		const first = await login();
		expect((await api.patch('/_sandbox/settings', { singleSession: 'yes' })).status).toBe(400);
		expect((await api.patch('/_sandbox/settings', { refreshEndpoint: 1 })).status).toBe(400);
		expect((await api.patch('/_sandbox/settings', { singleSession: true })).data.singleSession).toBe(true);
		await login();
		expect(await statusWith(first.token)).toBe(401);
	});
});
