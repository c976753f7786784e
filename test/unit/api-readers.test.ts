/**
 * The readers of nodes/PortalDuct/api/: which shapes of a PortalDuct answer they accept (the
 * [doc] one and the [assumed] variants), what they make of them, and the reason they give for junk.
 */
import {
	failureMarker,
	readErrorBody,
	readInvoicePage,
	readJwtExpiry,
	readSaid,
	readTokenSet,
	saidInWords,
} from '../../nodes/PortalDuct/api';
import { renewalTimeOf, tokenEndOf } from '../../nodes/PortalDuct/transport/session';

const noToken = (had: string) => `the answer had ${had}, and no token (a text in token, accessToken, access_token, also looked for under "data")`;
const NOT_OBJECT = 'the answer was not a JSON object';

describe('readTokenSet', () => {
	test.each<[string, unknown, ReturnType<typeof readTokenSet>]>([
		['token, refreshToken, expiresIn', { token: 'a', refreshToken: 'r', expiresIn: 900 }, { token: 'a', refreshToken: 'r', expiresIn: 900 }],
		['accessToken', { accessToken: 'a' }, { token: 'a', refreshToken: undefined, expiresIn: undefined }],
		['OAuth spelling', { access_token: 'a', refresh_token: 'r', expires_in: 60 }, { token: 'a', refreshToken: 'r', expiresIn: 60 }],
		['everything under data', { data: { token: 'a', refreshToken: 'r', expiresIn: 30 } }, { token: 'a', refreshToken: 'r', expiresIn: 30 }],
		['the top level before data', { token: 'top', data: { token: 'nested' } }, { token: 'top', refreshToken: undefined, expiresIn: undefined }],
		['an empty token skipped for the next name', { token: '', accessToken: 'a' }, { token: 'a', refreshToken: undefined, expiresIn: undefined }],
		['a null token skipped for data', { token: null, data: { token: 'a' } }, { token: 'a', refreshToken: undefined, expiresIn: undefined }],
		['expiresIn as a numeric string', { token: 'a', expiresIn: '120' }, { token: 'a', refreshToken: undefined, expiresIn: 120 }],
		['fractions of a second', { token: 'a', expiresIn: 0.5 }, { token: 'a', refreshToken: undefined, expiresIn: 0.5 }],
		['a zero lifetime left out', { token: 'a', expiresIn: 0 }, { token: 'a', refreshToken: undefined, expiresIn: undefined }],
		['a negative lifetime left out', { token: 'a', expiresIn: -5 }, { token: 'a', refreshToken: undefined, expiresIn: undefined }],
		['a lifetime that is not a number left out', { token: 'a', expiresIn: 'soon' }, { token: 'a', refreshToken: undefined, expiresIn: undefined }],
		['a refresh token that is not a string left out', { token: 'a', refreshToken: 42 }, { token: 'a', refreshToken: undefined, expiresIn: undefined }],
		['unknown fields ignored', { token: 'a', scope: 'all', user: { id: 1 } }, { token: 'a', refreshToken: undefined, expiresIn: undefined }],
		['a token that is not a string', { token: 12345 }, noToken('the field token')],
		['no token at all', { refreshToken: 'r' }, noToken('the field refreshToken')],
		['data that is not an object', { data: 'token' }, noToken('the field data')],
		['an empty object', {}, noToken('no fields')],
		['a refusal in a 200 names its fields, not their values', { success: false, message: 'Invalid email or password' }, noToken('the fields success, message')],
		['the fields under data too', { status: 'ok', data: { user: 'u', jwt: 'secret-value' } }, noToken('the fields status, data (under "data": the fields user, jwt)')],
		['more than 12 fields', Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`f${i}`, i])), noToken('the fields f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11 and 2 more')],
		['null', null, NOT_OBJECT],
		['an array', [{ token: 'a' }], NOT_OBJECT],
		['a string', 'token', NOT_OBJECT],
		['a number', 42, NOT_OBJECT],
		['nothing', undefined, NOT_OBJECT],
	])('%s', (_case, body, read) => {
		expect(readTokenSet(body)).toEqual(read);
	});
});

