/**
 * The check's judgement on its own, against a tiny fake PortalDuct (no sandbox): each variant the
 * sandbox's dialects will serve, written here as the answers issue 19 describes, so that what the
 * check names is tested today while the sandbox's dialect behaviour lands on other branches.
 */
import * as api from '../../../nodes/PortalDuct/api';
import { runCheck, type CheckReport, type PackageReaders } from './check';
import type { FactId } from './facts';
import type { Answer, Call, Http } from './http';

const readers: PackageReaders = api;
const PASSWORD = 'fake-password';
const CONNECTION = '11111111-1111-4111-8111-111111111111';
const CLIENT = '22222222-2222-4222-8222-222222222222';

interface Variant {
	login?: (token: string, refreshToken: string) => Record<string, unknown>;
	error?: (status: number) => Answer;
	page?: (invoices: Record<string, unknown>[], page: number) => unknown;
	invoice?: (invoice: Record<string, unknown>) => Record<string, unknown>;
	registration?: 'post-only';
}

const json = (status: number, body: unknown, contentType = 'application/json'): Answer => ({ status, contentType, body, json: true });

function fake(variant: Variant = {}): Http & { registered: () => string | undefined } {
	let n = 0;
	const access = new Set<string>();
	const refresh = new Map<string, boolean>();
	let registration: string | undefined;
	const fail = (status: number, code: string) => variant.error?.(status) ?? json(status, { error: code, message: 'words' });
	const issue = () => {
		const token = `tok${++n}`;
		const refreshToken = `ref${n}`;
		access.add(token);
		refresh.set(refreshToken, false);
		return json(200, variant.login?.(token, refreshToken) ?? { token, refreshToken, expiresIn: 900 });
	};
	const invoices = [1, 2, 3, 4, 5].map((i) => ({
		invoiceId: `i${i}`,
		invoiceNumber: `N${i}`,
		poNumber: `P${i}`,
		portalName: 'Ariba',
		amount: i,
		currency: 'USD',
		invoiceDate: '2024-01-01',
		dueDate: '2024-02-01',
		status: 'open',
	}));
	const send = async (call: Call): Promise<Answer> => {
		if (call.path === '/v1/login') {
			const body = call.body as { password: string };
			return body.password === PASSWORD ? issue() : fail(401, 'invalid_credentials');
		}
		if (call.path === '/v1/refreshToken') {
			const r = (call.body as { refreshToken: string }).refreshToken;
			if (refresh.get(r) !== false) return fail(401, 'invalid_refresh_token');
			refresh.set(r, true);
			return issue();
		}
		if (!call.token || !access.has(call.token)) return fail(401, 'unauthorized');
		if (call.path === '/v1/clientsPortalLoginChanges') {
			if (variant.registration === 'post-only' && call.method !== 'POST') return fail(405, 'method_not_allowed');
			if (call.method === 'POST') {
				registration = (call.body as { url: string }).url;
				return json(201, { webhookId: 'w1', url: registration });
			}
			if (!registration) return fail(404, 'not_found');
			if (call.method === 'DELETE') {
				registration = undefined;
				return { status: 204, contentType: '', body: '', json: false };
			}
			return json(200, { webhookId: 'w1', url: registration });
		}
		if (call.path === `/v1/getClientInvoices/${CONNECTION}`) {
			const page = Number(call.query?.page ?? 1);
			const size = Number(call.query?.pageSize ?? 25);
			const list = invoices.slice((page - 1) * size, page * size).map((i) => variant.invoice?.(i) ?? i);
			return json(200, variant.page?.(invoices.slice(0, size).map((i) => variant.invoice?.(i) ?? i), page) ?? { data: list, page, pageSize: size, total: 5 });
		}
		if (call.path === `/v1/getClientBalance/${CLIENT}`) {
			return json(200, {
				clientUUID: CLIENT,
				currency: 'USD',
				totalOutstanding: 15,
				totalOverdue: 0,
				openInvoices: 5,
				asOf: '2024-01-01T00:00:00Z',
				byPortal: [{ portalName: 'Ariba', connection_uuid: CONNECTION, outstanding: 15, overdue: 0 }],
			});
		}
		return fail(404, 'not_found');
	};
	return { send, seen429: [], registered: () => registration };
}

const run = (http: Http, write = true) =>
	runCheck({ baseUrl: 'http://fake.test', email: 'a@b.test', password: PASSWORD, client: CLIENT, connection: CONNECTION, write }, readers, http);
/** copes decided by readers other branches are improving (d-answers, d-paging): any verdict. */
const ANY = undefined;
const row = (report: CheckReport, id: FactId) => report.results.find((r) => r.id === id)!;
const differed = (report: CheckReport) => report.results.filter((r) => r.outcome === 'differed').map((r) => r.id);

const snake = (o: Record<string, unknown>) =>
	Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase(), v]));
