/**
 * Every PortalDuct path and field name lives here, and nowhere else.
 *
 * PortalDuct's API reference is not public. Names marked [doc] are stated in its guides; names
 * marked [assumed] are our best reading, so each reader below accepts the plausible variants and
 * says which names it looked for when a response has none of them.
 */
import type { IDataObject } from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'portalDuctApi';

export const paths = {
	login: '/v1/login', // [doc]
	renewal: '/v1/refreshToken', // [assumed] "Refresh Token"
	addNewCustomer: '/v1/addNewCustomer', // [doc]
	addNewCustomerClient: '/v1/addNewCustomerClient', // [doc]
	portalLoginChanges: '/v1/clientsPortalLoginChanges', // [doc] POST; GET and DELETE [assumed]
	clientInvoices: (connectionUuid: string) =>
		`/v1/getClientInvoices/${encodeURIComponent(connectionUuid)}`, // [doc]
	clientBalance: (clientUuid: string) => `/v1/getClientBalance/${encodeURIComponent(clientUuid)}`, // [doc]
} as const;

/** [assumed] paging parameters of Get client invoices. */
export const invoicePaging = { page: 'page', pageSize: 'pageSize', maxPageSize: 100 } as const;

/** Portal-login status values [doc]. */
export const connectionStatuses = ['pending', 'success', 'failure'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

export interface TokenSet {
	token: string;
	refreshToken?: string;
	expiresIn?: number;
}

function pick(source: IDataObject | undefined, names: string[]): unknown {
	if (!source) return undefined;
	for (const name of names) {
		const value = source[name];
		if (value !== undefined && value !== null && value !== '') return value;
	}
	return undefined;
}

const tokenNames = ['token', 'accessToken', 'access_token'];
const refreshNames = ['refreshToken', 'refresh_token'];
const expiresNames = ['expiresIn', 'expires_in'];

/**
 * Reads a login or refresh answer: `{token, refreshToken, expiresIn}` [assumed], also
 * `accessToken` / `access_token`, `refresh_token`, and any of them under `data`.
 * Returns a reason instead of throwing so callers choose the error type their context needs.
 */
export function readTokenSet(body: unknown): TokenSet | string {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return 'the answer was not a JSON object';
	}
	const top = body as IDataObject;
	const nested =
		typeof top.data === 'object' && top.data !== null ? (top.data as IDataObject) : undefined;
	const token = pick(top, tokenNames) ?? pick(nested, tokenNames);
	if (typeof token !== 'string') {
		return `the answer had none of the fields ${tokenNames.join(', ')} (also looked under "data")`;
	}
	const refreshToken = pick(top, refreshNames) ?? pick(nested, refreshNames);
	const expiresIn = Number(pick(top, expiresNames) ?? pick(nested, expiresNames));
	return {
		token,
		refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
		expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
	};
}

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

/** Error bodies are `{"error": "<code>", "message": "<text>"}` [assumed]; tolerate `detail` / `error.message`. */
export function readErrorBody(body: unknown): { code?: string; message?: string } {
	if (typeof body !== 'object' || body === null) return {};
	const b = body as IDataObject;
	const nested = typeof b.error === 'object' && b.error !== null ? (b.error as IDataObject) : {};
	const code = typeof b.error === 'string' ? b.error : (nested.code as string | undefined);
	const message = pick(b, ['message', 'detail', 'error_description']) ?? nested.message;
	return { code, message: typeof message === 'string' ? message : undefined };
}

/**
 * The Retry-After header of an answer, as sent (seconds or an HTTP date; read by the 429 rule), or
 * undefined. Headers as axios hands them over: lower case, or as sent.
 */
export function readRetryAfter(headers: IDataObject | undefined): string | undefined {
	const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
	return raw === undefined || raw === null ? undefined : String(raw);
}

/** Field names of create bodies: the ids [doc], the rest [assumed]. */
export const customerFields = { id: 'customerUUID' };
export const clientFields = { id: 'clientUUID', customerId: 'customerUUID' };
export const recordFields = { name: 'name', email: 'email', metadata: 'metadata' };
