/** Invoices: deterministic bulk seeding, paging, and the client balance computed from them. */
import { createHash } from 'node:crypto';
import { restyle } from './dialects';
import { badRequest, notFound } from './errors';
import type { Invoice, InvoiceStatus, SandboxState, SeedInvoicesInput } from './types';

export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['open', 'paid', 'overdue', 'disputed'];
export const MAX_SEED = 100000;
const DAY_MS = 86400000;
// Seeded invoice n is dated FIRST_INVOICE_DATE + (n-1) days: deterministic and ascending.
const FIRST_INVOICE_DATE = Date.UTC(2023, 0, 1);

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** First 8 hex digits of the connection id, upper case: readable and stable in invoice numbers. */
export const connectionShort = (connectionUuid: string) => connectionUuid.slice(0, 8).toUpperCase();

/** A UUID-shaped id derived from connection + sequence, so reseeding gives the same ids. */
function invoiceIdFor(connectionUuid: string, seq: number): string {
	const h = createHash('sha1').update(`${connectionUuid}:${seq}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function seedInvoices(state: SandboxState, input: SeedInvoicesInput): { connection_uuid: string; total: number } {
	if (typeof input !== 'object' || input === null) throw badRequest('Body must be a JSON object');
	const connectionUuid = typeof input.connection_uuid === 'string' ? input.connection_uuid.toLowerCase() : '';
	if (!connectionUuid) throw badRequest("'connection_uuid' is required");
	const connection = state.connections.get(connectionUuid);
	if (!connection) throw notFound(`Connection ${input.connection_uuid} not found`);
	const count = input.count;
	if (!Number.isInteger(count) || count < 0 || count > MAX_SEED) {
		throw badRequest(`'count' must be an integer from 0 to ${MAX_SEED}`);
	}
	const statuses = input.statuses ?? INVOICE_STATUSES;
	if (!Array.isArray(statuses) || statuses.length === 0 || !statuses.every((s) => INVOICE_STATUSES.includes(s))) {
		throw badRequest(`'statuses' must be a non-empty array of ${INVOICE_STATUSES.join(', ')}`);
	}
	const currency = input.currency ?? 'USD';
	if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
		throw badRequest("'currency' must be an ISO 4217 code such as 'USD'");
	}

	let list = state.invoices.get(connectionUuid);
	if (!list) {
		list = [];
		state.invoices.set(connectionUuid, list);
	}
	const short = connectionShort(connectionUuid);
	const start = list.length;
	for (let i = 0; i < count; i++) {
		const seq = start + i + 1;
		const status = statuses[(start + i) % statuses.length];
		const dated = FIRST_INVOICE_DATE + (seq - 1) * DAY_MS;
		const number = String(seq).padStart(6, '0');
		const invoice: Invoice = {
			invoiceId: invoiceIdFor(connectionUuid, seq),
			invoiceNumber: `INV-${short}-${number}`,
			poNumber: `PO-${short}-${number}`,
			portalName: connection.portalName,
			// Between 100.00 and 5000.00, varied but reproducible; integer cents so sums stay exact.
			amount: (10000 + ((seq * 7919) % 490001)) / 100,
			currency,
			invoiceDate: isoDate(dated),
			dueDate: isoDate(dated + 30 * DAY_MS),
			status,
		};
		if (status === 'paid') invoice.paidDate = isoDate(dated + 14 * DAY_MS);
		list.push(invoice);
	}
	return { connection_uuid: connectionUuid, total: list.length };
}

function parsePositiveInt(raw: string | null, field: string, fallback: number, max?: number): number {
	if (raw === null) return fallback;
	if (!/^\d+$/.test(raw) || Number(raw) < 1 || (max !== undefined && Number(raw) > max)) {
		throw badRequest(
			`'${field}' must be an integer from 1${max !== undefined ? ` to ${max}` : ' upwards'}, got ${JSON.stringify(raw)}`,
		);
	}
	return Number(raw);
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

/** Cursors of the continuation dialects: opaque, and with characters a URL query must escape (+ / =). */
const CURSOR_PREFIX = Buffer.from([0xfb, 0xff]);
const cursorFor = (offset: number) => Buffer.concat([CURSOR_PREFIX, Buffer.from(`offset:${offset}`)]).toString('base64');
function offsetOf(cursor: string | null): number {
	if (cursor === null) return 0;
	const raw = Buffer.from(cursor, 'base64');
	const match = /^offset:(\d+)$/.exec(raw.subarray(CURSOR_PREFIX.length).toString());
	if (!raw.subarray(0, CURSOR_PREFIX.length).equals(CURSOR_PREFIX) || !match || cursorFor(Number(match[1])) !== cursor) {
		throw badRequest(`'cursor' is not one this server handed out, got ${JSON.stringify(cursor)}`);
	}
	return Number(match[1]);
}

/**
 * GET /v1/getClientInvoices/:connection_uuid. A pageSize above the contract's maximum (100) is a 400;
 * up to it, the server serves at most invoicesMaxPageSize and reports the size it used, as a real
 * server that caps does. invoicesIgnorePage, invoicesReportPageSize and invoicesReportTotal make
 * the paging lie in the ways a client must cope with. invoicesContinuation 'next' (a relative link),
 * 'links.next' (an absolute link on `origin`) and 'cursor' (`nextCursor`, sent back as `cursor`)
 * ignore `page`: only the continuation reaches later pages; 'nextPage' and 'hasMore' keep page
 * numbers and report neither page size nor total (the continuation is their only word on what is
 * left). Every answer is written in the fieldStyle (snake_case: `total_count`, `page_size`, ...).
 */
export function invoicesResponse(state: SandboxState, connectionUuid: string, query: URLSearchParams, origin = ''): unknown {
	const settings = state.settings;
	const paged = settings.invoicesResponseStyle === 'paged';
	const continuation = paged ? settings.invoicesContinuation : 'none';
	const byCursor = continuation === 'next' || continuation === 'links.next' || continuation === 'cursor';
	// A non-paging API ignores page parameters it does not know, so they are only checked when paged;
	// likewise a server that ignores `page` does not check it.
	const page = paged && !settings.invoicesIgnorePage && !byCursor ? parsePositiveInt(query.get('page'), 'page', 1) : 1;
	const asked = paged ? parsePositiveInt(query.get('pageSize'), 'pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) : 0;
	const offset = byCursor ? offsetOf(query.get('cursor')) : 0;
	if (!state.connections.has(connectionUuid)) throw notFound(`Connection ${connectionUuid} not found`);
	const all = state.invoices.get(connectionUuid) ?? [];
	const styled = (body: unknown) => restyle(body, settings.fieldStyle);
	// The 'array' style returns everything on every call (page=2 included), like a real non-paging API.
	if (!paged) return styled(all.map(copyInvoice));
	const pageSize = Math.min(asked, settings.invoicesMaxPageSize);
	const from = byCursor ? offset : (page - 1) * pageSize;
	const body: Record<string, unknown> = { data: all.slice(from, from + pageSize).map(copyInvoice) };
	const more = from + pageSize < all.length;
	if (byCursor) {
		const cursor = more ? cursorFor(from + pageSize) : null;
		const link = cursor && `/v1/getClientInvoices/${connectionUuid}?cursor=${encodeURIComponent(cursor)}&pageSize=${pageSize}`;
		if (continuation === 'next') body.next = link;
		else if (continuation === 'links.next') body.links = { next: link && `${origin}${link}` };
		else body.nextCursor = cursor;
	} else {
		body.page = page;
		if (continuation === 'nextPage') body.nextPage = more ? page + 1 : null;
		if (continuation === 'hasMore') body.hasMore = more;
	}
	const numbersOnly = continuation === 'none';
	if (settings.invoicesReportPageSize && (numbersOnly || byCursor)) body.pageSize = pageSize;
	// A server that ignores `page` has no notion of pages to count, so it reports no total either.
	if (settings.invoicesReportTotal && !settings.invoicesIgnorePage && (numbersOnly || byCursor)) {
		body[settings.fieldStyle === 'snake_case' ? 'totalCount' : 'total'] = all.length;
	}
	return styled(body);
}

const copyInvoice = (invoice: Invoice): Invoice => ({ ...invoice });

const toCents = (amount: number) => Math.round(amount * 100);

export function clientBalance(state: SandboxState, clientUuid: string) {
	const client = state.clients.get(clientUuid);
	if (!client) throw notFound(`Client ${clientUuid} not found`);
	const connections = [...state.connections.values()].filter((c) => c.clientUUID === client.clientUUID);
	const invoicesOf = (id: string) => state.invoices.get(id) ?? [];
	// The contract has one currency per balance and no conversion: the balance is in the currency of the
	// client's first invoice and invoices in other currencies are left out (USD when there are none).
	const firstInvoice = connections.map((c) => invoicesOf(c.connection_uuid)[0]).find(Boolean);
	const currency = firstInvoice?.currency ?? 'USD';
	let outstanding = 0;
	let overdue = 0;
	let openInvoices = 0;
	const byPortal = connections.map((connection) => {
		let portalOutstanding = 0;
		let portalOverdue = 0;
		for (const invoice of invoicesOf(connection.connection_uuid)) {
			if (invoice.currency !== currency || invoice.status === 'paid') continue;
			const cents = toCents(invoice.amount);
			portalOutstanding += cents;
			openInvoices++;
			if (invoice.status === 'overdue') portalOverdue += cents;
		}
		outstanding += portalOutstanding;
		overdue += portalOverdue;
		return {
			portalName: connection.portalName,
			connection_uuid: connection.connection_uuid,
			outstanding: portalOutstanding / 100,
			overdue: portalOverdue / 100,
		};
	});
	return restyle({
		clientUUID: client.clientUUID,
		currency,
		totalOutstanding: outstanding / 100,
		totalOverdue: overdue / 100,
		openInvoices,
		asOf: new Date().toISOString(),
		byPortal,
	}, state.settings.fieldStyle);
}
