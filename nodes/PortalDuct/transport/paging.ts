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
	let pageSize = Math.min(invoicePaging.maxPageSize, walk.limit);
	const records: IDataObject[] = [];
	const seen = new Set<unknown>();
	/** Records the server has handed over so far, repeats included: where the next page starts. */
	let offset = 0;
	let maxPages: number = pagingRules.maxPages;
	let total: number | undefined;
	for (let page = 1; records.length < walk.limit; page++) {
		if (page > maxPages) {
			if (maxPages === pagingRules.maxPages) {
				throw fail(
					`Return All of ${where} reached this node's limit of ${pagingRules.maxPages} pages per walk (${records.length} invoices in pages of ${pageSize}${total !== undefined ? ` of the ${total} PortalDuct reports` : ''})`,
					'Nothing was output for this item. Read it in parts with a Limit, or ask PortalDuct why it serves so few invoices per page.',
				);
			}
			throw fail(
				`PortalDuct's pages of ${where} went on past what it said it holds: stopped after ${page - 1} pages of ${pageSize} (${records.length} invoices)`,
				'PortalDuct reported a total that its pages do not keep to; running again may help if invoices were being added.',
			);
		}
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
		if (read.invoices.length > 0 && fresh.length === 0) {
			throw fail(
				`PortalDuct answered page ${page} of ${where} with the same invoices as before (sent ${invoicePaging.page}=${page}, ${invoicePaging.pageSize}=${pageSize}): it seems to ignore the paging parameters, so not every invoice can be had`,
				`The ${records.length} invoices read so far were not output, so nothing is passed on twice or incomplete. Use a Limit of at most ${pageSize}, or ask PortalDuct about paging of this endpoint.`,
			);
		}
		records.push(...fresh);
		offset += read.invoices.length;
		if (read.complete || read.invoices.length === 0) break;
		// The server's own page size from here on: a server that caps pages keeps its offsets.
		const served = reportedPageSize(answer.body) ?? (read.total !== undefined ? read.invoices.length : pageSize);
		if (read.total !== undefined) {
			total = read.total;
			if (records.length >= read.total) break;
			maxPages = Math.min(pagingRules.maxPages, Math.ceil(read.total / served) + pagingRules.pagesPastTotal);
		} else if (read.invoices.length < served) {
			break;
		}
		if (served !== pageSize) {
			// Later pages are counted in the served size: ask for exactly that, and renumber.
			page = Math.floor(offset / served);
			pageSize = served;
		}
	}
	return records.slice(0, walk.limit);
}
