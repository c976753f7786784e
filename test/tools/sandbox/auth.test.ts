import axios, { AxiosInstance } from 'axios';
import { fakeOnly } from '../../harness/fake-clock';
import { Sandbox, SandboxOptions, startSandbox } from './index';
import { seedCustomerAndClient } from './fixtures';

let sandbox: Sandbox;
let api: AxiosInstance;

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox(options);
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
}

afterEach(async () => {
	jest.useRealTimers();
	await sandbox?.close();
});

async function login(): Promise<{ token: string; refreshToken: string }> {
	const res = await api.post('/v1/login', sandbox.login);
	expect(res.status).toBe(200);
	return res.data;
}

/** A protected call: the balance of a seeded client (200 when the token is accepted). */
function protectedCall(token: string | undefined, clientUUID: string) {
	return api.get(`/v1/getClientBalance/${clientUUID}`, {
		headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
	});
}

/**
 * Stops Date.now() (the sandbox checks expiry with it, in this process) and returns the moment it
 * stands at: a token issued now lives until the test moves the clock past its lifetime, never
 * longer or shorter because the machine is slow or fast.
 */
function stopTheClock(): number {
	fakeOnly('Date');
	return Date.now();
}

describe('POST /v1/login', () => {
	beforeEach(() => start());

	it('returns token, refreshToken and expiresIn for the seeded account', async () => {
		const res = await api.post('/v1/login', { email: 'demo@portalduct.test', password: 'sandbox-password' });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toMatch(/^application\/json/);
		expect(Object.keys(res.data).sort()).toEqual(['expiresIn', 'refreshToken', 'token']);
		expect(res.data.token).toMatch(/^\S{20,}$/);
		expect(res.data.refreshToken).not.toBe(res.data.token);
		expect(res.data.expiresIn).toBe(900);
	});

	it('matches the email case-insensitively', async () => {
		const res = await api.post('/v1/login', { email: 'DEMO@PortalDuct.test', password: 'sandbox-password' });
		expect(res.status).toBe(200);
	});

	it('answers 401 invalid_credentials to a wrong password or email', async () => {
		for (const body of [
			{ email: sandbox.login.email, password: 'nope' },
			{ email: 'other@portalduct.test', password: sandbox.login.password },
		]) {
			const res = await api.post('/v1/login', body);
			expect(res.status).toBe(401);
			expect(res.data).toEqual({ error: 'invalid_credentials', message: expect.any(String) });
		}
		expect(sandbox.control.stats()).toMatchObject({ logins: 0, loginFailures: 2, unauthorized: 2 });
	});

	it('answers 400 to missing or non-string fields and to a non-JSON body', async () => {
		const cases: [unknown, RegExp][] = [
			[{ password: 'x' }, /'email' is required/],
			[{ email: sandbox.login.email }, /'password' is required/],
			[{ email: 42, password: 'x' }, /'email' must be a string/],
			[{ email: sandbox.login.email, password: ['x'] }, /'password' must be a string/],
			[[1, 2], /JSON object/],
		];
		for (const [body, message] of cases) {
			const res = await api.post('/v1/login', body);
			expect(res.status).toBe(400);
			expect(res.data.error).toBe('invalid_request');
			expect(res.data.message).toMatch(message);
		}
		// transformRequest as is: axios would otherwise JSON-encode the invalid string into a valid JSON string.
		const notJson = await api.post('/v1/login', '{email: nope', {
			headers: { 'Content-Type': 'application/json' },
			transformRequest: [(data) => data],
		});
		expect(notJson.status).toBe(400);
		expect(notJson.data).toEqual({ error: 'invalid_request', message: 'Request body is not valid JSON' });
		const empty = await api.post('/v1/login');
		expect(empty.status).toBe(400);
		expect(sandbox.control.stats().loginFailures).toBe(7);
	});

	it('counts successful logins', async () => {
		await login();
		await login();
		expect(sandbox.control.stats()).toMatchObject({ logins: 2, loginFailures: 0 });
	});
});