describe('readInvoicePage', () => {
	const invoices = [{ invoiceNumber: 'INV-1' }, { invoiceNumber: 'INV-2' }];
	const NO_LIST = 'the answer had no invoice list (looked for "data", "invoices", "items" or a plain array)';
	test.each<[string, unknown, ReturnType<typeof readInvoicePage>]>([
		['a page: data and total', { data: invoices, page: 1, pageSize: 2, total: 7 }, { invoices, total: 7, complete: false }],
		['invoices and totalCount', { invoices, totalCount: 2 }, { invoices, total: 2, complete: false }],
		['items and total_count', { items: invoices, total_count: '12' }, { invoices, total: 12, complete: false }],
		['a page without a total', { data: invoices }, { invoices, total: undefined, complete: false }],
		['a total that is not a number', { data: invoices, total: 'many' }, { invoices, total: undefined, complete: false }],
		['an empty page', { data: [], total: 0 }, { invoices: [], total: 0, complete: false }],
		['data before invoices', { data: invoices, invoices: [] }, { invoices, total: undefined, complete: false }],
		['a plain array: everything at once', invoices, { invoices, complete: true }],
		['an empty plain array', [], { invoices: [], complete: true }],
		['a list that is not an array', { data: { invoiceNumber: 'INV-1' } }, NO_LIST],
		['no list', { page: 1, total: 3 }, NO_LIST],
		['null', null, 'the answer was not JSON'],
		['a string', '[]', 'the answer was not JSON'],
		['nothing', undefined, 'the answer was not JSON'],
	])('%s', (_case, body, read) => {
		expect(readInvoicePage(body)).toEqual(read);
	});

	test('hands the invoices on as they came (no copy, no reordering)', () => {
		const page = readInvoicePage({ data: invoices });
		expect(typeof page === 'string' ? page : page.invoices).toBe(invoices);
	});
});

describe('readErrorBody', () => {
	test.each<[string, unknown, ReturnType<typeof readErrorBody>]>([
		['error and message', { error: 'rate_limited', message: 'Slow down' }, { code: 'rate_limited', message: 'Slow down' }],
		['detail for the message', { error: 'invalid', detail: 'pageSize too big' }, { code: 'invalid', message: 'pageSize too big' }],
		['OAuth error_description', { error: 'invalid_grant', error_description: 'expired' }, { code: 'invalid_grant', message: 'expired' }],
		['an error object', { error: { code: 'not_found', message: 'No such client' } }, { code: 'not_found', message: 'No such client' }],
		['a top-level message over the nested one', { message: 'top', error: { code: 'x', message: 'nested' } }, { code: 'x', message: 'top' }],
		['only a message', { message: 'Something failed' }, { code: undefined, message: 'Something failed' }],
		['a message that is not a string', { error: 'e', message: { text: 'x' } }, { code: 'e', message: undefined }],
		['errors: a list of objects', { errors: [{ code: 'not_found', message: 'Customer 1 not found' }] }, { code: 'not_found', message: 'Customer 1 not found' }],
		['errors: a list of texts, joined', { errors: ['name is required', 'email is invalid'] }, { message: 'name is required; email is invalid' }],
		['errors: JSON:API detail and title', { errors: [{ status: '404', title: 'Not Found', detail: 'No customer 1' }] }, { message: 'No customer 1' }],
		['RFC 7807 problem', { type: 'about:blank', title: 'Not Found', status: 404, detail: 'Customer 1 not found' }, { message: 'Customer 1 not found' }],
		['RFC 7807 with a title only', { type: 'about:blank', title: 'Conflict', status: 409 }, { message: 'Conflict' }],
		['success: false', { success: false, message: 'Invalid email or password' }, { message: 'Invalid email or password' }],
		['status: error', { status: 'error', message: 'Customer exists' }, { message: 'Customer exists' }],
		['ok: false with a code', { ok: false, error: 'invalid_auth' }, { code: 'invalid_auth' }],
		['ok: false with a sentence in error', { ok: false, error: 'The token has expired' }, { message: 'The token has expired' }],
		['msg', { msg: 'Bad things' }, { message: 'Bad things' }],
		['a fault', { fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } }, { code: 'oauth.v2.InvalidApiKey', message: 'Invalid ApiKey' }],
		['a numeric code', { code: 1042, message: 'Locked' }, { code: '1042', message: 'Locked' }],
		['whitespace collapsed', { message: '  Two\n  lines ' }, { message: 'Two lines' }],
		['a very long message clipped at 300 characters', { message: 'x'.repeat(400) }, { message: `${'x'.repeat(300)}…` }],
		['an empty object', {}, { code: undefined, message: undefined }],
		['null', null, {}],
		['text', 'Bad Gateway', {}],
		['nothing', undefined, {}],
	])('%s', (_case, body, read) => {
		expect(readErrorBody(body)).toEqual(read);
	});
});

describe('readSaid and saidInWords: what an error quotes', () => {
	test.each<[string, unknown, string | undefined, string]>([
		['a JSON message and its code', { error: 'not_found', message: 'Customer 1 not found' }, 'application/json', '"Customer 1 not found" (not_found)'],
		['a problem+json answer', { title: 'Not Found', detail: 'Customer 1 not found', status: 404 }, 'application/problem+json', '"Customer 1 not found"'],
		['only a code', { ok: false, error: 'invalid_auth' }, 'application/json', '"invalid_auth"'],
		['plain text is PortalDuct\'s words', 'Customer 1 not found', 'text/plain; charset=utf-8', '"Customer 1 not found"'],
		['text without a content type', 'Service down', undefined, '"Service down"'],
		['an HTML page: its title', '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>', 'text/html', 'an HTML page titled "502 Bad Gateway"'],
		['an HTML page without a title: its text', '<html><body><h1>Bad Gateway</h1><p>nginx</p></body></html>', 'text/html', 'an HTML page saying "Bad Gateway nginx"'],
		['an HTML page sent as text/plain', '<!doctype html><title>Maintenance &amp; upgrades</title>', 'text/plain', 'an HTML page titled "Maintenance & upgrades"'],
		['another content type', '<error><text>nope</text></error>', 'application/xml', 'an answer of type application/xml'],
		['an empty answer', '', 'text/plain', 'an empty answer'],
		['no body', undefined, undefined, 'an empty answer'],
		['JSON without words names its fields, not their values', { requestId: 'r-1', token: 'secret' }, 'application/json', 'a JSON answer with the fields requestId, token and no message'],
		['a JSON list', [1, 2], 'application/json', 'a JSON list and no message'],
	])('%s', (_case, body, contentType, words) => {
		expect(saidInWords(readSaid(body, contentType))).toBe(words);
	});
});

