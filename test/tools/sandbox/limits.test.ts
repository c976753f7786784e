/**
 * The API's front door: rateLimitPerSecond, maxInFlight and the inFlight / inFlightMax gauges.
 * Nothing here depends on how fast the machine is: bursts are checked against the sliding-window
 * rule on the sandbox's own arrival times, and overlap is made certain by waiting (over HTTP) until
 * the sandbox reports the requests in flight, their latency held by the test's clock (jest's fake
 * setTimeout) until the test lets them go.
 */
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { fakeOnly } from '../../harness/fake-clock';
import { seedCustomerAndClient } from './fixtures';
import { Sandbox, SandboxOptions, SandboxStats, startSandbox } from './index';

let sandbox: Sandbox;
let api: AxiosInstance;
let auth: { Authorization: string };
let clientUUID: string;

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox(options);
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
	({ clientUUID } = seedCustomerAndClient(sandbox));
	const res = await api.post('/v1/login', sandbox.login);
	expect(res.status).toBe(200);
	auth = { Authorization: `Bearer ${res.data.token}` };
}

afterEach(() => {
	jest.useRealTimers();
	return sandbox?.close();
});

const balance = () => api.get(`/v1/getClientBalance/${clientUUID}`, { headers: auth });
const burst = (n: number) => Promise.all(Array.from({ length: n }, () => balance()));

/**
 * latencyMs is a sandbox timer: with setTimeout faked, /v1 requests that got in stay in flight
 * until releaseLatency() moves the test's clock past it, however slow the machine.
 */
function holdLatency(latencyMs: number): void {
	fakeOnly('setTimeout', 'clearTimeout');
	sandbox.control.updateSettings({ latencyMs });
}

function releaseLatency(): void {
	jest.advanceTimersByTime(sandbox.control.getSettings().latencyMs);
	jest.useRealTimers();
}

/** Asks GET /_sandbox/stats until the predicate holds: each try is a round trip, no timer. */
async function statsWhen(predicate: (stats: SandboxStats) => boolean, tries = 5000): Promise<SandboxStats> {
	for (let i = 0; i < tries; i++) {
		const stats = (await api.get('/_sandbox/stats')).data as SandboxStats;
		if (predicate(stats)) return stats;
	}
	throw new Error('the sandbox never reached the expected stats');
}