describe('Bearer token checks', () => {
	let clientUUID: string;
	beforeEach(async () => {
		await start();
		clientUUID = seedCustomerAndClient(sandbox).clientUUID;
	});

	it('accepts a fresh token', async () => {
		const { token } = await login();
		expect((await protectedCall(token, clientUUID)).status).toBe(200);
	});

	it('answers 401 unauthorized to a missing, malformed or unknown token', async () => {
		const missing = await protectedCall(undefined, clientUUID);
		expect(missing.status).toBe(401);
		expect(missing.data).toEqual({ error: 'unauthorized', message: expect.stringMatching(/Authorization/) });
		expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);

		const basic = await api.get(`/v1/getClientBalance/${clientUUID}`, { headers: { Authorization: 'Basic abc' } });
		expect(basic.status).toBe(401);
		const unknown = await protectedCall('pdat_not_a_real_token', clientUUID);
		expect(unknown.status).toBe(401);
		expect(unknown.data.error).toBe('unauthorized');
		expect(sandbox.control.stats().unauthorized).toBe(3);
	});

	it('expires tokens after tokenLifetimeSeconds (checked at request time)', async () => {
		await sandbox.close();
		await start({ tokenLifetimeSeconds: 1 });
		clientUUID = seedCustomerAndClient(sandbox).clientUUID;
		const issued = stopTheClock();
		const { token } = await login();
		expect((await protectedCall(token, clientUUID)).status).toBe(200);
		// Not before the lifetime has passed...
		jest.setSystemTime(issued + 999);
		expect((await protectedCall(token, clientUUID)).status).toBe(200);
		// ...and from then on, on the next request.
		jest.setSystemTime(issued + 1000);
		const res = await protectedCall(token, clientUUID);
		expect(res.status).toBe(401);
		expect(res.data).toEqual({ error: 'unauthorized', message: expect.stringMatching(/expired/i) });
	});

	it('applies a lifetime changed at run time to tokens already issued', async () => {
		const issued = stopTheClock();
		const { token } = await login();
		expect((await protectedCall(token, clientUUID)).status).toBe(200);
		// A second after the issue: past a 1 ms lifetime, well within 900 s (however long requests take).
		jest.setSystemTime(issued + 1000);
		sandbox.control.updateSettings({ tokenLifetimeSeconds: 0.001 });
		expect((await protectedCall(token, clientUUID)).status).toBe(401);
		sandbox.control.updateSettings({ tokenLifetimeSeconds: 900 });
		expect((await protectedCall(token, clientUUID)).status).toBe(200);
	});

	it('reports fractional lifetimes in expiresIn', async () => {
		sandbox.control.updateSettings({ tokenLifetimeSeconds: 0.5 });
		const res = await api.post('/v1/login', sandbox.login);
		expect(res.data.expiresIn).toBe(0.5);
	});

	it('rejectTokenOnce: the next request with a valid token gets 401, the token stays valid', async () => {
		const { token } = await login();
		sandbox.control.rejectTokenOnce();
		const rejected = await protectedCall(token, clientUUID);
		expect(rejected.status).toBe(401);
		expect(rejected.data.error).toBe('unauthorized');
		expect((await protectedCall(token, clientUUID)).status).toBe(200);
		expect((await protectedCall(token, clientUUID)).status).toBe(200);
	});

	it('rejectTokenOnce does not fire on a request without a valid token', async () => {
		const { token } = await login();
		sandbox.control.rejectTokenOnce();
		expect((await protectedCall('pdat_bogus', clientUUID)).status).toBe(401);
		// The one rejection is still armed for the next valid token.
		expect((await protectedCall(token, clientUUID)).status).toBe(401);
		expect((await protectedCall(token, clientUUID)).status).toBe(200);
	});

	it('revokeTokens invalidates every access AND refresh token; a new login works', async () => {
		const first = await login();
		const second = await login();
		sandbox.control.revokeTokens();
		expect((await protectedCall(first.token, clientUUID)).status).toBe(401);
		expect((await protectedCall(second.token, clientUUID)).status).toBe(401);
		const refresh = await api.post('/v1/refreshToken', { refreshToken: second.refreshToken });
		expect(refresh.status).toBe(401);
		const fresh = await login();
		expect((await protectedCall(fresh.token, clientUUID)).status).toBe(200);
	});

	it('secrets lists the password and every token ever issued, revoked ones too (for leak scans)', async () => {
		const first = await login();
		sandbox.control.revokeTokens();
		const second = await login();
		const { data } = await api.get('/_sandbox/secrets');
		expect(data.password).toBe(sandbox.login.password);
		expect(data.tokens).toEqual(expect.arrayContaining([first.token, first.refreshToken, second.token, second.refreshToken]));
		expect(sandbox.control.secrets()).toEqual(data);
	});
});

