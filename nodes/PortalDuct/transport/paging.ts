import { NodeApiError, type IDataObject, type JsonObject } from 'n8n-workflow';

import { invoicePaging, readInvoicePage, type InvoicePage } from '../api';
import { portalDuctRequest } from './request';
import type { Run } from './run';

/**
 * The rules that keep a walk over PortalDuct's numbered pages [assumed `page`/`pageSize`] right
 * and bounded, whatever the server does:
 * - follow the page size the server reports (or, with a total, the count it returned), so a
 *   server that caps pages below what was asked still gives everything;
 * - stop on the total when there is one, else on a short or empty page;
 * - never output a record twice (by `invoiceId`, else the whole record): a page with nothing new
 *   means the server ignores the page parameter, and the walk fails instead of looping;
 * - never request more pages than the total allows (plus one), nor more than `maxPages`.
 */
export const pagingRules = {
	/** Upper bound on requests of one walk: 1,000,000 invoices at 100 a page. */
	maxPages: 10_000,
	/** Pages beyond ceil(total / page size) tolerated for records added during the walk. */
	pagesPastTotal: 1,
} as const;

export interface PageWalk {
	path: string;
	subject: string;
	/** How many records are wanted; Infinity for Return All. */
	limit: number;
	itemIndex: number;
}

/** What makes a record the same record: its id as PortalDuct gives it, else its whole JSON. */
function sameRecordKey(record: IDataObject): unknown {
	const id = record.invoiceId ?? record.id;
	// The id itself, no string built per record (a Return All of 10,000 checks every one).
	return typeof id === 'string' || typeof id === 'number' ? id : `json:${JSON.stringify(record)}`;
}

function reportedPageSize(body: unknown): number | undefined {
	const size = Number((body as IDataObject | null)?.[invoicePaging.pageSize]);
	return Number.isInteger(size) && size > 0 ? size : undefined;
}

/** Where a walk stands: the page and size to ask for next, and what it has been told so far. */
export interface WalkPosition {
	/** The page to ask for next, from 1. */
	page: number;
	pageSize: number;
	/** Records the server has handed over so far, repeats included: where the next page starts. */
	offset: number;
	/** Records kept so far (new ones only). */
	kept: number;
	/** No page past this one is asked for (pagingRules, or the server's total). */
	maxPages: number;
	/** The total the server reported, once it did. */
	total?: number;
}

/** What one page brought, as the rules need it. */
export interface PageSeen {
	/** Records on the page, and how many of them were not seen before. */
	count: number;
	fresh: number;
	/** The answer was everything at once (a plain array). */
	complete: boolean;
	total?: number;
	/** The page size the server says it used. */
	reportedSize?: number;
}

/**
 * The paging rules, pure: where a walk of `limit` records starts (a Limit of 10 asks for 10).
 */
export function firstPosition(limit: number): WalkPosition {
	return { page: 1, pageSize: Math.min(invoicePaging.maxPageSize, limit), offset: 0, kept: 0, maxPages: pagingRules.maxPages };
}

/**
 * After a page: `next` (the position to ask for), `done`, or why the walk cannot go on:
 * `repeated` (a page of records all seen before: the server ignores the page parameter),
 * `pastTotal` (pages beyond what the server's total allows), `tooManyPages` (pagingRules.maxPages).
 * The position passed in is not changed.
 */
