/**
 * The assumed facts of docs/openapi.yaml that `npm run check:portalduct` reports on, one row each, in
 * the order the table prints them. The ids are stable: tests and people's reports name them.
 */
export interface Fact {
	id: string;
	/** What docs/openapi.yaml assumes, in a few words. */
	contract: string;
}

export const FACTS = [
	{ id: 'login.body', contract: 'POST /v1/login takes {email, password}' },
	{ id: 'login.token', contract: 'login answer names the token "token"' },
	{ id: 'login.refreshToken', contract: 'login answer names the refresh token "refreshToken"' },
	{ id: 'login.expiresIn', contract: 'login answer gives the lifetime as "expiresIn" (seconds)' },
	{ id: 'login.badCredentials', contract: 'a wrong password gets 401' },
	{ id: 'refresh.path', contract: 'POST /v1/refreshToken with {refreshToken} answers like login' },
	{ id: 'refresh.singleUse', contract: 'a refresh token is single-use (a second use gets 401)' },
	{ id: 'auth.unknownToken', contract: 'an unknown or expired token gets 401' },
	{ id: 'registration.get', contract: 'GET /v1/clientsPortalLoginChanges: 200 {webhookId, url} or 404' },
	{ id: 'registration.post', contract: 'POST /v1/clientsPortalLoginChanges {url}: 201 {webhookId, url}' },
	{ id: 'registration.replace', contract: 'registering again replaces the URL (one per account)' },
	{ id: 'registration.delete', contract: 'DELETE /v1/clientsPortalLoginChanges: 204, then 404' },
	{ id: 'invoices.page', contract: 'invoice page {data, page, pageSize, total}' },
	{ id: 'invoices.query', contract: 'query page (1-based) and pageSize are honoured' },
	{ id: 'invoices.fields', contract: 'invoice fields invoiceId ... status (open|paid|overdue|disputed)' },
	{ id: 'invoices.unknown', contract: 'invoices of an unknown connection: 404' },
	{ id: 'balance.fields', contract: 'balance {clientUUID, currency, totalOutstanding, ..., byPortal}' },
	{ id: 'balance.unknown', contract: 'balance of an unknown client: 404' },
	{ id: 'errors.body', contract: 'error body {error, message} as application/json' },
	{ id: 'errors.retryAfter', contract: '429 carries Retry-After' },
	{ id: 'records.create', contract: 'customer/client create bodies and answers; 409, 404, 400' },
	{ id: 'deliveries.payload', contract: 'delivery {eventId, event, ..., connection_uuid, status}' },
	{ id: 'deliveries.status', contract: 'delivery status words pending|success|failure' },
	{ id: 'deliveries.signature', contract: 'X-PortalDuct-Signature t=..,v1=HMAC when a secret is set' },
	{ id: 'deliveries.retries', contract: 'at-least-once: a failed delivery is retried, same eventId' },
] as const satisfies readonly Fact[];

export type FactId = (typeof FACTS)[number]['id'];

export type Outcome = 'held' | 'differed' | 'not tried';
/** Whether the package's own readers accepted what came (differed facts only). */
export type Copes = 'yes' | 'partly' | 'no';

export interface FactResult {
	id: FactId;
	contract: string;
	outcome: Outcome;
	/**
	 * differed: what came instead (field names, status codes, content types; never values);
	 * held: an optional note; not tried: why, and how to check it by hand.
	 */
	detail?: string;
	copes?: Copes;
	/** What "copes" means here, when it is not plain yes. */
	copesNote?: string;
}
