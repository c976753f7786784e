/**
 * The trigger's registered URL (nodes/PortalDuctTrigger/verify.ts): the token and signing it
 * carries, the secret derived from it, and how the URL is compared; and how a registered URL is
 * shown (nodes/PortalDuct/transport/registration.ts). The derivations are
 * recomputed here with node:crypto: a registration made by an earlier version must still be
 * recognised (lifecycle.ts checks the derived secret against the URL's fingerprint), so their
 * formulas are a contract, not a detail.
 */
import { createHash, createHmac } from 'node:crypto';

import {
	SIGNING_PARAMETER,
	TOKEN_PARAMETER,
	deriveSecret,
	isThisNode,
	newSecret,
	pointsAt,
	readRegisteredUrl,
	secretFingerprint,
	withToken,
} from '../../nodes/PortalDuctTrigger/verify';
import { addressToShow } from '../../nodes/PortalDuct/transport/registration';

const WEBHOOK_ID = '5f0c2a4e-8d1b-4c3a-9e7f-123456789abc';
const PRODUCTION = `https://n8n.example.com/webhook/${WEBHOOK_ID}/portalduct`;
const TEST_LISTEN = `https://n8n.example.com/webhook-test/${WEBHOOK_ID}/portalduct`;

const expectedSecret = (password: string, token: string) =>
	createHmac('sha256', password).update(`n8n-nodes-portalduct delivery secret|${token}`).digest('hex');
const expectedFingerprint = (secret: string) =>
	createHash('sha256').update(`n8n-nodes-portalduct fingerprint|${secret}`).digest('hex').slice(0, 16);

describe('deriveSecret and secretFingerprint', () => {
	test.each([
		['sandbox-password', 'tok-1'],
		['sandbox-password', 'tok-2'],
		['another password', 'tok-1'],
		['pässwörd with spaces and €', 'a'.repeat(64)],
	])('password %j, token %j: the documented HMAC-SHA256 and its 16-hex fingerprint', (password, token) => {
		const secret = deriveSecret(password, token);
		expect(secret).toBe(expectedSecret(password, token));
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		expect(secretFingerprint(secret)).toBe(expectedFingerprint(secret));
		expect(secretFingerprint(secret)).toMatch(/^[0-9a-f]{16}$/);
	});

	test('a secret depends on both the password and the token', () => {
		const secrets = new Set([deriveSecret('p1', 't1'), deriveSecret('p1', 't2'), deriveSecret('p2', 't1')]);
		expect(secrets.size).toBe(3);
	});
});

test('newSecret gives 48 random hex characters each time', () => {
	const [a, b] = [newSecret(), newSecret()];
	expect(a).toMatch(/^[0-9a-f]{48}$/);
	expect(b).toMatch(/^[0-9a-f]{48}$/);
	expect(a).not.toBe(b);
});

describe('withToken', () => {
	test.each([
		['with a secret', PRODUCTION, 'tok-1', 's3cret', `${PRODUCTION}?token=tok-1&signing=${expectedFingerprint('s3cret')}`],
		['without a secret', PRODUCTION, 'tok-1', '', `${PRODUCTION}?token=tok-1&signing=off`],
		['keeping a query of its own', `${PRODUCTION}?tenant=a`, 'tok-1', '', `${PRODUCTION}?tenant=a&token=tok-1&signing=off`],
		['replacing an older token and signing', `${PRODUCTION}?token=old&signing=off`, 'tok-2', '', `${PRODUCTION}?token=tok-2&signing=off`],
		['escaping a token that needs it', PRODUCTION, 'a b&c', '', `${PRODUCTION}?token=a+b%26c&signing=off`],
	])('%s', (_case, webhookUrl, token, secret, registered) => {
		expect(withToken(webhookUrl, token, secret)).toBe(registered);
	});
});