export function afterPage(
	position: WalkPosition,
	seen: PageSeen,
	limit: number,
): { next: WalkPosition } | { done: true } | { stop: 'repeated' | 'pastTotal' | 'tooManyPages'; at: WalkPosition } {
	const at = { ...position, kept: position.kept + seen.fresh, offset: position.offset + seen.count };
	if (seen.count > 0 && seen.fresh === 0) return { stop: 'repeated', at: position };
	if (at.kept >= limit || seen.complete || seen.count === 0) return { done: true };
	// The server's own page size from here on: a server that caps pages keeps its offsets.
	const served = seen.reportedSize ?? (seen.total !== undefined ? seen.count : position.pageSize);
	if (seen.total !== undefined) {
		at.total = seen.total;
		if (at.kept >= seen.total) return { done: true };
		at.maxPages = Math.min(pagingRules.maxPages, Math.ceil(seen.total / served) + pagingRules.pagesPastTotal);
	} else if (seen.count < served) {
		return { done: true };
	}
	at.page = position.page + 1;
	if (served !== position.pageSize) {
		// Later pages are counted in the served size: ask for exactly that, and renumber.
		at.page = Math.floor(at.offset / served) + 1;
		at.pageSize = served;
	}
	if (at.page > at.maxPages) return { stop: at.maxPages === pagingRules.maxPages ? 'tooManyPages' : 'pastTotal', at };
	return { next: at };
}

/**
 * Walks the pages until `limit` records are in hand or the pages run out. A Limit of 10 costs one
 * small request. Returns the records in PortalDuct's order, each once.
 * Throws NodeApiError when a page is not understood, when the server repeats itself (ignores the
 * page parameter), or when the walk passes the bound the server's total allows.
 */
export async function fetchInvoicePages(run: Run, walk: PageWalk): Promise<IDataObject[]> {
	const fail = (message: string, description: string) =>
		new NodeApiError(run.ctx.getNode(), { message } as JsonObject, { message, description, itemIndex: walk.itemIndex });
	const where = `GET ${walk.path}`;
	const records: IDataObject[] = [];
	const seen = new Set<unknown>();
	let position = firstPosition(walk.limit);
	for (;;) {
		const { page, pageSize } = position;
		const sent = { [invoicePaging.page]: page, [invoicePaging.pageSize]: pageSize };
		const answer = await portalDuctRequest(run, {
			method: 'GET',
			path: walk.path,
			qs: sent,
			resend: 'read',
			itemIndex: walk.itemIndex,
			subject: walk.subject,
		});
		const read: InvoicePage | string = readInvoicePage(answer.body);
		if (typeof read === 'string') {
			throw fail(`PortalDuct's invoice page was not understood: ${read}`, 'Check that the Base URL points at the PortalDuct API.');
		}
		const fresh: IDataObject[] = [];
		for (const record of read.invoices) {
			// One lookup per record: the set grows only for a record not seen before.
			const before = seen.size;
			seen.add(sameRecordKey(record));
			if (seen.size > before) fresh.push(record);
		}
		records.push(...fresh);
		const step = afterPage(
			position,
			{ count: read.invoices.length, fresh: fresh.length, complete: read.complete, total: read.total, reportedSize: reportedPageSize(answer.body) },
			walk.limit,
		);
		if ('next' in step) {
			position = step.next;
			continue;
		}
		if ('done' in step) break;
		const at = step.at;
		if (step.stop === 'repeated') {
			throw fail(
				`PortalDuct answered page ${page} of ${where} with the same invoices as before (sent ${invoicePaging.page}=${page}, ${invoicePaging.pageSize}=${pageSize}): it seems to ignore the paging parameters, so not every invoice can be had`,
				`The ${records.length} invoices read so far were not output, so nothing is passed on twice or incomplete. Use a Limit of at most ${pageSize}, or ask PortalDuct about paging of this endpoint.`,
			);
		}
		if (step.stop === 'tooManyPages') {
			throw fail(
				`Return All of ${where} reached this node's limit of ${pagingRules.maxPages} pages per walk (${records.length} invoices in pages of ${at.pageSize}${at.total !== undefined ? ` of the ${at.total} PortalDuct reports` : ''})`,
				'Nothing was output for this item. Read it in parts with a Limit, or ask PortalDuct why it serves so few invoices per page.',
			);
		}
		throw fail(
			`PortalDuct's pages of ${where} went on past what it said it holds: stopped after ${at.page - 1} pages of ${at.pageSize} (${records.length} invoices)`,
			'PortalDuct reported a total that its pages do not keep to; running again may help if invoices were being added.',
		);
	}
	return records.slice(0, walk.limit);
}
