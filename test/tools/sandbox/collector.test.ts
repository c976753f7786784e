import axios, { AxiosInstance } from 'axios';
import { randomUUID } from 'node:crypto';
import { Script } from 'node:vm';
import { fakeOnly } from '../../harness/fake-clock';
import { seedCustomerAndClient } from './fixtures';
import { PORTALS, Sandbox, startSandbox } from './index';

let sandbox: Sandbox;
let api: AxiosInstance;

beforeEach(async () => {
	sandbox = await startSandbox({ connectionDecisionDelayMs: 50, deliveryRetryDelaysMs: [50, 100] });
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true });
});

afterEach(() => {
	jest.useRealTimers();
	return sandbox.close();
});

async function pollStatus(connectionUuid: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const res = await api.get('/collector/status', { params: { connection_uuid: connectionUuid } });
		expect(res.status).toBe(200);
		if (res.data.status !== 'pending') return res.data;
		if (Date.now() > deadline) throw new Error('still pending');
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe('GET /collector', () => {
	it('serves a self-contained HTML page with the portals, username, password and submit', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox, 'Globex <Retail>');
		const res = await api.get('/collector', { params: { clientUUID } });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
		const page: string = res.data;
		for (const portal of ['Walmart Retail Link', 'Ariba', 'Coupa', 'Tradeshift', 'SPS Commerce']) {
			expect(page).toContain(`<option value="${portal}">${portal}</option>`);
		}
		expect(PORTALS).toHaveLength(5);
		expect(page).toMatch(/<input[^>]+name="username"/);
		expect(page).toMatch(/<input[^>]+name="password"[^>]+type="password"/);
		expect(page).toMatch(/<button type="submit">/);
		expect(page).toContain('collector/submit');
		expect(page).toContain('collector/status?connection_uuid=');
		expect(page).toContain('Retry');
		expect(page).toContain(clientUUID);
		// The client name is escaped, and nothing is loaded from elsewhere.
		expect(page).toContain('Globex &lt;Retail&gt;');
		expect(page).not.toMatch(/<link|src=|https?:\/\//);
		// The inline script is valid JavaScript.
		const scripts = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
		expect(scripts).toHaveLength(1);
		expect(() => new Script(scripts[0])).not.toThrow();
	});

	it('answers a readable 404 page for an unknown client and 400 without clientUUID', async () => {
		const unknown = await api.get('/collector', { params: { clientUUID: '<b>nope</b>' } });
		expect(unknown.status).toBe(404);
		expect(unknown.headers['content-type']).toMatch(/^text\/html/);
		expect(unknown.data).toContain('Unknown client');
		expect(unknown.data).toContain('&lt;b&gt;nope&lt;/b&gt;');
		expect((await api.get('/collector', { params: { clientUUID: randomUUID() } })).status).toBe(404);
		const missing = await api.get('/collector');
		expect(missing.status).toBe(400);
		expect(missing.data).toContain('clientUUID');
	});
});

describe('POST /collector/submit and GET /collector/status', () => {
	it('submits credentials; status goes pending -> success; the webhook fires like the control path', async () => {
		const { clientUUID, customerUUID } = seedCustomerAndClient(sandbox);
		// The decision (pending -> success after connectionDecisionDelayMs) is a sandbox timer: held
		// by the test's clock, it cannot overtake the status request however slow the machine is.
		fakeOnly('setTimeout', 'clearTimeout');
		const res = await api.post('/collector/submit', { clientUUID, portalName: 'Ariba', username: 'u', password: 'good' });
		expect(res.status).toBe(201);
		expect(res.data).toEqual({ connection_uuid: expect.any(String), clientUUID, customerUUID, portalName: 'Ariba', status: 'pending' });
		const first = await api.get('/collector/status', { params: { connection_uuid: res.data.connection_uuid } });
		expect(first.data).toMatchObject({ status: 'pending', retryRequired: false, message: 'Waiting for the first login to Ariba' });
		jest.advanceTimersByTime(sandbox.control.getSettings().connectionDecisionDelayMs);
		jest.useRealTimers();
		expect(await pollStatus(res.data.connection_uuid)).toEqual({
			connection_uuid: res.data.connection_uuid,
			portalName: 'Ariba',
			status: 'success',
			retryRequired: false,
			message: 'Login to Ariba succeeded',
		});
		const deliveries = await sandbox.control.waitForDeliveries(2);
		expect(deliveries.map((d) => [d.status, d.outcome])).toEqual([
			['pending', 'no-registration'],
			['success', 'no-registration'],
		]);
		expect(sandbox.control.stats().requests).toMatchObject({ 'POST /collector/submit': 1, 'GET /collector/status': expect.any(Number) });
	});

	it('shows failure with retryRequired, and a retry with a good password succeeds on the same connection', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const res = await api.post('/collector/submit', { clientUUID, portalName: 'Coupa', username: 'u', password: 'Wrong1' });
		expect(await pollStatus(res.data.connection_uuid)).toMatchObject({ status: 'failure', retryRequired: true });
		const retry = await api.post('/collector/submit', { clientUUID, portalName: 'Coupa', username: 'u', password: 'right' });
		expect(retry.data.connection_uuid).toBe(res.data.connection_uuid);
		expect(await pollStatus(res.data.connection_uuid)).toMatchObject({ status: 'success', retryRequired: false });
	});

	it('answers 404 to an unknown client or connection and 400 to missing fields or non-JSON', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		expect((await api.post('/collector/submit', { clientUUID: randomUUID(), portalName: 'Ariba', username: 'u', password: 'p' })).status).toBe(404);
		const missing = await api.post('/collector/submit', { clientUUID, portalName: 'Ariba', username: 'u' });
		expect(missing.status).toBe(400);
		expect(missing.data).toEqual({ error: 'invalid_request', message: expect.stringContaining("'password'") });
		const notJson = await api.post('/collector/submit', 'portalName=Ariba', { headers: { 'Content-Type': 'text/plain' }, transformRequest: [(d) => d] });
		expect(notJson.status).toBe(400);
		expect((await api.get('/collector/status', { params: { connection_uuid: randomUUID() } })).status).toBe(404);
		expect((await api.get('/collector/status')).status).toBe(404);
	});
});

