/**
 * The rules of an invoice walk (nodes/PortalDuct/transport/paging.ts `firstPosition`, `afterPage`),
 * without a server: where a walk starts, when it stops, which page it asks for next, and when it
 * refuses to go on.
 */
import { linkPath } from '../../nodes/PortalDuct/transport/page-links';
import { afterPage, firstPosition, leadKey, pagingRules, type PageSeen, type WalkPosition } from '../../nodes/PortalDuct/transport/paging';

const at = (over: Partial<WalkPosition> = {}): WalkPosition => ({ ...firstPosition(Infinity), ...over });
const page = (count: number, over: Partial<PageSeen> = {}): PageSeen => ({ count, fresh: count, complete: false, ...over });

test.each([
	['a Limit of 10 asks for 10', 10, 10],
	['a Limit of 250 asks for pages of 100', 250, 100],
	['Return All asks for pages of 100', Infinity, 100],
])('%s', (_name, limit, size) => {
	expect(firstPosition(limit)).toEqual({ page: 1, pageSize: size, offset: 0, kept: 0, maxPages: pagingRules.maxPages });
});

test.each<[string, WalkPosition, PageSeen, number, ReturnType<typeof afterPage>]>([
	['a full page without a total: the next page', at(), page(100), Infinity, { next: at({ page: 2, offset: 100, kept: 100 }) }],
	['a short page without a total: done', at({ page: 3, offset: 200, kept: 200 }), page(40), Infinity, { done: true }],
	['an empty page: done', at({ page: 2, offset: 100, kept: 100 }), page(0), Infinity, { done: true }],
	['a plain array (everything at once): done', at(), page(7, { complete: true }), Infinity, { done: true }],
	['the Limit reached: done', firstPosition(10), page(10), 10, { done: true }],
	['the total reached: done, even on a full page', at({ page: 2, offset: 100, kept: 100 }), page(100, { total: 200 }), Infinity, { done: true }],
	[
		'a total: later pages are bounded by it, plus one',
		at(),
		page(100, { total: 250 }),
		Infinity,
		{ next: at({ page: 2, offset: 100, kept: 100, total: 250, maxPages: 3 + pagingRules.pagesPastTotal }) },
	],
	[
		'a server that caps pages at 25 (it says so): asks for 25 a page, renumbered from what it served',
		at(),
		page(25, { reportedSize: 25 }),
		Infinity,
		{ next: at({ page: 2, pageSize: 25, offset: 25, kept: 25 }) },
	],
	[
		'a server that caps pages at 30 and reports a total: its page count is the size served',
		at(),
		page(30, { total: 95 }),
		Infinity,
		{ next: at({ page: 2, pageSize: 30, offset: 30, kept: 30, total: 95, maxPages: 4 + pagingRules.pagesPastTotal }) },
	],
	['a page of records all seen before: the server ignores the page parameter', at({ page: 2, offset: 100, kept: 100 }), page(100, { fresh: 0 }), Infinity, { stop: 'repeated', at: at({ page: 2, offset: 100, kept: 100 }) }],
	[
		'a page with some repeats: only the new ones count, the walk goes on from the offset',
		at({ page: 2, offset: 100, kept: 100 }),
		page(100, { fresh: 60 }),
		Infinity,
		{ next: at({ page: 3, offset: 200, kept: 160 }) },
	],
	[
		'past the pages the total allows (pages of partly repeated records): stop',
		at({ page: 4, offset: 300, kept: 200, total: 250, maxPages: 4 }),
		page(100, { fresh: 40, total: 250 }),
		Infinity,
		{ stop: 'pastTotal', at: at({ page: 5, offset: 400, kept: 240, total: 250, maxPages: 4 }) },
	],
	[
		'past the node\'s own bound of pages: stop',
		at({ page: pagingRules.maxPages, pageSize: 1, offset: pagingRules.maxPages - 1, kept: pagingRules.maxPages - 1 }),
		page(1),
		Infinity,
		{ stop: 'tooManyPages', at: at({ page: pagingRules.maxPages + 1, pageSize: 1, offset: pagingRules.maxPages, kept: pagingRules.maxPages }) },
	],
])('%s', (_name, position, seen, limit, expected) => {
	const copy = { ...position };
	expect(afterPage(position, seen, limit)).toEqual(expected);
	expect(position).toEqual(copy);
});

test('a walk of 1,000 invoices in pages of 100 without a total asks for pages 1 to 11 and stops on the empty one', () => {
	const asked: number[] = [];
	let position = firstPosition(Infinity);
	for (;;) {
		asked.push(position.page);
		const served = Math.max(0, Math.min(100, 1000 - position.offset));
		const step = afterPage(position, page(served), Infinity);
		if (!('next' in step)) {
			expect(step).toEqual({ done: true });
			break;
		}
		position = step.next;
	}
	expect(asked).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
});

