import { NodeApiError, type IDataObject, type JsonObject } from 'n8n-workflow';

import { invoicePaging, readInvoicePage, type Continuation, type InvoicePage } from '../api';
import { linkPath } from './page-links';
import { portalDuctRequest } from './request';
import { credentialFor, type Run } from './run';

/**
 * The rules that keep a walk over PortalDuct's invoice pages right and bounded, whatever the
 * server does:
 * - PortalDuct leads when a page carries a continuation (a `next` link, `nextPage`, a cursor,
 *   `hasMore`; api/pages.ts reads them): it is followed, and our own page numbers
 *   [assumed `page`/`pageSize`] are the fallback;
 * - follow the page size the server reports (or, with a total, the count it returned), so a
 *   server that caps pages below what was asked still gives everything;
 * - stop on the total when there is one, on `hasMore: false` or a continuation that stops coming,
 *   else on a short or empty page (`hasMore: true` goes on past a short page);
 * - never output a record twice (by `invoiceId`, else the whole record): a page with nothing new
 *   means the server ignores the page parameter, and the walk fails instead of looping; a
 *   continuation given a second time fails the walk the same way;
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
	const id = record.invoiceId ?? record.invoice_id ?? record.id;
	// The id itself, no string built per record (a Return All of 10,000 checks every one).
	return typeof id === 'string' || typeof id === 'number' ? id : `json:${JSON.stringify(record)}`;
}

/**
 * The request PortalDuct led to: a path of ours with its query as given (a `next` link, already
 * checked to be under the Base URL), or a token sent back as the query parameter `param`.
 */
export type Lead = { kind: 'link'; path: string } | { kind: 'cursor'; param: string; cursor: string };

/** Where a walk stands: the page and size to ask for next, and what it has been told so far. */
export interface WalkPosition {
	/** The page to ask for next, from 1 (with a lead: the count of pages asked, this one included). */
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
	/** The request PortalDuct led to, sent instead of our page number. */
	lead?: Lead;
	/** Some page carried a continuation: from then on a page without one is the last. */
	led?: boolean;
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
	/**
	 * The page's continuation (api/pages.ts), a link already turned into a `Lead` of ours, or
	 * `more` / `end` / `page` as read.
	 */
	continuation?: Lead | { kind: 'page'; page: number } | { kind: 'more' } | { kind: 'end' };
}

/** A lead as one string, to tell the same continuation given twice: `GET <path>` or `cursor=<token>`. */
export function leadKey(lead: Lead): string {
	return lead.kind === 'link' ? `GET ${lead.path}` : `${lead.param}=${lead.cursor}`;
}

/**
 * The paging rules, pure: where a walk of `limit` records starts (a Limit of 10 asks for 10).
 */
export function firstPosition(limit: number): WalkPosition {
	return { page: 1, pageSize: Math.min(invoicePaging.maxPageSize, limit), offset: 0, kept: 0, maxPages: pagingRules.maxPages };
}

export type Step =
	| { next: WalkPosition }
	| { done: true }
	| { stop: 'repeated' | 'repeatedLead' | 'pastTotal' | 'tooManyPages'; at: WalkPosition };

/**
 * After a page: `next` (the position to ask for), `done`, or why the walk cannot go on:
 * `repeated` (a page of records all seen before: the server ignores the page parameter),
 * `repeatedLead` (a continuation in `followed`, the `leadKey`s already followed, or a `nextPage`
 * not after this page: following it would loop), `pastTotal` (pages beyond what the server's
 * total allows), `tooManyPages` (pagingRules.maxPages). The position passed in is not changed.
 */
