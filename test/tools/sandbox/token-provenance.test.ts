/** The request log says where each token came from; stats().foreignTokens counts tokens issued elsewhere. */
import axios, { AxiosInstance } from 'axios';
import { seedCustomerAndClient } from './fixtures';
import { Sandbox, startSandbox } from './index';

let sandbox: Sandbox;
let api: AxiosInstance;
let clientUUID: string;

beforeEach(async () => {
	sandbox = await startSandbox();
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
	({ clientUUID } = seedCustomerAndClient(sandbox));
});

afterEach(() => sandbox.close());

const balance = (headers: Record<string, string> = {}) => api.get(`/v1/getClientBalance/${clientUUID}`, { headers });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function login(target: AxiosInstance = api): Promise<{ token: string; refreshToken: string }> {
	const res = await target.post('/v1/login', sandbox.login);
	expect(res.status).toBe(200);
	return res.data;
}

describe('LogEntry.token', () => {
	it("is 'none', 'valid', 'expired', 'revoked' or 'unknown' for the Bearer token a request carried", async () => {
		const { token } = await login();
		await balance();
		await balance({ Authorization: 'Basic dXNlcjpwYXNz' });
		await balance(bearer(token));
		// Backdate the token instead of waiting for it to expire.
		sandbox.state.tokens.access.get(token)!.issuedAt -= 3600 * 1000;
		await balance(bearer(token));
		const { token: second } = await login();
		sandbox.control.revokeTokens();
		await balance(bearer(second));
		await balance(bearer('pdat_made-up'));
		const log = (await api.get('/_sandbox/log')).data as { path: string; status: number; token: string }[];
		expect(log.map((e) => [e.path.replace(clientUUID, ':id'), e.status, e.token])).toEqual([
			['/v1/login', 200, 'none'],
			['/v1/getClientBalance/:id', 401, 'none'],
			['/v1/getClientBalance/:id', 401, 'none'],
			['/v1/getClientBalance/:id', 200, 'valid'],
			['/v1/getClientBalance/:id', 401, 'expired'],
			['/v1/login', 200, 'none'],
			['/v1/getClientBalance/:id', 401, 'revoked'],
			['/v1/getClientBalance/:id', 401, 'unknown'],
		]);
		expect(sandbox.control.stats().foreignTokens).toBe(1);
		// The log names the provenance, never the token.
		expect(JSON.stringify(log)).not.toContain(token);
	});

	it("calls a token ended by a newer session (singleSession) 'revoked'", async () => {
		sandbox.control.updateSettings({ singleSession: true });
		const { token } = await login();
		await login();
		await balance(bearer(token));
		expect(sandbox.control.log()[2]).toMatchObject({ status: 401, token: 'revoked' });
	});

	it('is noted on faulted requests too', async () => {
		sandbox.control.injectFault({ path: '/v1/getClientBalance/', count: 1, kind: 'status', status: 503 });
		await balance(bearer('pdat_from-elsewhere'));
		expect(sandbox.control.log()[0]).toMatchObject({ status: 503, fault: 'status', token: 'unknown' });
		expect(sandbox.control.stats().foreignTokens).toBe(1);
	});
});

describe('LogEntry.refreshToken', () => {
	it("is 'valid', 'used', 'revoked', 'unknown' or 'none' for the refresh token in the body", async () => {
		const { refreshToken } = await login();
		await api.post('/v1/refreshToken', { refreshToken });
		await api.post('/v1/refreshToken', { refreshToken });
		await api.post('/v1/refreshToken', { refreshToken: 'pdrt_made-up' });
		await api.post('/v1/refreshToken', {});
		await api.post('/v1/refreshToken', 'not json', { headers: { 'Content-Type': 'application/json' }, transformRequest: [(d) => d] });
		const { refreshToken: later } = await login();
		sandbox.control.revokeTokens();
		await api.post('/v1/refreshToken', { refreshToken: later });
		const refreshes = sandbox.control.log().filter((e) => e.path === '/v1/refreshToken');
		expect(refreshes.map((e) => [e.status, e.refreshToken, e.token])).toEqual([
			[200, 'valid', 'none'],
			[401, 'used', 'none'],
			[401, 'unknown', 'none'],
			[400, 'none', 'none'],
			[400, 'none', 'none'],
			[401, 'revoked', 'none'],
		]);
		// Only refresh requests carry the field.
		expect(sandbox.control.log().filter((e) => 'refreshToken' in e)).toHaveLength(6);
		expect(sandbox.control.stats().foreignTokens).toBe(1);
	});

	it('is noted even where the endpoint does not exist (refreshEndpoint: false)', async () => {
		sandbox.control.updateSettings({ refreshEndpoint: false });
		await api.post('/v1/refreshToken', { refreshToken: 'pdrt_from-elsewhere' });
		expect(sandbox.control.log()[0]).toMatchObject({ status: 404, refreshToken: 'unknown' });
		expect(sandbox.control.stats().foreignTokens).toBe(1);
	});
});

describe('stats().foreignTokens', () => {
	it('proves that one environment never received a token another one issued', async () => {
		const other = await startSandbox();
		try {
			const otherApi = axios.create({ baseURL: other.url, validateStatus: () => true });
			const mine = await login();
			const theirs = await login(otherApi);

			// Each environment only sees its own tokens: nothing foreign.
			await balance(bearer(mine.token));
			expect((await otherApi.post('/v1/refreshToken', { refreshToken: theirs.refreshToken })).status).toBe(200);
			expect(sandbox.control.stats().foreignTokens).toBe(0);
			expect(other.control.stats().foreignTokens).toBe(0);

			// A token of this sandbox sent to the other one is refused there and counted, once per request.
			expect((await otherApi.get('/v1/getClientBalance/x', { headers: bearer(mine.token) })).status).toBe(401);
			expect((await otherApi.post('/v1/refreshToken', { refreshToken: mine.refreshToken })).status).toBe(401);
			expect(
				(await otherApi.post('/v1/refreshToken', { refreshToken: mine.refreshToken }, { headers: bearer(mine.token) })).status,
			).toBe(401);
			const stats = (await otherApi.get('/_sandbox/stats')).data;
			expect(stats.foreignTokens).toBe(3);
			expect(other.control.log().slice(-3).map((e) => [e.token, e.refreshToken])).toEqual([
				['unknown', undefined],
				['none', 'unknown'],
				['unknown', 'unknown'],
			]);
			expect(sandbox.control.stats().foreignTokens).toBe(0);
		} finally {
			await other.close();
		}
	});

	it('is reset by resetStats', async () => {
		await balance(bearer('pdat_made-up'));
		expect(sandbox.control.stats().foreignTokens).toBe(1);
		expect((await api.post('/_sandbox/stats/reset')).data.foreignTokens).toBe(0);
	});
});
