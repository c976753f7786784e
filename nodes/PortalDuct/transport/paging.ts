import { NodeApiError, type IDataObject, type JsonObject } from 'n8n-workflow';

import { invoicePaging, readInvoicePage } from '../api';
import { portalDuctRequest, type PortalDuctContext } from './request';

/**
 * Walks PortalDuct's numbered pages until `limit` records are in hand or the pages run out.
 * Stops on the total when PortalDuct gives one, else on a short or empty page, so a Limit of 10
 * costs one small request, not a walk of every page.
 */
export async function fetchInvoicePages(
	ctx: PortalDuctContext,
	request: { path: string; subject: string; limit: number; itemIndex: number },
): Promise<IDataObject[]> {
	const pageSize = Math.min(invoicePaging.maxPageSize, request.limit);
	const records: IDataObject[] = [];
	for (let page = 1; records.length < request.limit; page++) {
		const answer = await portalDuctRequest.call(ctx, {
			method: 'GET',
			path: request.path,
			qs: { [invoicePaging.page]: page, [invoicePaging.pageSize]: pageSize },
			resend: 'read',
			itemIndex: request.itemIndex,
			subject: request.subject,
		});
		const read = readInvoicePage(answer.body);
		if (typeof read === 'string') {
			throw new NodeApiError(ctx.getNode(), { message: read } as JsonObject, {
				message: `PortalDuct's invoice page was not understood: ${read}`,
				itemIndex: request.itemIndex,
			});
		}
		records.push(...read.invoices);
		const lastPage =
			read.complete ||
			read.invoices.length === 0 ||
			(read.total !== undefined ? page * pageSize >= read.total : read.invoices.length < pageSize);
		if (lastPage) break;
	}
	return records.slice(0, request.limit);
}