const jwt = (claims: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

it('the fake as the contract: every fact held or not tried, exit 0, the registration removed', async () => {
	const http = fake();
	const report = await run(http);
	expect(differed(report)).toEqual([]);
	expect(report.exitCode).toBe(0);
	expect(http.registered()).toBeUndefined();
});

it.each<[string, Variant, Partial<Record<FactId, [RegExp, string | undefined]>>]>([
	['snake_case invoices', { invoice: snake, page: (data, page) => ({ data, page, page_size: 2, total: 5 }) }, {
		'invoices.page': [/no pageSize; answer \{data, page, page_size, total\}/, 'yes'],
		'invoices.fields': [/no invoiceId, .*came invoice_id/, 'yes'],
	}],
	['{errors:[{message}]}', { error: (s) => json(s, { errors: [{ message: 'words' }] }) }, { 'errors.body': [/HTTP 404 application\/json \{errors\}/, ANY] }],
	['RFC 7807', { error: (s) => json(s, { type: 'about:blank', title: 'Not Found', status: s, detail: 'words' }, 'application/problem+json') }, {
		'errors.body': [/application\/problem\+json \{type, title, status, detail\}/, 'yes'],
	}],
	['plain text', { error: (s) => ({ status: s, contentType: 'text/plain', body: 'Not Found', json: false }) }, { 'errors.body': [/HTTP 404 text\/plain, text/, ANY] }],
	['an HTML gateway page', { error: (s) => ({ status: s, contentType: 'text/html', body: '<html><body>502</body></html>', json: false }) }, {
		'errors.body': [/text\/html, an HTML page/, ANY],
	}],
	['a refusal in HTTP 200', { error: () => json(200, { success: false, message: 'words' }) }, {
		'errors.body': [/HTTP 200 application\/json \{success, message\} \(a refusal inside a success status\)/, ANY],
		'login.badCredentials': [/HTTP 200/, 'yes'],
		'auth.unknownToken': [/HTTP 200/, ANY],
		'balance.unknown': [/HTTP 200/, ANY],
	}],
	['a next link', { page: (data) => ({ data, page: 1, pageSize: 2, next: 'http://fake.test/next' }) }, {
		'invoices.page': [/no total; a continuation: next;/, ANY],
		'invoices.query': [/page=2 answered the invoices of page 1/, ANY],
	}],
	['links.next', { page: (data) => ({ data, links: { next: 'http://fake.test/next' } }) }, { 'invoices.page': [/a continuation: links/, ANY] }],
	['a cursor', { page: (data) => ({ data, nextCursor: 'abc' }) }, { 'invoices.page': [/a continuation: nextCursor/, ANY] }],
	['hasMore', { page: (data, page) => ({ data, page, pageSize: 2, hasMore: true }) }, { 'invoices.page': [/no total; a continuation: hasMore/, ANY] }],
	['a JWT without expiresIn', { login: (t, r) => ({ token: jwt({ exp: 2e9, sub: t }), refreshToken: r }) }, {
		'login.expiresIn': [/no lifetime in the answer \(the token is a JWT with an exp claim\)/, ANY],
	}],
	['POST-only registration', { registration: 'post-only' }, { 'registration.get': [/HTTP 405 .*POST-only/, ANY] }],
])('%s: the right facts differ, named', async (_name, variant, expected) => {
	const report = await run(fake(variant));
	for (const [id, [pattern, copes]] of Object.entries(expected)) {
		expect(row(report, id as FactId)).toMatchObject({ outcome: 'differed', detail: expect.stringMatching(pattern) });
		if (copes) expect(row(report, id as FactId).copes).toBe(copes);
		else expect(['yes', 'partly', 'no']).toContain(row(report, id as FactId).copes);
	}
	expect(report.exitCode).toBe(1);
});

it('the claims of a JWT are never in the report', async () => {
	const report = await run(fake({ login: (t, r) => ({ token: jwt({ exp: 2e9, sub: `secret-${t}` }), refreshToken: r }) }));
	expect(JSON.stringify(report)).not.toMatch(/secret-|eyJ/);
});

it("a continuation the package's reader returns (d-paging's readInvoicePage) copes yes, named as the reader found it", async () => {
	const following: PackageReaders = {
		...readers,
		readInvoicePage(body) {
			const page = readers.readInvoicePage(body);
			if (typeof page === 'string') return page;
			const meta = (body as { meta?: { next?: string } }).meta;
			return meta?.next ? { ...page, continuation: { field: 'meta.next' } } : page;
		},
	};
	const http = fake({ page: (data) => ({ data, meta: { next: 'http://fake.test/next' } }) });
	const report = await runCheck({ baseUrl: 'http://fake.test', email: 'a@b.test', password: PASSWORD, connection: CONNECTION }, following, http);
	expect(row(report, 'invoices.page')).toMatchObject({ outcome: 'differed', copes: 'yes', detail: expect.stringMatching(/a continuation: meta\.next/) });
	expect(row(report, 'invoices.query')).toMatchObject({ outcome: 'differed', copes: 'yes' });
});
