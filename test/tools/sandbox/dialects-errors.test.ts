/**
 * The error and token dialects (issue 19): every /v1 error answer in the `errorShape` the settings
 * name, with HTTP 200 under `errorsInHttp200` (a refused login too); access tokens as HS256 JWTs
 * whose `exp` is their expiry, accepted and expired like opaque ones; login and refresh answers
 * without `expiresIn` when `tokenLifetimeInAnswer` is off.
 */
import { createHmac } from 'node:crypto';

import axios, { type AxiosInstance } from 'axios';

import { fakeOnly } from '../../harness/fake-clock';
import { dialectSettings } from './dialects';
import { startSandbox, type ErrorShape, type Sandbox, type SandboxOptions } from './index';

let sandbox: Sandbox;
let api: AxiosInstance;

async function start(options: SandboxOptions = {}) {
	sandbox = await startSandbox(options);
	// Bodies as sent: what a client that does not parse would see.
	api = axios.create({ baseURL: sandbox.url, validateStatus: () => true, transformResponse: (data) => data });
}

afterEach(async () => {
	jest.useRealTimers();
	await sandbox?.close();
});

async function loggedIn(): Promise<{ Authorization: string }> {
	const res = await api.post('/v1/login', sandbox.login, { transformResponse: axios.defaults.transformResponse });
	return { Authorization: `Bearer ${res.data.token}` };
}

const unknownCustomer = '00000000-0000-4000-8000-0000000000cc';
const orphanClient = { customerUUID: unknownCustomer, clientUUID: '00000000-0000-4000-8000-0000000000dd', name: 'Orphan' };
const notFoundWords = `Customer ${unknownCustomer} not found`;

describe.each<[ErrorShape, string, (body: string) => void]>([
	['contract', 'application/json', (body) => expect(JSON.parse(body)).toEqual({ error: 'not_found', message: notFoundWords })],
	['errors-array', 'application/json', (body) => expect(JSON.parse(body)).toEqual({ errors: [{ code: 'not_found', message: notFoundWords }] })],
	[
		'problem',
		'application/problem+json',
		(body) =>
			expect(JSON.parse(body)).toEqual({
				type: 'https://portalduct.example/problems/not_found',
				title: 'Not Found',
				status: 404,
				detail: notFoundWords,
			}),
	],
	['success-false', 'application/json', (body) => expect(JSON.parse(body)).toEqual({ success: false, message: notFoundWords })],
	['text', 'text/plain', (body) => expect(body).toBe(notFoundWords)],
	[
		'html',
		'text/html',
		(body) => {
			expect(body).toMatch(/^<!DOCTYPE html>/);
			expect(body).toContain('<title>404 Not Found</title>');
			expect(body).toContain(notFoundWords);
		},
	],
])('errorShape %s', (errorShape, contentType, check) => {
	test('a handler\'s error (an unknown customer): the shape, the content type, the HTTP code', async () => {
		await start({ errorShape });
		const res = await api.post('/v1/addNewCustomerClient', orphanClient, { headers: await loggedIn() });
		expect(res.status).toBe(404);
		expect(res.headers['content-type']).toMatch(new RegExp(`^${contentType.replace('+', '\\+')}`));
		check(res.data);
		expect(sandbox.control.log().at(-1)?.status).toBe(404);
	});

	test('with errorsInHttp200 the same body goes out with HTTP 200, a refused login too', async () => {
		await start({ errorShape, errorsInHttp200: true });
		const res = await api.post('/v1/addNewCustomerClient', orphanClient, { headers: await loggedIn() });
		expect(res.status).toBe(200);
		check(res.data);
		const refused = await api.post('/v1/login', { ...sandbox.login, password: 'wrong' });
		expect(refused.status).toBe(200);
		expect(refused.data).toContain('Email or password is wrong');
		expect(sandbox.control.stats().loginFailures).toBe(1);
		// The log says what was sent; the refusal still counts as one.
		expect(sandbox.control.log().at(-1)?.status).toBe(200);
		expect(sandbox.control.stats().unauthorized).toBe(1);
	});
});