export function afterPage(position: WalkPosition, seen: PageSeen, limit: number, followed: ReadonlySet<string> = new Set()): Step {
	const at: WalkPosition = { ...position, kept: position.kept + seen.fresh, offset: position.offset + seen.count };
	delete at.lead;
	if (seen.count > 0 && seen.fresh === 0) return { stop: 'repeated', at: position };
	const lead = seen.continuation;
	if (at.kept >= limit || seen.complete || lead?.kind === 'end') return { done: true };
	if (seen.total !== undefined) at.total = seen.total;
	if (at.total !== undefined && at.kept >= at.total) return { done: true };
	// The size asked for after a lead: what the server says it used, else what was asked (a server
	// that numbers its pages counts them in the size asked).
	const leadSize = seen.reportedSize ?? position.pageSize;
	if (lead?.kind === 'link' || lead?.kind === 'cursor') {
		// PortalDuct leads, even past an empty or short page; the page count still bounds the walk.
		if (followed.has(leadKey(lead))) return { stop: 'repeatedLead', at: position };
		Object.assign(at, { lead, led: true, page: position.page + 1, pageSize: leadSize });
		return at.page > at.maxPages ? { stop: 'tooManyPages', at } : { next: at };
	}
	if (seen.count === 0) return { done: true };
	if (lead?.kind === 'page') {
		if (lead.page <= position.page) return { stop: 'repeatedLead', at: position };
		Object.assign(at, { led: true, page: lead.page, pageSize: leadSize });
		return at.page > at.maxPages ? { stop: 'tooManyPages', at } : { next: at };
	}
	// Our own page numbers from here.
	if (position.led && lead === undefined) return { done: true };
	const served = seen.reportedSize ?? (seen.total !== undefined ? seen.count : position.pageSize);
	if (seen.total !== undefined) {
		at.maxPages = Math.min(pagingRules.maxPages, Math.ceil(seen.total / served) + pagingRules.pagesPastTotal);
	} else if (seen.count < served && lead?.kind !== 'more') {
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

/** The request a position asks for: path, query, and the words an error names it by. */
function requestOf(walk: PageWalk, position: WalkPosition): { path: string; qs?: IDataObject; words: string } {
	const lead = position.lead;
	if (lead?.kind === 'link') return { path: lead.path, words: `GET ${lead.path}` };
	const qs: IDataObject =
		lead?.kind === 'cursor'
			? { [lead.param]: lead.cursor, [invoicePaging.pageSize]: position.pageSize }
			: { [invoicePaging.page]: position.page, [invoicePaging.pageSize]: position.pageSize };
	return { path: walk.path, qs, words: Object.entries(qs).map(([name, value]) => `${name}=${String(value)}`).join(', ') };
}

/** A continuation in words, as PortalDuct wrote it: `nextCursor "abc"`, `links.next "/v1/..."`. */
function continuationWords(continuation: Continuation): string {
	if (continuation.kind === 'link') return `${continuation.field} "${continuation.link}"`;
	if (continuation.kind === 'cursor') return `${continuation.field} "${continuation.cursor}"`;
	if (continuation.kind === 'page') return `${continuation.field} ${continuation.page}`;
	return continuation.field;
}

/**
 * Walks the pages until `limit` records are in hand or the pages run out, following PortalDuct's
 * continuation when its pages carry one (a `next` link only under the credential's Base URL), else
 * our page numbers. A Limit of 10 costs one small request. Returns the records in PortalDuct's
 * order, each once. Throws NodeApiError, naming what was sent, when a page is not understood, when
 * the server repeats itself (ignores the page parameter, gives a continuation twice), when a
 * `next` link leads away from the Base URL, or when the walk passes its bound.
 */
export async function fetchInvoicePages(run: Run, walk: PageWalk): Promise<IDataObject[]> {
	const fail = (message: string, description: string) =>
		new NodeApiError(run.ctx.getNode(), { message } as JsonObject, { message, description, itemIndex: walk.itemIndex });
	const where = `GET ${walk.path}`;
	const records: IDataObject[] = [];
	const seen = new Set<unknown>();
	const followed = new Set<string>();
	let position = firstPosition(walk.limit);
	for (;;) {
		const { page, pageSize } = position;
		const request = requestOf(walk, position);
		const answer = await portalDuctRequest(run, {
			method: 'GET',
			path: request.path,
			qs: request.qs,
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
		const continuation = read.continuation;
		let lead: PageSeen['continuation'];
		if (continuation?.kind === 'link') {
			const { baseUrl } = await credentialFor(run, walk.itemIndex);
			const query = request.qs ? `?${new URLSearchParams(request.qs as Record<string, string>).toString()}` : '';
			const followable = linkPath(continuation.link, `${baseUrl}${request.path}${query}`, baseUrl);
			if ('refused' in followable) {
				throw fail(
					`PortalDuct's page ${page} of ${where} (sent ${request.words}) gave ${continuationWords(continuation)} as its next page, which was not followed: ${followable.refused}`,
					`The PortalDuct token is sent to the credential's Base URL only. The ${records.length} invoices read so far were not output. If PortalDuct's API moved, change the credential's Base URL.`,
				);
			}
			lead = { kind: 'link', path: followable.path };
		} else if (continuation?.kind === 'cursor') {
			lead = { kind: 'cursor', param: continuation.param, cursor: continuation.cursor };
		} else {
			lead = continuation;
		}
		const step = afterPage(
			position,
			{ count: read.invoices.length, fresh: fresh.length, complete: read.complete, total: read.total, reportedSize: read.pageSize, continuation: lead },
			walk.limit,
			followed,
		);
		if ('next' in step) {
			position = step.next;
			if (position.lead) followed.add(leadKey(position.lead));
			continue;
		}
		if ('done' in step) break;
		const at = step.at;
		if (step.stop === 'repeated') {
			throw fail(
				position.lead
					? `PortalDuct answered page ${page} of ${where} with the same invoices as before (sent ${request.words}, as its previous page led): it seems not to follow its own continuation, so not every invoice can be had`
					: `PortalDuct answered page ${page} of ${where} with the same invoices as before (sent ${request.words}): it seems to ignore the paging parameters, so not every invoice can be had`,
				`The ${records.length} invoices read so far were not output, so nothing is passed on twice or incomplete. Use a Limit of at most ${pageSize}, or ask PortalDuct about paging of this endpoint.`,
			);
		}
		if (step.stop === 'repeatedLead') {
			throw fail(
				`PortalDuct's page ${page} of ${where} (sent ${request.words}) led back to a page already asked for: ${continuationWords(continuation as Continuation)}. Following it would loop, so not every invoice can be had`,
				`The ${records.length} invoices read so far were not output, so nothing is passed on twice or incomplete. Ask PortalDuct about paging of this endpoint.`,
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