describe('POST /v1/refreshToken', () => {
	let clientUUID: string;
	beforeEach(async () => {
		await start();
		clientUUID = seedCustomerAndClient(sandbox).clientUUID;
	});

	it('issues a new access and refresh token', async () => {
		const first = await login();
		const res = await api.post('/v1/refreshToken', { refreshToken: first.refreshToken });
		expect(res.status).toBe(200);
		expect(res.data).toEqual({ token: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
		expect(res.data.token).not.toBe(first.token);
		expect(res.data.refreshToken).not.toBe(first.refreshToken);
		expect((await protectedCall(res.data.token, clientUUID)).status).toBe(200);
		expect(sandbox.control.stats()).toMatchObject({ refreshes: 1, refreshFailures: 0, logins: 1 });
	});

	it('is single-use: the used refresh token answers 401, the new one works', async () => {
		const first = await login();
		const refreshed = await api.post('/v1/refreshToken', { refreshToken: first.refreshToken });
		expect(refreshed.status).toBe(200);
		const reused = await api.post('/v1/refreshToken', { refreshToken: first.refreshToken });
		expect(reused.status).toBe(401);
		expect(reused.data).toEqual({ error: 'invalid_refresh_token', message: expect.stringMatching(/already used/) });
		const next = await api.post('/v1/refreshToken', { refreshToken: refreshed.data.refreshToken });
		expect(next.status).toBe(200);
		expect(sandbox.control.stats()).toMatchObject({ refreshes: 2, refreshFailures: 1 });
	});

	it('answers 401 to an unknown refresh token and 400 to a missing one', async () => {
		const unknown = await api.post('/v1/refreshToken', { refreshToken: 'pdrt_unknown' });
		expect(unknown.status).toBe(401);
		expect(unknown.data.error).toBe('invalid_refresh_token');
		const missing = await api.post('/v1/refreshToken', {});
		expect(missing.status).toBe(400);
		expect(missing.data).toEqual({ error: 'invalid_request', message: "'refreshToken' is required" });
		expect(sandbox.control.stats().refreshFailures).toBe(2);
	});

	it('does not need a Bearer token (the access token may have expired)', async () => {
		sandbox.control.updateSettings({ tokenLifetimeSeconds: 0.001 });
		const issued = stopTheClock();
		const first = await login();
		jest.setSystemTime(issued + 1000);
		expect((await protectedCall(first.token, clientUUID)).status).toBe(401);
		sandbox.control.updateSettings({ tokenLifetimeSeconds: 900 });
		const res = await api.post('/v1/refreshToken', { refreshToken: first.refreshToken });
		expect(res.status).toBe(200);
	});

	it('refreshRefused: every refresh answers 401 and login still works', async () => {
		const first = await login();
		sandbox.control.updateSettings({ refreshRefused: true });
		const res = await api.post('/v1/refreshToken', { refreshToken: first.refreshToken });
		expect(res.status).toBe(401);
		expect(res.data.error).toBe('invalid_refresh_token');
		expect((await api.post('/v1/login', sandbox.login)).status).toBe(200);
		sandbox.control.updateSettings({ refreshRefused: false });
		// A refused refresh did not consume the token.
		expect((await api.post('/v1/refreshToken', { refreshToken: first.refreshToken })).status).toBe(200);
	});
});

describe('tokenResponseStyle', () => {
	const cases: [NonNullable<SandboxOptions['tokenResponseStyle']>, (body: any) => [string, string]][] = [
		['token', (b) => [b.token, b.refreshToken]],
		['accessToken', (b) => [b.accessToken, b.refreshToken]],
		['access_token', (b) => [b.access_token, b.refresh_token]],
		['data', (b) => [b.data.token, b.data.refreshToken]],
	];

	it.each(cases)('%s: login and refresh answer that shape, and the tokens work', async (style, pick) => {
		await start({ tokenResponseStyle: style });
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const loginRes = await api.post('/v1/login', sandbox.login);
		expect(loginRes.status).toBe(200);
		const [token, refreshToken] = pick(loginRes.data);
		expect(typeof token).toBe('string');
		expect(typeof refreshToken).toBe('string');
		const expiresIn = style === 'data' ? loginRes.data.data.expiresIn : loginRes.data.expiresIn;
		expect(expiresIn).toBe(900);
		const keys = Object.keys(style === 'data' ? loginRes.data.data : loginRes.data).sort();
		expect(keys).toHaveLength(3);
		if (style === 'data') expect(Object.keys(loginRes.data)).toEqual(['data']);
		expect((await protectedCall(token, clientUUID)).status).toBe(200);

		const refreshRes = await api.post('/v1/refreshToken', { refreshToken });
		expect(refreshRes.status).toBe(200);
		const [token2, refresh2] = pick(refreshRes.data);
		expect(token2).not.toBe(token);
		expect(refresh2).not.toBe(refreshToken);
	});

	it('can be switched at run time', async () => {
		await start();
		sandbox.control.updateSettings({ tokenResponseStyle: 'access_token' });
		const res = await api.post('/v1/login', sandbox.login);
		expect(res.data).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expiresIn: 900 });
	});
});