describe('when PortalDuct leads (a continuation on the page)', () => {
	const cursor = { kind: 'cursor', param: 'cursor', cursor: 'c2' } as const;
	const link = { kind: 'link', path: '/v1/getClientInvoices/x?after=2' } as const;
	test.each<[string, WalkPosition, PageSeen, ReadonlySet<string>, ReturnType<typeof afterPage>]>([
		['a cursor: followed, the page size kept', at(), page(100, { continuation: cursor }), new Set(), { next: at({ page: 2, offset: 100, kept: 100, lead: cursor, led: true }) }],
		['a link: followed even after a short page', at(), page(30, { continuation: link }), new Set(), { next: at({ page: 2, offset: 30, kept: 30, lead: link, led: true }) }],
		['a cursor followed before: stop, it would loop', at({ page: 2, offset: 100, kept: 100, lead: cursor, led: true }), page(100, { continuation: cursor }), new Set(['cursor=c2']), { stop: 'repeatedLead', at: at({ page: 2, offset: 100, kept: 100, lead: cursor, led: true }) }],
		['the same link again: stop', at(), page(10, { continuation: link }), new Set([`GET ${link.path}`]), { stop: 'repeatedLead', at: at() }],
		['nextPage: that page, even after a short page', at(), page(30, { continuation: { kind: 'page', page: 2 } }), new Set(), { next: at({ page: 2, offset: 30, kept: 30, led: true }) }],
		['nextPage not after this page: stop', at({ page: 3 }), page(30, { continuation: { kind: 'page', page: 3 } }), new Set(), { stop: 'repeatedLead', at: at({ page: 3 }) }],
		['hasMore: true after a short page: the next page by our numbers', at(), page(30, { continuation: { kind: 'more' } }), new Set(), { next: at({ page: 2, offset: 30, kept: 30 }) }],
		['hasMore: false (end) after a full page: done', at(), page(100, { continuation: { kind: 'end' } }), new Set(), { done: true }],
		['led before and no continuation now: done, though the page is full', at({ page: 2, offset: 100, kept: 100, lead: cursor, led: true }), page(100), new Set(), { done: true }],
		['a cursor on a page of records all seen before: the records rule first', at({ page: 2, offset: 100, kept: 100 }), page(100, { fresh: 0, continuation: cursor }), new Set(), { stop: 'repeated', at: at({ page: 2, offset: 100, kept: 100 }) }],
		['a cursor and the total reached: done', at(), page(100, { total: 100, continuation: cursor }), new Set(), { done: true }],
		['a cursor past the node\'s bound of pages: stop', at({ page: pagingRules.maxPages }), page(1, { continuation: cursor }), new Set(), { stop: 'tooManyPages', at: at({ page: pagingRules.maxPages + 1, offset: 1, kept: 1, lead: cursor, led: true }) }],
	])('%s', (_name, position, seen, followed, expected) => {
		const copy = { ...position };
		expect(afterPage(position, seen, Infinity, followed)).toEqual(expected);
		expect(position).toEqual(copy);
	});

	test('leadKey: a link by its path, a cursor by the parameter it is sent as', () => {
		expect(leadKey(link)).toBe('GET /v1/getClientInvoices/x?after=2');
		expect(leadKey(cursor)).toBe('cursor=c2');
	});
});

describe('linkPath: a next link as a path under the Base URL', () => {
	const sent = 'https://api.example.com/v1/getClientInvoices/x?page=1&pageSize=100';
	test.each<[string, string, string, ReturnType<typeof linkPath>]>([
		['absolute, same origin, query as written', 'https://api.example.com/v1/getClientInvoices/x?cursor=a%2Bb%2F%3D&pageSize=100', 'https://api.example.com', { path: '/v1/getClientInvoices/x?cursor=a%2Bb%2F%3D&pageSize=100' }],
		['relative to the host', '/v1/getClientInvoices/x?cursor=a+b', 'https://api.example.com', { path: '/v1/getClientInvoices/x?cursor=a+b' }],
		['only a query', '?cursor=abc', 'https://api.example.com', { path: '/v1/getClientInvoices/x?cursor=abc' }],
		['the fragment dropped', '/v1/getClientInvoices/x?cursor=abc#top', 'https://api.example.com', { path: '/v1/getClientInvoices/x?cursor=abc' }],
		['under a Base URL with a path', 'https://gw.example.com/portalduct/v1/getClientInvoices/x?c=1', 'https://gw.example.com/portalduct', { path: '/v1/getClientInvoices/x?c=1' }],
		['another host', 'https://evil.example.com/v1/getClientInvoices/x', 'https://api.example.com', { refused: "it leads to https://evil.example.com, not to the credential's Base URL https://api.example.com" }],
		['another scheme', 'http://api.example.com/v1/getClientInvoices/x', 'https://api.example.com', { refused: "it leads to http://api.example.com, not to the credential's Base URL https://api.example.com" }],
		['another port', 'https://api.example.com:8443/v1/x', 'https://api.example.com', { refused: "it leads to https://api.example.com:8443, not to the credential's Base URL https://api.example.com" }],
		['protocol-relative to another host', '//evil.example.com/v1/x', 'https://api.example.com', { refused: "it leads to https://evil.example.com, not to the credential's Base URL https://api.example.com" }],
		['outside the Base URL\'s path', 'https://gw.example.com/other/v1/x', 'https://gw.example.com/portalduct', { refused: "it leads outside the credential's Base URL https://gw.example.com/portalduct" }],
		['not a URL', 'http://[bad', 'https://api.example.com', { refused: 'it is not a URL' }],
	])('%s', (_name, link, baseUrl, expected) => {
		expect(linkPath(link, sent.replace('https://api.example.com', baseUrl), baseUrl)).toEqual(expected);
	});
});
