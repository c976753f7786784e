/** Readers of PortalDuct's invoice pages [assumed shape; see docs/openapi.yaml]. */
import type { IDataObject } from 'n8n-workflow';

import { pick } from './answers';

export interface InvoicePage {
	invoices: IDataObject[];
	/** Total across pages when PortalDuct says it; a plain array means everything at once. */
	total?: number;
	complete: boolean;
}

/** Reads `{data:[...], page, pageSize, total}` [assumed]; also `invoices` / `items`, or a plain array. */
export function readInvoicePage(body: unknown): InvoicePage | string {
	if (Array.isArray(body)) return { invoices: body as IDataObject[], complete: true };
	if (typeof body !== 'object' || body === null) return 'the answer was not JSON';
	const page = body as IDataObject;
	const list = pick(page, ['data', 'invoices', 'items']);
	if (!Array.isArray(list)) {
		return 'the answer had no invoice list (looked for "data", "invoices", "items" or a plain array)';
	}
	const total = Number(pick(page, ['total', 'totalCount', 'total_count']));
	return {
		invoices: list as IDataObject[],
		total: Number.isFinite(total) ? total : undefined,
		complete: false,
	};
}