test('every kind of error answer takes the shape: auth, unknown route, wrong method, rate limit, injected fault', async () => {
	await start({ errorShape: 'success-false' });
	const auth = await loggedIn();
	const answers = [
		await api.get(`/v1/getClientBalance/${unknownCustomer}`),
		await api.get('/v1/noSuchThing', { headers: auth }),
		await api.put('/v1/addNewCustomer', {}, { headers: auth }),
	];
	sandbox.control.injectFault({ path: '/v1/getClientBalance/', kind: 'status', status: 503, count: 1 });
	answers.push(await api.get(`/v1/getClientBalance/${unknownCustomer}`, { headers: auth }));
	sandbox.control.updateSettings({ rateLimitPerSecond: 1 });
	await api.get(`/v1/getClientBalance/${unknownCustomer}`, { headers: auth });
	answers.push(await api.get(`/v1/getClientBalance/${unknownCustomer}`, { headers: auth }));
	expect(answers.map((res) => res.status)).toEqual([401, 404, 405, 503, 429]);
	for (const res of answers) expect(JSON.parse(res.data)).toEqual({ success: false, message: expect.any(String) });
	expect(answers[0].headers['www-authenticate']).toMatch(/^Bearer/);
	expect(answers[4].headers['retry-after']).toBe('1');
	expect(sandbox.control.stats().unauthorized).toBe(1);
});

test('a raw fault body (a gateway in front of the API) is sent as given, whatever the shape', async () => {
	await start({ errorShape: 'problem' });
	sandbox.control.injectFault({ path: '/v1/login', kind: 'status', status: 502, count: 1, body: 'upstream down', contentType: 'text/plain' });
	const res = await api.post('/v1/login', sandbox.login);
	expect([res.status, res.data]).toEqual([502, 'upstream down']);
});

test('control endpoints keep the contract shape (they are the sandbox\'s own, not PortalDuct\'s)', async () => {
	await start({ errorShape: 'html', errorsInHttp200: true });
	const res = await api.patch('/_sandbox/settings', { noSuchSetting: 1 });
	expect(res.status).toBe(400);
	expect(JSON.parse(res.data)).toEqual({ error: 'invalid_request', message: expect.stringMatching(/^Unknown setting/) });
});

describe('tokens as JWTs without a lifetime in the answer (the jwt-no-lifetime dialect)', () => {
	const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));

	test('login and refresh hand out HS256 JWTs whose exp is their expiry, and no expiresIn', async () => {
		fakeOnly('Date');
		const now = Date.now();
		await start({ ...dialectSettings('jwt-no-lifetime'), tokenLifetimeSeconds: 120 });
		const login = (await api.post('/v1/login', sandbox.login)).data;
		const first = JSON.parse(login);
		expect(Object.keys(first).sort()).toEqual(['refreshToken', 'token']);
		const [header, , signature] = first.token.split('.');
		expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
		expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(payloadOf(first.token)).toMatchObject({ sub: sandbox.login.email, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 120 });
		const refreshed = JSON.parse((await api.post('/v1/refreshToken', { refreshToken: first.refreshToken })).data);
		expect(Object.keys(refreshed).sort()).toEqual(['refreshToken', 'token']);
		expect(payloadOf(refreshed.token).jti).not.toBe(payloadOf(first.token).jti);
	});

	test('a JWT is accepted until its exp and refused from then on, like an opaque token', async () => {
		fakeOnly('Date');
		await start({ tokenFormat: 'jwt', tokenLifetimeSeconds: 60 });
		const { token } = JSON.parse((await api.post('/v1/login', sandbox.login)).data);
		const call = () => api.get('/v1/clientsPortalLoginChanges', { headers: { Authorization: `Bearer ${token}` } });
		expect((await call()).status).toBe(404); // accepted: no registration yet
		jest.setSystemTime(payloadOf(token).exp * 1000 - 1);
		expect((await call()).status).toBe(404);
		jest.setSystemTime(payloadOf(token).exp * 1000 + 1000);
		expect((await call()).status).toBe(401);
		// Another signature makes it a token this sandbox never issued.
		const forged = `${token.split('.').slice(0, 2).join('.')}.${createHmac('sha256', 'guess').update('x').digest('base64url')}`;
		expect((await api.get('/v1/clientsPortalLoginChanges', { headers: { Authorization: `Bearer ${forged}` } })).status).toBe(401);
	});

	test('opaque tokens and expiresIn stay the default', async () => {
		await start();
		const body = JSON.parse((await api.post('/v1/login', sandbox.login)).data);
		expect(body).toEqual({ token: expect.stringMatching(/^pdat_/), refreshToken: expect.any(String), expiresIn: 900 });
	});
});
