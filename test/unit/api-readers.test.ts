/**
 * The readers of nodes/PortalDuct/api/: which shapes of a PortalDuct answer they accept (the
 * [doc] one and the [assumed] variants), what they make of them, and the reason they give for junk.
 */
import { fieldOf, readContinuation, readErrorBody, readInvoicePage, readTokenSet } from '../../nodes/PortalDuct/api';

const NO_TOKEN = 'the answer had none of the fields token, accessToken, access_token (also looked under "data")';
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
		['a token that is not a string', { token: 12345 }, NO_TOKEN],
		['no token at all', { refreshToken: 'r' }, NO_TOKEN],
		['data that is not an object', { data: 'token' }, NO_TOKEN],
		['an empty object', {}, NO_TOKEN],
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
	const NO_LIST = 'the answer had no invoice list (looked for "data", "invoices", "items", "results" or a plain array)';
	test.each<[string, unknown, ReturnType<typeof readInvoicePage>]>([
		['a page: data, page size and total', { data: invoices, page: 1, pageSize: 2, total: 7 }, { invoices, total: 7, pageSize: 2, complete: false }],
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
		['an empty object', {}, { code: undefined, message: undefined }],
		['null', null, {}],
		['text', 'Bad Gateway', {}],
		['nothing', undefined, {}],
	])('%s', (_case, body, read) => {
		expect(readErrorBody(body)).toEqual(read);
	});
});

describe('readContinuation (the lead to the next page)', () => {
	const link = '/v1/getClientInvoices/x?cursor=abc';
	test.each<[string, Record<string, unknown>, ReturnType<typeof readContinuation>]>([
		['next: a relative link', { next: link }, { kind: 'link', link, field: 'next' }],
		['next: an absolute link', { next: `https://api.example.com${link}` }, { kind: 'link', link: `https://api.example.com${link}`, field: 'next' }],
		['next_page_url', { next_page_url: link }, { kind: 'link', link, field: 'next_page_url' }],
		['links.next as a string', { links: { self: '/a', next: link } }, { kind: 'link', link, field: 'links.next' }],
		['links.next as {href}', { links: { next: { href: link } } }, { kind: 'link', link, field: 'links.next' }],
		['_links.next as {href} (HAL)', { _links: { next: { href: link } } }, { kind: 'link', link, field: '_links.next' }],
		['meta.next', { meta: { next: link } }, { kind: 'link', link, field: 'meta.next' }],
		['pagination.next_page as a number', { pagination: { next_page: 3 } }, { kind: 'page', page: 3, field: 'pagination.next_page' }],
		['nextPage as a number', { nextPage: 2 }, { kind: 'page', page: 2, field: 'nextPage' }],
		['next_page as a numeric string', { next_page: '2' }, { kind: 'page', page: 2, field: 'next_page' }],
		['nextPage as a token: sent back as cursor', { nextPage: 'eyJvIjoxMDB9' }, { kind: 'cursor', cursor: 'eyJvIjoxMDB9', param: 'cursor', field: 'nextPage' }],
		['nextCursor', { nextCursor: 'c2' }, { kind: 'cursor', cursor: 'c2', param: 'cursor', field: 'nextCursor' }],
		['next_cursor under response_metadata (a number is a token here)', { response_metadata: { next_cursor: 100 } }, { kind: 'cursor', cursor: '100', param: 'cursor', field: 'response_metadata.next_cursor' }],
		['continuationToken', { continuationToken: 't' }, { kind: 'cursor', cursor: 't', param: 'continuationToken', field: 'continuationToken' }],
		['nextPageToken: sent back as pageToken', { nextPageToken: 't' }, { kind: 'cursor', cursor: 't', param: 'pageToken', field: 'nextPageToken' }],
		['a bare cursor', { cursor: 'c2' }, { kind: 'cursor', cursor: 'c2', param: 'cursor', field: 'cursor' }],
		['a bare cursor of null is not the end', { cursor: null, total: 3 }, undefined],
		['hasMore: true', { hasMore: true }, { kind: 'more', field: 'hasMore' }],
		['has_more: false', { has_more: false }, { kind: 'end', field: 'has_more' }],
		['more: "false"', { more: 'false' }, { kind: 'end', field: 'more' }],
		['pageInfo.hasNextPage', { pageInfo: { hasNextPage: true } }, { kind: 'more', field: 'pageInfo.hasNextPage' }],
		['hasMore: false wins over a link', { hasMore: false, next: link }, { kind: 'end', field: 'hasMore' }],
		['a link before hasMore: true', { hasMore: true, next: link }, { kind: 'link', link, field: 'next' }],
		['next: null is the end', { next: null }, { kind: 'end', field: 'next' }],
		['links.next: null with a cursor: the cursor', { links: { next: null }, nextCursor: 'c2' }, { kind: 'cursor', cursor: 'c2', param: 'cursor', field: 'nextCursor' }],
		['nothing', { page: 1, total: 3 }, undefined],
	])('%s', (_case, page, read) => {
		expect(readContinuation({ data: [], ...page })).toEqual(read);
	});

	test('readInvoicePage reads page_size, total_count under meta, and the continuation', () => {
		expect(readInvoicePage({ data: [], page_size: 25, meta: { total_count: 60 }, next_cursor: 'c' })).toEqual({
			invoices: [],
			pageSize: 25,
			total: 60,
			continuation: { kind: 'cursor', cursor: 'c', param: 'cursor', field: 'next_cursor' },
			complete: false,
		});
	});

	test('fieldOf: the contract name, else snake_case', () => {
		expect(fieldOf({ dueDate: 'a', due_date: 'b' }, 'dueDate')).toBe('a');
		expect(fieldOf({ due_date: 'b' }, 'dueDate')).toBe('b');
		expect(fieldOf({ invoice_id: 'i' }, 'invoiceId')).toBe('i');
		expect(fieldOf({}, 'dueDate')).toBeUndefined();
	});
});