describe('failureMarker: a 2xx that says it failed', () => {
	test.each<[string, unknown, string | undefined]>([
		['success: false', { success: false, message: 'Invalid email or password' }, '"success": false'],
		['ok: false', { ok: false, error: 'invalid_auth' }, '"ok": false'],
		['status: error', { status: 'error', message: 'x' }, '"status": "error"'],
		['JSend fail', { status: 'fail', data: null, message: 'x' }, '"status": "fail"'],
		['the contract\'s error body', { error: 'not_found', message: 'Customer 1 not found' }, 'an error body'],
		['an errors list and nothing else', { errors: [{ message: 'x' }], data: null }, 'an error body'],
		['a problem', { type: 'about:blank', title: 'Not Found', status: 404, detail: 'x' }, '"status": 404'],
		['a fault', { fault: { faultstring: 'x' } }, 'an error body'],
		['success: true', { success: true, data: { token: 't' } }, undefined],
		['an invoice page: its invoices have a status', { data: [{ invoiceId: 'i', status: 'open' }], page: 1, total: 1 }, undefined],
		['a record with a status word', { connection_uuid: 'c', status: 'failure', message: 'Wrong password' }, undefined],
		['a record with status error among its own fields', { invoiceId: 'i', status: 'error' }, undefined],
		['a record with an error field among its own fields', { clientUUID: 'c', error: 'none' }, undefined],
		['a plain message', { message: 'Customer created' }, undefined],
		['status 200', { status: 200, message: 'ok' }, undefined],
		['an empty errors list', { errors: [] }, undefined],
		['data beside an error', { error: 'partial', data: { id: 1 } }, undefined],
		['a list', [{ success: false }], undefined],
		['text', 'success: false', undefined],
	])('%s', (_case, body, marker) => {
		expect(failureMarker(body)).toBe(marker);
	});
});

describe('a token\'s own lifetime (JWT exp)', () => {
	const jwt = (payload: unknown) =>
		['{"alg":"HS256","typ":"JWT"}', JSON.stringify(payload)].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.c2ln';

	test.each<[string, string, number | undefined]>([
		['exp in seconds -> ms', jwt({ sub: 'u', exp: 1_800_000_000 }), 1_800_000_000_000],
		['a fractional exp', jwt({ exp: 1_800_000_000.5 }), 1_800_000_000_500],
		['no exp', jwt({ sub: 'u' }), undefined],
		['exp that is not a number', jwt({ exp: 'tomorrow' }), undefined],
		['a payload that is not JSON', `e30.${Buffer.from('not json').toString('base64url')}.c2ln`, undefined],
		['an opaque token', 'pdat_0123456789abcdef', undefined],
		['two parts only', 'a.b', undefined],
		['a payload with characters outside base64url', 'e30.a+b/c=.c2ln', undefined],
	])('%s', (_case, token, exp) => {
		expect(readJwtExpiry(token)).toBe(exp);
	});

	const now = 1_700_000_000_000;
	test('expiresIn in the answer wins over the JWT exp', () => {
		expect(tokenEndOf({ token: jwt({ exp: now / 1000 + 60 }), expiresIn: 900 }, now)).toBe(now + 900_000);
	});
	test('without expiresIn the JWT exp is the end', () => {
		expect(tokenEndOf({ token: jwt({ exp: now / 1000 + 60 }) }, now)).toBe(now + 60_000);
	});
	test('an opaque token without expiresIn has no known end', () => {
		expect(tokenEndOf({ token: 'pdat_x' }, now)).toBeUndefined();
	});
	test.each<[string, number | undefined, number | undefined]>([
		['a tenth of a short lifetime before the end', now + 2_000, now + 1_800],
		['at most 30 s before the end', now + 900_000, now + 870_000],
		['an end already past by this clock: none (used until refused)', now - 1_000, undefined],
		['an end now: none', now, undefined],
		['no end: none', undefined, undefined],
	])('renewal time: %s', (_case, end, renewAt) => {
		expect(renewalTimeOf(end, now)).toBe(renewAt);
	});
});