function expectTooMany(res: AxiosResponse): void {
	expect(res.status).toBe(429);
	expect(res.data).toEqual({ error: 'rate_limited', message: expect.any(String) });
	expect(res.headers['retry-after']).toMatch(/^\d+$/);
	expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

/** Arrival times (ms) of the /v1 requests the limiter let in, from the sandbox's log. */
const admittedTimes = () =>
	sandbox.control
		.log()
		.filter((e) => e.status !== 429)
		.map((e) => Date.parse(e.at));

describe('rateLimitPerSecond', () => {
	it('lets at most N requests in within any second (login included) and answers 429 with Retry-After', async () => {
		await start({ rateLimitPerSecond: 10 });
		const responses = await burst(30);
		const ok = responses.filter((r) => r.status === 200);
		const limited = responses.filter((r) => r.status !== 200);
		limited.forEach(expectTooMany);
		expect(sandbox.control.stats().rateLimited).toBe(limited.length);

		const admitted = admittedTimes();
		expect(admitted).toHaveLength(ok.length + 1); // + the login
		// The rule itself: the request N places later was let in at least a second later. The log keeps
		// whole milliseconds of another clock than the limiter's, hence the 2 ms of slack.
		for (let i = 0; i + 10 < admitted.length; i++) expect(admitted[i + 10] - admitted[i]).toBeGreaterThanOrEqual(998);
		// The first ten always get in; when the whole burst arrived within a second, nobody else did.
		expect(admitted.length).toBeGreaterThanOrEqual(10);
		const log = sandbox.control.log();
		if (Date.parse(log[log.length - 1].at) - Date.parse(log[0].at) < 998) expect(admitted).toHaveLength(10);
	});

	it('lets the client in again after the Retry-After it gave', async () => {
		await start({ rateLimitPerSecond: 1 });
		// The login filled the window; keep asking until refused (the first try is, unless a second passed).
		let refused: AxiosResponse | undefined;
		for (let i = 0; i < 5 && !refused; i++) {
			const res = await balance();
			if (res.status === 429) refused = res;
		}
		expectTooMany(refused!);
		// A client honours Retry-After: after that many seconds the window has room for certain.
		await new Promise((resolve) => setTimeout(resolve, Number(refused!.headers['retry-after']) * 1000));
		expect((await balance()).status).toBe(200);
	});

	it('counts login and refresh, not /_sandbox or /collector; refused logins are not login failures', async () => {
		await start({ rateLimitPerSecond: 1 });
		const refreshed = await api.post('/v1/refreshToken', { refreshToken: 'pdrt_x' });
		const login = await api.post('/v1/login', sandbox.login);
		// Both within the login's second, unless the machine stalled for one.
		for (const res of [refreshed, login]) {
			if (res.status !== 401 && res.status !== 200) expectTooMany(res);
		}
		expect((await api.get('/_sandbox/stats')).status).toBe(200);
		expect((await api.get(`/collector?clientUUID=${clientUUID}`)).status).toBe(200);
		const stats = sandbox.control.stats();
		expect(stats.rateLimited).toBe([refreshed, login].filter((r) => r.status === 429).length);
		expect(stats.logins + stats.loginFailures + stats.refreshes + stats.refreshFailures + stats.rateLimited).toBe(3);
		expect(stats.requestsTotal).toBe(4);
	});

	it('is off (0) by default and can be set and cleared at run time', async () => {
		await start();
		expect(sandbox.control.getSettings().rateLimitPerSecond).toBe(0);
		expect((await burst(40)).every((r) => r.status === 200)).toBe(true);
		expect((await api.patch('/_sandbox/settings', { rateLimitPerSecond: 2 })).status).toBe(200);
		// The 40 just served fill the window (a setting changed at run time counts the past second).
		const limited = await balance();
		if (limited.status !== 200) expectTooMany(limited);
		expect((await api.patch('/_sandbox/settings', { rateLimitPerSecond: 0 })).status).toBe(200);
		expect((await burst(10)).every((r) => r.status === 200)).toBe(true);
		expect(sandbox.control.stats().rateLimited).toBe(limited.status === 429 ? 1 : 0);
	});
});

describe('inFlight and inFlightMax', () => {
	it('count /v1 requests being handled, latency included; a reset starts the maximum from now', async () => {
		await start();
		expect(sandbox.control.stats()).toMatchObject({ inFlight: 0, inFlightMax: 1 }); // the login
		holdLatency(1500);
		const slow = burst(3);
		const during = await statsWhen((s) => s.inFlight === 3);
		expect(during.inFlightMax).toBe(3);
		expect((await api.post('/_sandbox/stats/reset')).data).toMatchObject({ inFlight: 3, inFlightMax: 3 });
		releaseLatency();
		expect((await slow).map((r) => r.status)).toEqual([200, 200, 200]);
		expect((await api.get('/_sandbox/stats')).data).toMatchObject({ inFlight: 0, inFlightMax: 3 });
		sandbox.control.resetStats();
		expect(sandbox.control.stats()).toMatchObject({ inFlight: 0, inFlightMax: 0 });
	});
});

describe('maxInFlight', () => {
	it('answers 429 with Retry-After 1 to a request arriving while that many are in flight', async () => {
		await start({ maxInFlight: 2 });
		holdLatency(1500);
		const held = burst(2);
		await statsWhen((s) => s.inFlight === 2);
		// Refused at once, without the latency: they never got in.
		const refused = await burst(3);
		for (const res of refused) {
			expectTooMany(res);
			expect(res.headers['retry-after']).toBe('1');
		}
		releaseLatency();
		expect((await held).map((r) => r.status)).toEqual([200, 200]);
		const stats = (await api.get('/_sandbox/stats')).data;
		expect(stats).toMatchObject({ inFlight: 0, inFlightMax: 2, concurrencyRejected: 3, rateLimited: 0 });
		expect(sandbox.control.log().filter((e) => e.status === 429)).toHaveLength(3);
		// Room again once they are answered.
		sandbox.control.updateSettings({ latencyMs: 0 });
		expect((await balance()).status).toBe(200);
	});

	it('is off (0) by default', async () => {
		await start();
		expect(sandbox.control.getSettings().maxInFlight).toBe(0);
		holdLatency(300);
		const all = burst(20);
		// All twenty in flight together, none refused.
		await statsWhen((s) => s.inFlight === 20);
		releaseLatency();
		expect((await all).every((r) => r.status === 200)).toBe(true);
		expect(sandbox.control.stats().concurrencyRejected).toBe(0);
	});
});

describe('limit settings are validated like the others', () => {
	beforeEach(() => start());

	it.each([
		[{ rateLimitPerSecond: -1 }],
		[{ rateLimitPerSecond: 1.5 }],
		[{ rateLimitPerSecond: '10' }],
		[{ maxInFlight: -2 }],
		[{ maxInFlight: true }],
	])('PATCH %j is a 400 naming the setting', async (patch) => {
		const res = await api.patch('/_sandbox/settings', patch);
		expect(res.status).toBe(400);
		expect(res.data.message).toContain(Object.keys(patch)[0]);
		expect(sandbox.control.getSettings()).toMatchObject({ rateLimitPerSecond: 0, maxInFlight: 0 });
	});

	it('startSandbox refuses a bad value', async () => {
		await expect(startSandbox({ maxInFlight: -1 })).rejects.toThrow(/maxInFlight/);
	});
});
