/**
 * The rules of an invoice walk (nodes/PortalDuct/transport/paging.ts `firstPosition`, `afterPage`),
 * without a server: where a walk starts, when it stops, which page it asks for next, and when it
 * refuses to go on.
 */
import { afterPage, firstPosition, pagingRules, type PageSeen, type WalkPosition } from '../../nodes/PortalDuct/transport/paging';

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