describe('readRegisteredUrl', () => {
	test.each<[string, string, ReturnType<typeof readRegisteredUrl>]>([
		['what withToken made with a secret', withToken(PRODUCTION, 'tok-1', 's3cret'), { token: 'tok-1', signing: { secretFingerprint: expectedFingerprint('s3cret') } }],
		['what withToken made without one', withToken(PRODUCTION, 'tok-1'), { token: 'tok-1', signing: {} }],
		['a token without signing (an older format)', `${PRODUCTION}?${TOKEN_PARAMETER}=tok-1`, { token: 'tok-1', signing: undefined }],
		['signing without a token', `${PRODUCTION}?${SIGNING_PARAMETER}=off`, { token: undefined, signing: {} }],
		["another system's URL", 'https://hooks.example.org/in?key=abc', { token: undefined, signing: undefined }],
		['text that is not a URL', 'not a url', {}],
		['nothing', '', {}],
	])('%s', (_case, url, read) => {
		expect(readRegisteredUrl(url)).toEqual(read);
	});
});

describe('addressToShow', () => {
	test.each([
		['drops the token and signing', withToken(PRODUCTION, 'tok-secret', 's3cret'), PRODUCTION],
		['drops a user name and password', `https://user:pa55@n8n.example.com/webhook/${WEBHOOK_ID}/portalduct`, PRODUCTION],
		["drops another system's key and the fragment", 'https://hooks.example.org:8443/in?key=abc#x', 'https://hooks.example.org:8443/in'],
		['keeps a plain address as it is', 'http://127.0.0.1:5678/webhook/x/portalduct', 'http://127.0.0.1:5678/webhook/x/portalduct'],
		['names text that is not a URL without repeating it', 'token=abc and more', 'an address that is not a URL'],
	])('%s', (_case, url, shown) => {
		expect(addressToShow(url)).toBe(shown);
	});

	test.each([
		['keeps the query names, hides the token, shows the signing marker', withToken(PRODUCTION, 'tok-secret', 's3cret'), `${PRODUCTION}?token=%28hidden%29&signing=${expectedFingerprint('s3cret')}`],
		["hides another system's key and drops user info", 'https://crm:pw@hooks.example.org/in?code=FUNCTION-KEY&signing=off', 'https://hooks.example.org/in?code=%28hidden%29&signing=off'],
		['an address without a query stays as it is', PRODUCTION, PRODUCTION],
	])('with shown values: %s', (_case, url, shown) => {
		expect(addressToShow(url, [SIGNING_PARAMETER])).toBe(shown);
	});
});

describe('pointsAt (this webhook, whatever the origin and query) and isThisNode (either mode)', () => {
	test.each([
		['the same URL', PRODUCTION, PRODUCTION, true, true],
		['with the token and signing', withToken(PRODUCTION, 'tok-1', 's3cret'), PRODUCTION, true, true],
		['from another origin (WEBHOOK_URL moved)', `http://10.0.0.5:5678/webhook/${WEBHOOK_ID}/portalduct`, PRODUCTION, true, true],
		['with a trailing slash', `${PRODUCTION}/`, PRODUCTION, true, true],
		["the test listen's URL", withToken(TEST_LISTEN, 'tok-1'), PRODUCTION, false, true],
		['another node', `https://n8n.example.com/webhook/${WEBHOOK_ID.replace('5f', '6f')}/portalduct`, PRODUCTION, false, false],
		['another path of the same node', `https://n8n.example.com/webhook/${WEBHOOK_ID}/other`, PRODUCTION, false, false],
		['a URL with only one path segment', 'https://n8n.example.com/webhook', 'https://n8n.example.com/webhook', true, false],
		['text that is not a URL', 'not a url', PRODUCTION, false, false],
		['a webhook URL that is not a URL', PRODUCTION, 'not a url', false, false],
	])('%s', (_case, registered, webhookUrl, points, same) => {
		expect(pointsAt(registered, webhookUrl)).toBe(points);
		expect(isThisNode(registered, webhookUrl)).toBe(same);
	});
});