/**
 * Runs the page's own script against a minimal stand-in DOM and Node's fetch, so the page's submit
 * and polling are exercised as a browser would run them (relative URLs resolved against the page).
 */
describe('the collector page script', () => {
	function fakePage(pageUrl: string, html: string, values: Record<string, string>) {
		const handlers: Record<string, (event: { preventDefault(): void }) => unknown> = {};
		const submitButton = { disabled: false };
		const span = { textContent: '' };
		const statusBox = { className: '', querySelector: () => span };
		const errorBox = { textContent: '' };
		const retry = { style: { display: 'none' }, addEventListener: (_: string, fn: () => void) => (handlers.retry = fn) };
		const password = { value: values.password, focus: () => undefined };
		const form = {
			values,
			elements: { password },
			querySelector: () => submitButton,
			addEventListener: (_: string, fn: (event: { preventDefault(): void }) => unknown) => (handlers.submit = fn),
		};
		const cfgText = /<script type="application\/json" id="cfg">([\s\S]*?)<\/script>/.exec(html)![1];
		const elements: Record<string, unknown> = { cfg: { textContent: cfgText }, form, status: statusBox, error: errorBox, retry };
		class FormDataStandIn {
			constructor(private readonly f: typeof form) {}
			[Symbol.iterator]() {
				return Object.entries({ ...this.f.values, password: this.f.elements.password.value })[Symbol.iterator]();
			}
		}
		const context = {
			document: { getElementById: (id: string) => elements[id] },
			FormData: FormDataStandIn,
			fetch: (url: string, init?: unknown) => fetch(new URL(url, pageUrl), init as never),
			setTimeout,
			JSON,
			Object,
			encodeURIComponent,
		};
		const script = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)][0][1];
		new Script(script).runInNewContext(context);
		return { handlers, statusBox, span, errorBox, retry, submitButton, password };
	}

	async function until(check: () => boolean, timeoutMs = 5000) {
		const deadline = Date.now() + timeoutMs;
		while (!check()) {
			if (Date.now() > deadline) throw new Error('page did not reach the expected state');
			await new Promise((r) => setTimeout(r, 20));
		}
	}

	it('submits, shows pending then failure with a Retry button, and a retry then succeeds', async () => {
		const { clientUUID } = seedCustomerAndClient(sandbox);
		const pageUrl = `${sandbox.url}/collector?clientUUID=${clientUUID}`;
		const html = (await api.get(pageUrl)).data as string;
		const page = fakePage(pageUrl, html, { portalName: 'Ariba', username: 'ap@globex', password: 'wrong-one' });

		await page.handlers.submit({ preventDefault: () => undefined });
		expect(page.statusBox.className).toBe('pending');
		await until(() => page.statusBox.className === 'failure');
		expect(page.span.textContent).toBe('Login to Ariba failed: the portal rejected the username or password');
		expect(page.retry.style.display).toBe('inline-block');
		expect(page.submitButton.disabled).toBe(false);
		const connection = [...sandbox.state.connections.values()][0];
		expect(connection).toMatchObject({ clientUUID, portalName: 'Ariba', username: 'ap@globex', status: 'failure' });

		page.handlers.retry({ preventDefault: () => undefined });
		expect(page.password.value).toBe('');
		page.password.value = 'the-right-one';
		await page.handlers.submit({ preventDefault: () => undefined });
		await until(() => page.statusBox.className === 'success');
		expect(page.span.textContent).toBe('Login to Ariba succeeded');
		expect(page.retry.style.display).toBe('none');
		expect(sandbox.state.connections.size).toBe(1);
		expect(sandbox.control.stats().requests['POST /collector/submit']).toBe(2);
	});
});
